from django.urls import path

from . import views

app_name = "stars"
urlpatterns = [
    path("", views.index, name="index"),
    path("home-box/", views.home_box, name="home_box"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("pair/", views.pair, name="pair"),
    path("open/", views.open_quarter, name="open"),
    path("scheme/new/", views.scheme_new, name="scheme_new"),
    path("scheme/<int:year>/", views.scheme_page, name="scheme"),
    path("trends/", views.trends, name="trends"),
    path("bulletin/<str:period>/", views.bulletin, name="bulletin"),
    path("bulletin/<str:period>.xlsx", views.bulletin_xlsx, name="bulletin_xlsx"),
    path("map/", views.star_map, name="map"),
    path("map.geojson", views.map_data, name="map_data"),
]
