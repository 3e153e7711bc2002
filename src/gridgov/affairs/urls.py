from django.urls import path  # noqa: F401  the pages' routes are added by views work

app_name = "affairs"
urlpatterns: list = []
