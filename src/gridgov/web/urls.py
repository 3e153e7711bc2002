from django.urls import path

from . import pwa, twofactor_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/code/", twofactor_views.verify, name="otp_verify"),
    path("login/enrol/", twofactor_views.enrol, name="otp_enrol"),
    path("password/two-factor/", twofactor_views.two_factor, name="two_factor"),
    path("password/two-factor/recovery-codes/", twofactor_views.new_recovery_codes, name="otp_new_codes"),
    path("password/two-factor/remove/", twofactor_views.remove, name="otp_remove"),
    path("password/two-factor/reset/", twofactor_views.reset_other, name="otp_reset"),
    path("password/", views.password_change, name="password"),
    path("password/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("tree/", views.tree, name="tree"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("households/", views.household_list, name="households"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("people/", views.person_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/reveal/<str:field>/", views.reveal_personal, name="reveal"),
    path("map/", views.map_view, name="map"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
]
