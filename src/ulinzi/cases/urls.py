from django.urls import path

from ulinzi.cases.views import cases, complaints, referrals

app_name = "cases"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("new/", cases.case_new, name="new"),
    path("notifications/", cases.notifications, name="notifications"),
    path("protocol/", referrals.protocol_view, name="protocol"),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/<uuid:referral_id>/", referrals.referral_detail, name="referral"),
    path("referrals/<uuid:referral_id>/act/", referrals.referral_action, name="referral_action"),
    path("measures/<int:measure_id>/", cases.measure_action, name="measure_action"),
    path("complaints/", complaints.dashboard, name="complaints"),
    path("complaints/new/", complaints.new, name="complaint_new"),
    path("complaints/mine/", complaints.mine, name="complaints_mine"),
    path("complaints/follow/", complaints.follow, name="complaint_follow"),
    path("complaints/statistics/", complaints.statistics, name="complaint_statistics"),
    path("complaints/<uuid:complaint_id>/", complaints.detail, name="complaint"),
    path("complaints/<uuid:complaint_id>/act/", complaints.act, name="complaint_action"),
    path("<uuid:case_id>/", cases.case_detail, name="detail"),
    path("<uuid:case_id>/access-log/", cases.access_log, name="access_log"),
    path("<uuid:case_id>/notes/", cases.add_note, name="add_note"),
    path("<uuid:case_id>/consents/", cases.give_consent, name="give_consent"),
    path(
        "<uuid:case_id>/consents/<int:consent_id>/withdraw/",
        cases.withdraw_consent,
        name="withdraw_consent",
    ),
    path("<uuid:case_id>/refer/", cases.refer, name="refer"),
    path("<uuid:case_id>/measures/", cases.add_measure, name="add_measure"),
    path("<uuid:case_id>/assess/<slug:code>/", cases.assess, name="assess"),
]
