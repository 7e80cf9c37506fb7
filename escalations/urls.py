from django.urls import path

from escalations import views

app_name = "escalations"

urlpatterns = [
    path("children/<uuid:public_id>/escalations/new/", views.escalation_raise, name="raise"),
    path("escalations/", views.escalation_list, name="list"),
    path("escalations/mine/", views.escalation_mine, name="mine"),
    path("escalations/<uuid:public_id>/", views.escalation_detail, name="detail"),
    path("escalations/<uuid:public_id>/respond/", views.escalation_respond, name="respond"),
    path("escalations/<uuid:public_id>/move/", views.escalation_move, name="move"),
    path("escalations/<uuid:public_id>/close/", views.escalation_close, name="close"),
    path("escalations/<uuid:public_id>/reopen/", views.escalation_reopen, name="reopen"),
]
