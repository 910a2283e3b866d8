from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("demand/", views.demand, name="demand"),
    path("referrals/", views.referral_list, name="list"),
    path("referrals/new/", views.referral_new, name="new"),
    path("referrals/export.csv", views.referral_export, name="export"),
    path("referrals/access-log/", views.access_log, name="access_log"),
    path("referrals/sims/", views.sims, name="sims"),
    path("referrals/<uuid:uid>/", views.referral_detail, name="detail"),
    path("referrals/<uuid:uid>/change/", views.referral_edit, name="edit"),
    path("referrals/<uuid:uid>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("referrals/<uuid:uid>/renew/", views.referral_renew, name="renew"),
    path("referrals/<uuid:uid>/ready/", views.referral_ready, name="ready"),
    path("referrals/<uuid:uid>/handover/", views.referral_handover, name="handover"),
    path("referrals/<uuid:uid>/follow-up/", views.referral_follow_up, name="follow_up"),
    path("referrals/<uuid:uid>/erase/", views.referral_erase, name="erase"),
]
