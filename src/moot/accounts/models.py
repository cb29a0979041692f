from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class User(AbstractUser):
    """A sign-in account. The person behind it, if a member, is ``member`` (members.Member.user)."""

    email = models.EmailField("e-mail address", unique=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email
