from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("children/<uuid:public_id>/contact-plan/", views.contact_plan, name="contact_plan"),
    path("children/<uuid:public_id>/contacts/new/", views.contact_log, name="contact_log"),
    path("children/<uuid:public_id>/advocacy/new/", views.advocacy_add, name="advocacy_add"),
    path("advocacy/<uuid:public_id>/", views.advocacy_update, name="advocacy_update"),
    path("children/<uuid:public_id>/independent-visitor/refer/", views.iv_refer, name="iv_refer"),
    path("children/<uuid:public_id>/independent-visitor/match/", views.iv_match, name="iv_match"),
    path("iv-matches/<uuid:public_id>/end/", views.iv_match_end, name="iv_match_end"),
    path("independent-visitors/", views.iv_list, name="iv_list"),
    path("independent-visitors/new/", views.iv_add, name="iv_add"),
    path("independent-visitors/<uuid:public_id>/", views.iv_edit, name="iv_edit"),
]
