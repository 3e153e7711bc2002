"""GeoReport v2 under /open311/v2/: every resource as .xml or .json, and the key page for town admins."""

from django.urls import path, re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>xml|json)"
urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("attributes/", views.attributes, name="attributes"),
    path("attributes/<int:pk>/remove/", views.attribute_remove, name="attribute_remove"),
    path("attributes/public/", views.public_services, name="public_services"),
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", views.services, name="services"),
    re_path(rf"^services/(?P<code>[^/]+?){FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", views.service_requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+?){FMT}$", views.service_request, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+?){FMT}$", views.token, name="token"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
