from django.urls import path

from ulinzi.analysis.linkage import views

app_name = "linkage"

urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review_queue, name="queue"),
    path("review/<int:pair_id>/", views.review_pair, name="pair"),
    path("review/<int:pair_id>/decision/", views.decide, name="decide"),
    path("estimate/", views.estimate_page, name="estimate"),
]
