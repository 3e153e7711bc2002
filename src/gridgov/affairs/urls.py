from django.urls import path

from . import views

app_name = "affairs"
urlpatterns = [
    path("", views.index, name="index"),
    path("matters/new/", views.new_matter, name="new_matter"),
    path("matters/<int:pk>/", views.matter, name="matter"),
    path("files/<int:pk>/", views.matter_file, name="matter_file"),
    path("board/", views.board_manage, name="board"),
    path("board/files/<int:pk>/", views.item_file, name="item_file"),
    path("b/<str:token>/", views.public_board, name="public"),
    path("b/<str:token>/files/<int:pk>/", views.public_file, name="public_file"),
    path("village/", views.village, name="village"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/<str:code>/", views.settings_village, name="settings_village"),
    path("ask/", views.ask, name="ask"),
    path("remark/", views.remark, name="remark"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("box/", views.box, name="box"),
]
