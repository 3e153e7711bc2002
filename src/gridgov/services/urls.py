from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("figures/", views.figures, name="figures"),
    path("catalogue/", views.catalogue_admin, name="catalogue"),
    path("slots/", views.slots, name="slots"),
    path("catalogue/export/", views.catalogue_export, name="catalogue_export"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/files/<int:file_id>/", views.material_file, name="file"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
