from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("pool/", views.pool, name="pool"),
    path("orders/", views.orders, name="orders"),
    path("dispatch/", views.dispatch_board, name="dispatch"),
    path("supervision/", views.supervision_board, name="supervision"),
    path("stats/", views.stats, name="stats"),
    path("ledger.xlsx", views.ledger_download, name="ledger"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/reveal/phone/", views.reveal_phone, name="reveal_phone"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
