from django.urls import path

from . import views

app_name = "links"
urlpatterns = [
    path("", views.index, name="index"),
    path("households/<int:household_id>/contact/", views.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/", views.contact, name="contact"),
    path("contacts/<int:contact_id>/photo/", views.contact_photo, name="contact_photo"),
    path("contacts/<int:contact_id>/case/", views.contact_case, name="contact_case"),
    path("coverage/", views.coverage, name="coverage"),
    path("unlinked/", views.unlinked, name="unlinked"),
    path("not-contacted/", views.not_contacted, name="not_contacted"),
    path("villages/<str:code>/", views.village, name="village"),
    path("villages/<str:code>/add/", views.village_add, name="village_add"),
    path("villages/<str:code>/accept/", views.village_accept, name="village_accept"),
    path("villages/<str:code>/import/", views.village_import, name="village_import"),
    path("links/<int:link_id>/end/", views.link_end, name="end"),
    path("template.xlsx", views.template, name="template"),
    path("towns/<str:code>/settings/", views.town_settings, name="settings"),
]
