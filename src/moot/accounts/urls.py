from django.urls import path

from moot.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/invite/", views.invite, name="invite"),
    path("accounts/claim/<str:token>/", views.claim, name="claim"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.revoke_token, name="token_revoke"),
]
