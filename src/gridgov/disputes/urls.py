from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("high-risk/", views.high_risk, name="high_risk"),
    path("new/", views.new, name="new"),
    path("summary/", views.summary, name="summary"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("villages/<str:code>/screen/", views.screen, name="screen"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/scan/", views.scan, name="scan"),
    path("<int:pk>/parties/<int:party>/reveal/", views.reveal, name="reveal"),
]
