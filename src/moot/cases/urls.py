from django.urls import path

from moot.cases import intake_views, process_urls, views

app_name = "cases"
urlpatterns = [
    # The public: no account.
    path("complain/", intake_views.public_complaint, name="complain"),
    path("complain/follow-up/", intake_views.follow_up, name="follow_up"),
    path("complain/case/", intake_views.receipt_case, name="receipt_case"),
    path(
        "complain/case/answer/",
        intake_views.receipt_post,
        {"what": "answer"},
        name="receipt_answer",
    ),
    path(
        "complain/case/evidence/",
        intake_views.receipt_post,
        {"what": "evidence"},
        name="receipt_evidence",
    ),
    path(
        "complain/case/appeal/",
        intake_views.receipt_post,
        {"what": "appeal"},
        name="receipt_appeal",
    ),
    path("complain/forget/", intake_views.forget_receipt, name="forget_receipt"),
    # A signed-in member, as a party.
    path("cases/complain/", intake_views.member_complaint, name="member_complain"),
    path("cases/mine/", intake_views.my_cases, name="mine"),
    path("cases/mine/<int:case_id>/", intake_views.party_case, name="party_case"),
    path(
        "cases/mine/<int:case_id>/answer/",
        intake_views.party_case,
        {"what": "answer"},
        name="party_answer",
    ),
    path(
        "cases/mine/<int:case_id>/evidence/",
        intake_views.party_case,
        {"what": "evidence"},
        name="party_evidence",
    ),
    # Complaints staff, the people assigned to a case, the auditor.
    path("cases/", views.case_list, name="list"),
    path("cases/record/", views.record_complaint, name="record"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path(
        "cases/<int:case_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence",
    ),
    path("cases/<int:case_id>/evidence/add/", views.add_evidence, name="add_evidence"),
    path("cases/<int:case_id>/note/", views.add_note, name="note"),
    path("cases/<int:case_id>/question/", views.ask_question, name="question"),
    path(
        "cases/<int:case_id>/representation/",
        views.record_representation,
        name="representation",
    ),
]

# The process's pages (stages, assignments, decisions, sanctions, review, appeal, overdue).
urlpatterns += process_urls.urlpatterns
