"""URL map: the JSON API, metrics, the web pages of each app, language switching."""

from django.urls import include, path

from ulinzi.api import api
from ulinzi.ops.metrics import metrics_view

urlpatterns = [
    path("api/v1/", api.urls),
    path("metrics", metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/2fa/", include("ulinzi.accounts.twofactor_urls")),
    path("", include("ulinzi.web.urls")),
    path("incidents/", include("ulinzi.incidents.urls")),
    path("alerts/", include("ulinzi.alerts.urls")),
    path("deconfliction/", include("ulinzi.alerts.deconfliction.urls")),
    path("anonymous/", include("ulinzi.intake.anonymous.urls")),
    path("report/", include("ulinzi.intake.selfreport.urls")),
    path("imports/", include("ulinzi.intake.urls")),
    path("analysis/", include("ulinzi.analysis.urls")),
    path("linkage/", include("ulinzi.analysis.linkage.urls")),
    path("reports/", include("ulinzi.reports.urls")),
    path("directory/", include("ulinzi.directory.urls")),
    path("cases/", include("ulinzi.cases.urls")),
    path("organisation/", include("ulinzi.accounts.urls")),
]
