"""Supply and sale: entitlement, fees on the entries actually supplied, the encrypted package, the log."""

import csv
import datetime as dt
import io

import pytest
import pyzipper
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ems.accounts.models import User
from ems.audit.models import AuditEvent
from ems.core.models import Authority
from ems.register import services_supply_sale as sale
from ems.register.exporters.supply_csv import SUPPLY_COLUMNS
from ems.register.models import SupplyRequest
from ems_rules.fees import format_pounds, sale_fee_pence

AS_AT = dt.date(2025, 12, 1)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.JOB_FILES_DIR = tmp_path
    call_command("demo-data", "--electors", "1200", "--seed", "5", "--authority", "E07000305")
    return Authority.objects.get(gss_code="E07000305")


@pytest.mark.django_db
def test_a_credit_reference_agency_buys_the_full_register_at_the_prescribed_fee(demo, tmp_path):
    request = sale.supply_request_create(
        acting_user=None, authority=demo, recipient_name="Credit Checks Ltd", entitlement="credit_reference_agency",
        document="full", form="data", as_at=AS_AT,
    )  # fmt: skip
    result = sale.supply_request_deliver(acting_user=None, request=request)
    request.refresh_from_db()
    assert request.state == "delivered" and not request.free
    assert request.fee_pence == sale_fee_pence("full", "data", request.entries, on=AS_AT)
    assert result["fee"] == format_pounds(request.fee_pence)
    with pyzipper.AESZipFile(result["path"]) as archive:
        with pytest.raises(RuntimeError):
            archive.read(archive.namelist()[0])  # no passphrase, no data
        archive.setpassword(result["passphrase"].encode())
        rows = list(csv.reader(io.StringIO(archive.read(archive.namelist()[0]).decode())))
    assert rows[0] == SUPPLY_COLUMNS and len(rows) - 1 == request.entries
    assert result["passphrase"] not in str(AuditEvent.objects.filter(object_id=str(request.pk)).values_list())


@pytest.mark.django_db
def test_parties_get_it_free_and_open_register_buyers_cannot_have_the_full_register(demo):
    free = sale.supply_request_create(
        acting_user=None, authority=demo, recipient_name="A Party", entitlement="political_party",
        document="full", form="printed", as_at=AS_AT, district_codes=["aa"],
    )  # fmt: skip
    assert free.free and free.district_codes == ["AA"]
    sale.supply_request_deliver(acting_user=None, request=free)
    free.refresh_from_db()
    assert free.fee_pence == 0
    with pytest.raises(ValidationError, match="only be supplied the open register"):
        sale.supply_request_create(
            acting_user=None, authority=demo, recipient_name="Anyone", entitlement="any_purchaser",
            document="full", form="data", as_at=AS_AT,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Unknown polling districts"):
        sale.supply_request_create(
            acting_user=None, authority=demo, recipient_name="X", entitlement="political_party", document="full",
            form="data", as_at=AS_AT, district_codes=["QQ"],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="already supplied"):
        sale.supply_request_deliver(acting_user=None, request=free)


@pytest.mark.django_db
def test_officer_records_and_delivers_a_request_through_the_pages(demo, client_for):
    officer = User.objects.get(username="officer@E07000305")
    client = client_for(officer)
    bad = client.post("/register/supply/new/", {"recipient_name": "", "as_at": "31/02/2026"})
    assert bad.status_code == 200 and b"There is a problem" in bad.content
    assert not SupplyRequest.objects.exists()
    made = client.post(
        "/register/supply/new/",
        {"recipient_name": "Open Data Co", "entitlement": "any_purchaser", "document": "open", "form": "data",
         "as_at": "01/12/2025"},
    )  # fmt: skip
    supply = SupplyRequest.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/register/supply/{supply.pk}/"
    delivered = client.post(f"/register/supply/{supply.pk}/deliver/")
    assert delivered.status_code == 200 and b'data-testid="passphrase"' in delivered.content
    package = client.get(f"/register/supply/{supply.pk}/package/")
    assert package.status_code == 200
    log = client.get("/register/supply/log.csv")
    rows = list(csv.reader(io.StringIO(log.content.decode())))
    assert rows[1][0] == supply.reference and rows[1][11] == "Supplied"
