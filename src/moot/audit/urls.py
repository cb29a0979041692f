from django.urls import path

from moot.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.trail, name="trail"),
    path("audit/verify/", views.verify, name="verify"),
]
