"""Who is acting and under which request id, carried implicitly to the audit log.

Context variables rather than thread locals, so it stays right under async views and in the worker.
"""

import contextvars
import uuid
from contextlib import contextmanager

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("gridgov_request_id", default="")
actor_var: contextvars.ContextVar = contextvars.ContextVar("gridgov_actor", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


def current_actor():
    return actor_var.get()


@contextmanager
def acting_as(actor, request_id: str | None = None):
    """Run a block (a CLI command, a worker job) as an actor with its own request id."""
    actor_token = actor_var.set(actor)
    rid_token = request_id_var.set(request_id or new_request_id())
    try:
        yield
    finally:
        actor_var.reset(actor_token)
        request_id_var.reset(rid_token)
