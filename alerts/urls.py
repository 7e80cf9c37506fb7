from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.alert_list, name="list"),
    path("alerts/read/", views.alert_mark_all_read, name="read_all"),
    path("alerts/settings/", views.alert_settings, name="settings"),
    path("alerts/schedule/", views.schedule, name="schedule"),
    path("alerts/team/", views.team, name="team"),
    path("alerts/team/<uuid:public_id>/", views.team_iro, name="team_iro"),
    path("alerts/<uuid:public_id>/", views.alert_open, name="open"),
    path("alerts/<uuid:public_id>/read/", views.alert_mark_read, name="read"),
]
