from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("children/<uuid:public_id>/reviews/new/", views.review_schedule, name="schedule"),
    path("children/<uuid:public_id>/oversight/new/", views.oversight_add, name="oversight_add"),
    path("children/<uuid:public_id>/timeline/", views.timeline, name="timeline"),
    path("reviews/<uuid:public_id>/", views.review_detail, name="detail"),
    path("reviews/<uuid:public_id>/record/", views.review_record, name="record"),
    path("reviews/<uuid:public_id>/finalise/", views.review_finalise, name="finalise"),
    path("reviews/<uuid:public_id>/rearrange/", views.review_rearrange, name="rearrange"),
    path("reviews/<uuid:public_id>/cancel/", views.review_cancel, name="cancel"),
    path("reviews/<uuid:public_id>/pre-meeting/", views.review_pre_meeting, name="pre_meeting"),
    path("reviews/<uuid:public_id>/decisions/new/", views.decision_add, name="decision_add"),
    path("decisions/<uuid:public_id>/", views.decision_update, name="decision_update"),
]
