from django.urls import include, path

from gridgov.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("data/", include("gridgov.org.urls")),
    path("cases/", include("gridgov.cases.urls")),
    path("", include("gridgov.web.urls")),
]
