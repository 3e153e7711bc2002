"""The SMS and 企业微信 adapters speak HTTP to a real server on 127.0.0.1 started by the test, and the
outbox delivery retries failures with back-off, gives up after the configured attempts, and never takes
a row twice."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from gridgov.cases import actions, channels
from gridgov.cases.models import Outbox
from tests.cases.conftest import local


class Gateway:
    """A tiny HTTP server: records every request and answers from a queue of (status, json) replies."""

    def __init__(self):
        self.requests = []
        self.replies = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                gateway.requests.append({"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                                         "headers": dict(self.headers),
                                         "json": json.loads(body) if body else None})
                status, answer = gateway.replies.pop(0) if gateway.replies else (200, {"code": 0})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def posts(self, path):
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == path]


@pytest.fixture
def gateway():
    gw = Gateway()
    gw.thread.start()
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


@pytest.fixture
def sms(settings, gateway):
    settings.GRIDGOV_NOTIFY_CHANNELS = "sms"
    settings.GRIDGOV_SMS_URL = gateway.url + "/sms/send"
    settings.GRIDGOV_SMS_TOKEN = "gateway-token"
    settings.GRIDGOV_SMS_SIGN = "东成镇"
    settings.GRIDGOV_NOTIFY_RETRY_SECONDS = 60
    settings.GRIDGOV_NOTIFY_MAX_ATTEMPTS = 3
    return gateway


def test_sms_goes_to_the_reporters_phone_with_the_token(personas, report, sms, clock):
    case = actions.do_accept(personas.worker_a1, report())  # tells resident_a1 (张建国, 13800000011)
    row = Outbox.objects.get(recipient=personas.resident_a1)
    # The report's notice to worker_a1 (an account without a person, so without a phone) fails for good.
    assert channels.deliver_outbox() == {"sent": 1, "retry": 0, "failed": 1}
    [request] = sms.posts("/sms/send")
    assert request["headers"]["Authorization"] == "Bearer gateway-token"
    assert (request["json"]["phone"], request["json"]["id"]) == ("13800000011", row.pk)
    assert request["json"]["text"].startswith("【东成镇】") and case.number in request["json"]["text"]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at is not None, row.last_error) == ("sent", 1, True, "")


def reporter_notice_only(personas, case):
    actions.do_accept(personas.worker_a1, case)
    Outbox.objects.exclude(recipient=personas.resident_a1).delete()


def test_failures_back_off_exponentially_then_give_up(personas, report, sms, clock):
    reporter_notice_only(personas, report())
    sms.replies = [(503, {"error": "busy"}), (200, {"code": 17, "message": "quota"}), (500, {})]
    start = local(2026, 3, 2, 10, 0)
    assert channels.deliver_outbox(start) == {"sent": 0, "retry": 1, "failed": 0}
    row = Outbox.objects.get()
    assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 1, start + datetime.timedelta(seconds=60))
    assert "HTTP 503" in row.last_error and "13800000011" not in row.last_error
    assert channels.deliver_outbox(start + datetime.timedelta(seconds=59)) == {"sent": 0, "retry": 0, "failed": 0}
    second = start + datetime.timedelta(seconds=60)
    assert channels.deliver_outbox(second) == {"sent": 0, "retry": 1, "failed": 0}
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == second + datetime.timedelta(seconds=120)
    assert "code 17" in row.last_error
    third = second + datetime.timedelta(seconds=120)
    assert channels.deliver_outbox(third) == {"sent": 0, "retry": 0, "failed": 1}
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 3)
    assert channels.deliver_outbox(third + datetime.timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(sms.posts("/sms/send")) == 3


def test_an_unreachable_gateway_is_retried(personas, report, settings, clock):
    settings.GRIDGOV_NOTIFY_CHANNELS = "sms"
    settings.GRIDGOV_SMS_URL = "http://127.0.0.1:9/nothing-listens-here"
    reporter_notice_only(personas, report())
    assert channels.deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}
    assert "unreachable" in Outbox.objects.get().last_error


def test_an_account_without_a_phone_fails_at_once(personas, report, sms, clock):
    report()  # tells worker_a1, an account with no person and so no phone
    assert channels.deliver_outbox() == {"sent": 0, "retry": 0, "failed": 1}
    row = Outbox.objects.get(recipient=personas.worker_a1)
    assert (row.state, row.attempts) == ("failed", 1) and "no phone" in row.last_error
    assert sms.requests == []


def test_a_row_is_claimed_by_one_delivery_only(personas, report, sms, clock):
    reporter_notice_only(personas, report())
    now = local(2026, 3, 2, 10, 0)
    first = channels.claim_due(now)
    assert len(first) == 1
    assert channels.claim_due(now) == [] and channels.deliver_outbox(now) == {"sent": 0, "retry": 0, "failed": 0}
    lease_over = now + datetime.timedelta(seconds=301)  # a worker that died while sending
    assert channels.deliver_outbox(lease_over) == {"sent": 1, "retry": 0, "failed": 0}
    assert Outbox.objects.get().attempts == 2 and len(sms.posts("/sms/send")) == 1


def test_wechat_work_fetches_a_token_once_and_sends_to_the_username(personas, report, settings, gateway, clock):
    settings.GRIDGOV_NOTIFY_CHANNELS = "wechat"
    settings.GRIDGOV_WECHAT_URL = gateway.url
    settings.GRIDGOV_WECHAT_CORP_ID = "ww-corp"
    settings.GRIDGOV_WECHAT_SECRET = "app-secret"
    settings.GRIDGOV_WECHAT_AGENT_ID = "1000002"
    channels.register(channels.WeChatWorkChannel())  # a fresh token cache for this server
    gateway.replies = [(200, {"errcode": 0, "access_token": "TOKEN-1", "expires_in": 7200}),
                       (200, {"errcode": 0, "errmsg": "ok"}), (200, {"errcode": 42001, "errmsg": "expired"}),
                       (200, {"errcode": 0, "access_token": "TOKEN-2", "expires_in": 7200}),
                       (200, {"errcode": 0, "errmsg": "ok"})]
    try:
        case = report()
        actions.do_accept(personas.worker_a1, case)  # worker_a1 heard of the report, resident_a1 of this
        assert channels.deliver_outbox() == {"sent": 1, "retry": 1, "failed": 0}
        assert "errcode 42001" in Outbox.objects.get(recipient=personas.resident_a1).last_error
        assert channels.deliver_outbox(local(2026, 3, 2, 10, 5)) == {"sent": 1, "retry": 0, "failed": 0}
    finally:
        channels.register(channels.WeChatWorkChannel())
    tokens = [r for r in gateway.requests if r["path"] == "/cgi-bin/gettoken"]
    assert [t["query"] for t in tokens] == [{"corpid": ["ww-corp"], "corpsecret": ["app-secret"]}] * 2
    sends = gateway.posts("/cgi-bin/message/send")
    assert [s["query"]["access_token"] for s in sends] == [["TOKEN-1"], ["TOKEN-1"], ["TOKEN-2"]]
    assert [s["json"]["touser"] for s in sends] == ["worker_a1", "resident_a1", "resident_a1"]
    assert sends[0]["json"]["msgtype"] == "text" and sends[0]["json"]["agentid"] == "1000002"
    assert case.number in sends[0]["json"]["text"]["content"]
    assert set(Outbox.objects.values_list("state", flat=True)) == {"sent"}


def test_an_unknown_channel_fails_at_once(personas, report, settings, clock):
    settings.GRIDGOV_NOTIFY_CHANNELS = "pigeon"
    report()
    assert channels.deliver_outbox() == {"sent": 0, "retry": 0, "failed": 1}
    assert "pigeon" in Outbox.objects.get().last_error
