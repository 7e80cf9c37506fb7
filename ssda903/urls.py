from django.urls import path

from ssda903 import views

app_name = "ssda903"

urlpatterns = [
    path("903/import/", views.import_home, name="imports"),
    path("903/import/<uuid:public_id>/", views.import_detail, name="import"),
    path("903/import/<uuid:public_id>/status/", views.import_status, name="import_status"),
    path("903/import/<uuid:public_id>/problems.csv", views.import_problems, name="problems"),
    path("903/export/", views.export_home, name="export"),
]
