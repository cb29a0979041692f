"""The account page (issue 9 item 6): one place, linked from the header's account name, for
the password, two-factor authentication, API tokens and the member's own record — before,
they were reached only by typing their addresses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from moot.site.navigation import account_links_for


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """GET /account/: the signed-in user's account links."""
    return render(request, "site/account.html", {"links": account_links_for(request)})


app_name = "site"
urlpatterns = [path("account/", account, name="account")]
