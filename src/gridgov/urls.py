from django.urls import include, path

from gridgov.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("data/", include("gridgov.org.urls")),
    path("cases/", include("gridgov.cases.urls")),
    path("points/", include("gridgov.points.urls")),
    path("stars/", include("gridgov.stars.urls")),
    path("links/", include("gridgov.links.urls")),
    path("patrols/", include("gridgov.patrols.urls")),
    path("meetings/", include("gridgov.meetings.urls")),
    path("tasks/", include("gridgov.tasks.urls")),
    path("volunteers/", include("gridgov.volunteers.urls")),
    path("honours/", include("gridgov.honours.urls")),
    path("services/", include("gridgov.services.urls")),
    path("disputes/", include("gridgov.disputes.urls")),
    path("affairs/", include("gridgov.affairs.urls")),
    path("open311/v2/", include("gridgov.open311.urls")),
    path("", include("gridgov.web.urls")),
]
