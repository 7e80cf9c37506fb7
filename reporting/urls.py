from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("report/", views.report_home, name="home"),
    path("report/editions/<uuid:public_id>/", views.edition_detail, name="edition"),
    path("report/editions/<uuid:public_id>/status/", views.edition_status, name="status"),
    path(
        "report/editions/<uuid:public_id>/for-children/",
        views.edition_for_children,
        name="for_children",
    ),
    path(
        "report/editions/<uuid:public_id>/download/<slug:fmt>/",
        views.edition_download,
        name="download",
    ),
    path("report/narrative/<str:year>/", views.narrative_edit, name="narrative"),
    path("report/complaints/", views.complaint_list, name="complaints"),
    path("report/complaints/new/", views.complaint_create, name="complaint_create"),
    path("report/complaints/<uuid:public_id>/", views.complaint_edit, name="complaint_edit"),
]
