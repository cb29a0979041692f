from django.urls import path

from moot.meetings import apology_views, console_views, officer_views, views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.schedule, name="schedule"),
    path("meetings/<int:meeting_id>/", views.detail, name="detail"),
    path("meetings/<int:meeting_id>/edit/", views.edit, name="edit"),
    path("meetings/<int:meeting_id>/live/", views.live_fragment, name="live"),
    path("meetings/<int:meeting_id>/quorum/", views.quorum_fragment, name="quorum"),
    path("meetings/<int:meeting_id>/meeting.ics", views.calendar, name="ics"),
    path("meetings/<int:meeting_id>/notice/", views.send_notice, name="send_notice"),
    path(
        "meetings/<int:meeting_id>/notice/outside/",
        officer_views.record_outside_notice,
        name="record_outside_notice",
    ),
    path(
        "meetings/<int:meeting_id>/chair-change/",
        officer_views.change_chair,
        name="change_chair",
    ),
    path("meetings/<int:meeting_id>/agenda/", views.agenda, name="agenda"),
    path("meetings/items/<int:item_id>/edit/", views.edit_item, name="edit_item"),
    path("meetings/items/<int:item_id>/move/", views.move_item, name="move_item"),
    path("meetings/items/<int:item_id>/remove/", views.remove_item, name="remove_item"),
    path("meetings/<int:meeting_id>/chair/", views.chair, name="chair"),
    path("meetings/<int:meeting_id>/chair/move/", views.chair_move, name="chair_move"),
    path("meetings/<int:meeting_id>/chair/end/", console_views.end_meeting, name="end"),
    path("meetings/<int:meeting_id>/chair/resume/", console_views.resume_meeting, name="resume"),
    path("meetings/<int:meeting_id>/chair/hand-over/", console_views.hand_over, name="hand_over"),
    path("meetings/<int:meeting_id>/chair/hand-back/", console_views.hand_back, name="hand_back"),
    path("meetings/<int:meeting_id>/check-in/", views.check_in_page, name="check_in"),
    path(
        "meetings/<int:meeting_id>/check-in/member/", views.check_in_member, name="check_in_member"
    ),
    path("meetings/<int:meeting_id>/check-in/guest/", views.check_in_guest, name="check_in_guest"),
    path("meetings/<int:meeting_id>/check-in/qr.svg", views.qr_code, name="qr"),
    path("meetings/attendance/<int:attendance_id>/leave/", views.check_out, name="check_out"),
    path("meetings/<int:meeting_id>/join/", views.join, name="join"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance_register, name="attendance"),
    path("meetings/<int:meeting_id>/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path("meetings/<int:meeting_id>/projector/", views.projector, name="projector"),
    path(
        "meetings/<int:meeting_id>/projector/fragment/",
        views.projector_fragment,
        name="projector_fragment",
    ),
    path("meetings/<int:meeting_id>/apologies/", apology_views.apologies, name="apologies"),
    path(
        "meetings/<int:meeting_id>/apologies/send/",
        apology_views.send_apology,
        name="send_apology",
    ),
    path(
        "meetings/<int:meeting_id>/apologies/withdraw/",
        apology_views.withdraw_apology,
        name="withdraw_apology",
    ),
    path("meetings/<int:meeting_id>/minutes/", views.minutes_page, name="minutes"),
    path("meetings/<int:meeting_id>/minutes/draft/", views.draft_minutes, name="draft_minutes"),
    path("meetings/<int:meeting_id>/minutes/edit/", views.edit_minutes, name="edit_minutes"),
    path(
        "meetings/<int:meeting_id>/minutes/approve/", views.approve_minutes, name="approve_minutes"
    ),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
