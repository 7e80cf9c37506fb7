from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.iro_dashboard, name="iro"),
    path("dashboard/service/", views.service_dashboard, name="service"),
    path("dashboard/service/<slug:table>.csv", views.service_download, name="download"),
]
