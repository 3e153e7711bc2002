from django.urls import path, re_path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.statement, name="statement"),
    path("accounts/<int:pk>/redeem/", views.counter_redeem, name="counter_redeem"),
    path("entries/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("shop/", views.shop, name="shop"),
    path("shop/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("pickup/", views.pickup, name="pickup"),
    path("claims/", views.claims, name="claims"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/photo/", views.claim_photo, name="claim_photo"),
    re_path(r"^claims/(?P<pk>[0-9]+)/(?P<decision>approve|reject)/$", views.claim_review, name="claim_review"),
    path("award/", views.award, name="award"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("products/", views.products, name="products"),
    path("products/<int:shop_id>/new/", views.product_save, name="product_new"),
    path("products/<int:shop_id>/clerks/", views.clerk_set, name="clerk_set"),
    path("products/<int:shop_id>/<int:pk>/", views.product_save, name="product_save"),
    path("ranking/", views.ranking, name="ranking"),
    path("board/<int:region_id>/rotate/", views.board_rotate, name="board_rotate"),
    path("board/<str:token>/", views.board, name="board"),
    path("ledger.xlsx", views.export_ledger, name="export_ledger"),
    path("orders.xlsx", views.export_orders, name="export_orders"),
    path("box/", views.box, name="box"),
]
