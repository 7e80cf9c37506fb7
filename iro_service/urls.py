from django.contrib.auth import views as auth_views
from django.urls import include, path

from iro_service import views
from iro_service.staff_forms import SignInForm

staff_patterns = (
    [
        path("", views.staff_list, name="list"),
        path("new/", views.staff_create, name="create"),
        path("<uuid:public_id>/", views.staff_detail, name="detail"),
        path("<uuid:public_id>/change/", views.staff_edit, name="edit"),
    ],
    "staff",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", include(staff_patterns)),
    path("", include("children.urls")),
    path("", include("reviews.urls")),
    path("", include("support.urls")),
    path("", include("escalations.urls")),
    path("", include("reporting.urls")),
    path("", include("alerts.urls")),
    path("", include("dashboards.urls")),
    path("", include("ssda903.urls")),
]
