from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("record/", views.record, name="record"),
    path("board/", views.board, name="board"),
    path("rules/", views.rules, name="rules"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("org/<str:code>/", views.org_page, name="org"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/photo/", views.add_photo, name="add_photo"),
    path("photo/<int:pk>/", views.photo, name="photo"),
]
