from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
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
]
