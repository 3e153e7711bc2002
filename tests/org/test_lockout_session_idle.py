"""Web sessions end after 30 idle minutes: the server-side expiry moves 30 minutes ahead on every request."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone


def test_settings_give_a_30_minute_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_request_moves_the_expiry_30_minutes_ahead(personas):
    client = Client()
    client.force_login(personas.worker_a1)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))

    assert client.get("/api/v1/me").status_code == 200

    left = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)


def test_an_idle_session_past_its_expiry_is_logged_out(personas):
    client = Client()
    client.force_login(personas.worker_a1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me").status_code == 401
