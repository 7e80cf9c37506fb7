from django.urls import path

from children import views

app_name = "children"

urlpatterns = [
    path("children/", views.child_list, name="list"),
    path("children/new/", views.child_create, name="create"),
    path("unallocated/", views.unallocated, name="unallocated"),
    path("cover/", views.cover, name="cover"),
    path("cover/<uuid:public_id>/change/", views.cover_change, name="cover_change"),
    path("cover/<uuid:public_id>/end/", views.cover_end, name="cover_end"),
    path("staff/<uuid:public_id>/reallocate/", views.reallocate, name="reallocate"),
    path("children/<uuid:public_id>/", views.child_detail, name="detail"),
    path("children/<uuid:public_id>/edit/", views.child_edit, name="edit"),
    path("children/<uuid:public_id>/changes/new/", views.episode_create, name="episode_create"),
    path("children/<uuid:public_id>/end-care/", views.period_end, name="period_end"),
    path("children/<uuid:public_id>/allocate/", views.allocate, name="allocate"),
    path("children/<uuid:public_id>/archive/", views.archive, name="archive"),
    path("children/<uuid:public_id>/siblings/new/", views.sibling_add, name="sibling_add"),
]
