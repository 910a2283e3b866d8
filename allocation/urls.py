from django.urls import path

from allocation import views

app_name = "allocation"

urlpatterns = [
    path("allocation/", views.overview, name="overview"),
    path("allocation/preview/", views.preview, name="preview"),
    path("allocation/weights/", views.weights, name="weights"),
    path("allocation/limits/<slug:slug>/", views.ring_fence_limit, name="ring_fence_limit"),
    path("allocation/runs/<uuid:uid>/", views.run_detail, name="run"),
    path("allocation/runs/<uuid:uid>/commit/", views.commit, name="commit"),
    path("allocation/runs/<uuid:uid>/discard/", views.discard, name="discard"),
    path("allocation/runs/<uuid:uid>/swap/", views.match_swap, name="swap"),
    path("allocation/runs/<uuid:uid>/matches/<int:pk>/remove/", views.match_remove, name="remove"),
    path("allocation/runs/<uuid:uid>/matches/<int:pk>/undo/", views.match_undo, name="undo"),
    path("ring-fences/", views.ring_fences, name="ring_fences"),
    path("ring-fences/<int:pk>/lift/", views.ring_fence_lift, name="ring_fence_lift"),
]
