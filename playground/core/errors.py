"""Typed gateway errors: what went wrong, said plainly, with no key and no raw markup in it.

The gateway client raises these (and reports them in `Failed` events); the UI and the CLI show
`str(error)`, which is already sanitized and one line long. Nothing here holds a key: the
messages are built from the host name, the status and the gateway's own sanitized message.
"""

from __future__ import annotations

from typing import ClassVar


class GatewayError(Exception):
    """Base of every error the gateway client reports."""

    kind: ClassVar[str] = "error"
    """A stable, machine-readable name for the kind of failure (stored in sessions)."""
    retryable: ClassVar[bool] = False
    """Whether a retry before the first token could help."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        detail: str = "",
        retry_after_s: float | None = None,
        generation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        """One sanitized line for the user: what happened and what to do."""
        self.status = status
        """The HTTP status, when there was one."""
        self.code = code
        """The gateway's ``error.type`` or ``error.code``, when it sent one."""
        self.detail = detail
        """A sanitized snippet of the response body, for an expandable error card."""
        self.retry_after_s = retry_after_s
        """How long the server asked us to wait, when it said."""
        self.generation_id = generation_id

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class Unreachable(GatewayError):
    """DNS failure, refused connection, TLS failure: the request never reached the gateway."""

    kind = "unreachable"
    retryable = True


class Timeout(GatewayError):
    """No connection, no first token, or no data for too long."""

    kind = "timeout"
    retryable = True

    def __init__(self, message: str, *, phase: str, retry_after_s: float | None = None) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.phase = phase
        """``connect``, ``first_token``, ``idle`` or ``total``."""


class StatusError(GatewayError):
    """The gateway answered with an HTTP error status before streaming."""

    kind = "status"


class BadRequest(StatusError):
    """400, 413, 422: the request itself is wrong; retrying cannot help."""

    kind = "bad_request"


class AuthError(StatusError):
    """401 or 403: the key was rejected or lacks permission."""

    kind = "auth"


class PaymentRequired(StatusError):
    """402: out of credits."""

    kind = "payment"


class NotFound(StatusError):
    """404: unknown model or route."""

    kind = "not_found"


class RateLimited(StatusError):
    """429: too many requests."""

    kind = "rate_limited"
    retryable = True


class ServerError(StatusError):
    """5xx, 408 or 409: the gateway or the provider failed; a retry may work."""

    kind = "server"
    retryable = True


class ProtocolError(GatewayError):
    """The response was not what the protocol promises: not an event stream, a malformed
    chunk, a redirect."""

    kind = "protocol"


class StreamError(GatewayError):
    """The gateway reported an error inside the stream (an ``error`` object or
    ``event: error``)."""

    kind = "stream"
    retryable = True  # only ever retried when no token has arrived yet


class ConnectionLost(GatewayError):
    """The connection closed in the middle of the stream."""

    kind = "connection_lost"
    retryable = True  # only ever retried when no token has arrived yet


class InsecureTransport(GatewayError):
    """Refused to send a key over plain HTTP to a host that is not this machine."""

    kind = "insecure"


ERROR_KINDS: dict[str, type[GatewayError]] = {
    cls.kind: cls
    for cls in (
        GatewayError,
        Unreachable,
        Timeout,
        StatusError,
        BadRequest,
        AuthError,
        PaymentRequired,
        NotFound,
        RateLimited,
        ServerError,
        ProtocolError,
        StreamError,
        ConnectionLost,
        InsecureTransport,
    )
}
"""Error classes by `kind`, to rebuild an error read back from a session file."""
