"""Settings of the case loop, read when used so tests and deployments can change them.

Each value is taken from the Django setting of the same name if present, else from the environment
variable of that name, else the default below.
"""

from gridgov.core.conf import Settings

DEFAULTS = {
    # Working hours of a workday (local time), as comma-separated periods.
    "GRIDGOV_WORKDAY": "08:30-12:00,14:00-17:30",
    # Share of a step's working time after which its clock turns "due soon" (yellow).
    "GRIDGOV_CASE_DUE_SOON_SHARE": "0.8",
    # Closed cases left unrated this many calendar days are rated automatically (0: never).
    "GRIDGOV_CASE_AUTO_RATE_DAYS": "7",
    "GRIDGOV_CASE_AUTO_RATING": "satisfied",
    # States in which an overdue case is escalated by the worker (empty: never), and the highest level
    # an automatic escalation reaches.
    "GRIDGOV_CASE_AUTO_ESCALATE_STATES": "reported",
    "GRIDGOV_CASE_AUTO_ESCALATE_MAX_LEVEL": "town",
    # Working hours a handler has to answer a supervision order (督办).
    "GRIDGOV_CASE_SUPERVISION_HOURS": "8",
    # Delivery channels that get an outbox row for every notification (the in-app inbox always does).
    "GRIDGOV_NOTIFY_CHANNELS": "log",
    # Duplicate suggestions: open cases of the same category this close, reported this many days apart.
    "GRIDGOV_CASE_DUPLICATE_METERS": "100",
    "GRIDGOV_CASE_DUPLICATE_DAYS": "7",
    "GRIDGOV_CASE_PHOTO_MAX_BYTES": str(10 * 1024 * 1024),
    "GRIDGOV_CASE_PHOTOS_PER_EVENT": "6",
    # Photos are stored at most this many pixels on their longer side.
    "GRIDGOV_CASE_PHOTO_MAX_SIDE": "2560",
    # Delivery through the channels (cases/channels.py).
    # Attempts before a delivery is given up (state "failed"), and the wait after the first failure,
    # doubled after each further one (capped at GRIDGOV_NOTIFY_RETRY_MAX_SECONDS).
    "GRIDGOV_NOTIFY_MAX_ATTEMPTS": "6",
    "GRIDGOV_NOTIFY_RETRY_SECONDS": "60",
    "GRIDGOV_NOTIFY_RETRY_MAX_SECONDS": "21600",
    # How long a worker holds the rows it is sending before another may take them again.
    "GRIDGOV_NOTIFY_LEASE_SECONDS": "300",
    "GRIDGOV_NOTIFY_BATCH": "200",
    "GRIDGOV_NOTIFY_TIMEOUT_SECONDS": "10",
    # SMS gateway: POST {"id", "phone", "text", "sign"} with "Authorization: Bearer <token>".
    "GRIDGOV_SMS_URL": "",
    "GRIDGOV_SMS_TOKEN": "",
    "GRIDGOV_SMS_SIGN": "",
    # 企业微信: the API base, the corporation, the application's secret and agent id.
    "GRIDGOV_WECHAT_URL": "https://qyapi.weixin.qq.com",
    "GRIDGOV_WECHAT_CORP_ID": "",
    "GRIDGOV_WECHAT_SECRET": "",
    "GRIDGOV_WECHAT_AGENT_ID": "",
}


_settings = Settings(DEFAULTS)
get, get_int, get_float, get_list = _settings.get, _settings.get_int, _settings.get_float, _settings.get_list
