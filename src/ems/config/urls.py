from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from ems.accounts.decorators import public

urlpatterns = [
    path("", include("ems.core.urls")),
    path("account/", include("ems.accounts.urls")),
    path("audit/", include("ems.audit.urls")),
    path("jobs/", include("ems.jobs.urls")),
    path("register/", include("ems.register.urls")),
    path("elections/", include("ems.elections.urls")),
    path("polling/", include("ems.polling.urls")),
    path("api/", include("ems.polling.api_urls")),
    path("count/", include("ems.counting.urls")),
    path("results/", include("ems.counting.public_urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("django-admin/", admin.site.urls),
]

handler400 = "ems.core.views.bad_request"
handler403 = "ems.core.views.permission_denied"
handler404 = "ems.core.views.page_not_found"
handler500 = "ems.core.views.server_error"
