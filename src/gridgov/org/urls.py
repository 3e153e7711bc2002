from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/status", views.import_status, name="import_status"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
    path("template.xlsx", views.template, name="template"),
]
