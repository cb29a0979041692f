"""The site's URLs with django-anymail's webhooks mounted, as they are when
``ANYMAIL["WEBHOOK_SECRET"]`` is set at start-up (the delivery tests' webhook cases)."""

from django.urls import include, path

from moot.site.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("anymail/", include("anymail.urls"))]
