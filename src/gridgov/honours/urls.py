from django.urls import path

from . import views

app_name = "honours"
urlpatterns = [
    path("", views.index, name="index"),
    path("enter/", views.enter, name="enter"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/act/", views.act, name="act"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("public/", views.public, name="public"),
    path("plaques/", views.plaques, name="plaques"),
    path("counts/", views.counts, name="counts"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
