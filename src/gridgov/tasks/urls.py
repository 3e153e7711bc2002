from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("list/", views.assignments, name="assignments"),
    path("new/", views.new, name="new"),
    path("accountability/", views.accountability, name="accountability"),
    path("a/<int:pk>/", views.assignment, name="assignment"),
    path("a/<int:pk>/act/", views.act, name="act"),
    path("files/<int:pk>/", views.file, name="file"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/score/", views.inspection_score, name="inspection_score"),
]
