from django.urls import path

from . import views

app_name = "patrols"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("by-hand/", views.by_hand, name="by_hand"),
    path("board/", views.board, name="board"),
    path("rule/", views.rule, name="rule"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/notes/<int:note_id>/photo/", views.photo, name="photo"),
    path("<int:pk>/case/", views.case, name="case"),
    path("<int:pk>/finish/", views.finish, name="finish"),
]
