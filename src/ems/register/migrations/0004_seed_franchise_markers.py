"""Seed the franchise markers (registration.md §1.3; sources [S1][S3][S4][S7][S87][S151]).

Poll type codes follow Democracy Club's election ids: parl (UK Parliament), local, pcc,
mayor, gla, sp (Scottish Parliament), senedd, nia (NI Assembly), ref (referendum).
"""

import datetime as dt

from django.db import migrations

LOCAL_ENG = ["local", "pcc", "mayor", "gla"]
ALL_BUT_PARL = ["local", "pcc", "mayor", "gla", "sp", "senedd", "nia"]
EVERY = ["parl", *ALL_BUT_PARL, "ref"]
START = dt.date(2001, 2, 16)  # RPR 2001 in force: the register in its current form

MARKERS = [
    ("F", "Overseas elector", "", ["parl", "ref"], True, START, None, "registration.md §1.3 [S1][S4]"),
    ("L", "Peer entitled to sit in the House of Lords", "", ALL_BUT_PARL, True, START, None,
     "registration.md §1.3 [S1][S4]"),
    ("E", "Overseas peer (European Parliament only; obsolete)", "", [], True, START, dt.date(2020, 1, 31),
     "registration.md §1.3 [S4][S151]"),
    ("G", "EU citizen (local franchise before 7 May 2024 in England)", "ENG", LOCAL_ENG, True, START,
     dt.date(2024, 5, 6), "registration.md §1.3–1.4 [S3][S4]; Elections Act 2022"),
    ("G", "EU citizen", "WLS,SCT", ["local", "sp", "senedd"], True, START, None, "registration.md §1.3 [S4]"),
    ("G", "EU citizen", "NIR", ["local"], True, START, None, "registration.md §1.3 [S4] (NI detail unconfirmed)"),
    ("B", "EU citizen confirmed eligible (qualifying EU citizen or retained rights)", "ENG", LOCAL_ENG, True,
     dt.date(2024, 5, 7), None, "registration.md §1.4 [S3][S133]"),
    ("K", "Certain citizens of EU member states (no UK Parliamentary vote); current use unconfirmed", "",
     ["local"], True, START, None, "registration.md §1.3 [S4] (unconfirmed)"),
    ("U", "Certain EU citizens (Scotland)", "SCT", ["local", "sp"], True, START, None,
     "registration.md §1.3 [S4] (unconfirmed)"),
    ("M", "Qualifying foreign national or short-sentence prisoner (local register only)", "WLS,SCT",
     ["local", "sp", "senedd"], True, START, None, "registration.md §1.3 [S1][S20]"),
    ("N", "Anonymous elector: entry shows only the number and N", "", EVERY, True, START, None,
     "registration.md §1.1, §1.3 [S7][S6]"),
    ("A", "Postal voter (polling station copy only): no ballot paper in the station", "", EVERY, False, START,
     None, "registration.md §1.3 [S4][S87]"),
]


def seed(apps, schema_editor):
    FranchiseMarker = apps.get_model("register", "FranchiseMarker")
    for code, meaning, nations, poll_types, published, valid_from, valid_to, source in MARKERS:
        FranchiseMarker.objects.update_or_create(
            code=code,
            nations=nations,
            valid_from=valid_from,
            defaults={
                "meaning": meaning,
                "poll_types": poll_types,
                "published": published,
                "valid_to": valid_to,
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("register", "FranchiseMarker").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0003_register_entries_alterations_notices_markers")]
    operations = [migrations.RunPython(seed, unseed)]
