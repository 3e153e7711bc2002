from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("me/", views.record, name="record"),
    path("new/", views.create, name="create"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/join/", views.join, name="join"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/code/", views.code, name="code"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/close/", views.close, name="close"),
]
