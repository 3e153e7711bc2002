from django.urls import path

from . import views

app_name = "honours"
urlpatterns = [
    path("photos/<int:pk>/", views.photo, name="photo"),
]
