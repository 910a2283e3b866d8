from django.urls import path

from devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.device_list, name="list"),
    path("devices/scan/", views.bulk, name="bulk"),
    path("devices/labels/", views.labels, name="labels"),
    path("devices/<uuid:uid>/", views.device_detail, name="detail"),
    path("devices/<uuid:uid>/do/<slug:name>/", views.device_transition, name="transition"),
    path("devices/<uuid:uid>/assess/", views.assess, name="assess"),
    path("devices/<uuid:uid>/refurbish/", views.refurbish, name="refurbish"),
    path("devices/<uuid:uid>/recycle/", views.recycle, name="recycle"),
    path("devices/<uuid:uid>/lost/", views.lose, name="lose"),
    path("devices/<uuid:uid>/drives/", views.drive_add, name="drive_add"),
    path("devices/<uuid:uid>/no-storage/", views.no_storage, name="no_storage"),
    path(
        "devices/<uuid:uid>/drives/<int:pk>/destroyed/", views.drive_destroy, name="drive_destroy"
    ),
    path("devices/<uuid:uid>/send/", views.handover_send, name="handover_send"),
    path("devices/<uuid:uid>/confirm/", views.handover_confirm, name="handover_confirm"),
    path("devices/<uuid:uid>/cancel-handover/", views.handover_cancel, name="handover_cancel"),
    path("devices/<uuid:uid>/correct/", views.correct, name="correct"),
]
