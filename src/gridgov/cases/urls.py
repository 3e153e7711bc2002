from django.urls import path

from . import views, views_config

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
    path("config/", views_config.config, name="config"),
    path("config/categories/new/", views_config.category_create, name="config_category_new"),
    path("config/categories/<str:code>/", views_config.category_edit, name="config_category"),
    path("config/units/new/", views_config.unit_create, name="config_unit_new"),
    path("config/units/<str:code>/members/", views_config.unit_members, name="config_unit_members"),
    path("config/calendar/", views_config.holiday_set, name="config_holiday"),
    path("config/calendar/remove/", views_config.holiday_remove, name="config_holiday_remove"),
    path("notifications/", views_config.notifications, name="notifications"),
    path("notifications/read/", views_config.notifications_read, name="notifications_read"),
]
