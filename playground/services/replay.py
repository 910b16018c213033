"""Replaying a saved session's requests (``playground run --session FILE``), and where to.

A session file names the gateway its runs went to, and anyone can write one. Replaying must
never send the user's key to a host the file chose (RELIABILITY.md K7, §5 "Session-file
attacks"), so `plan_replay` decides the gateway like this:

1. a gateway chosen on the command line (``--gateway``, ``--profile``, ``--simulated``) wins;
2. a session made on the simulated gateway replays on the simulated gateway;
3. otherwise the session's own profile is used only if it is the same origin as the key that
   would be used for it: a configured profile of that name at that origin, or the default
   profile when it is at that origin;
4. otherwise nothing is sent, and the message says how to choose (`ReplayRefused`).

`check_started` repeats the check once the services resolved their key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from playground.core.profile import SIMULATED, Profile
from playground.core.request import ChatRequest
from playground.core.sanitize import safe_line
from playground.core.session import Session
from playground.services import Services, StartOptions
from playground.services.sessions import session_origin
from playground.store.config_model import Config
from playground.store.key_source import missing_key_message


class ReplayRefused(Exception):
    """Replaying here would send the key somewhere the user did not choose; `str()` says
    what to do instead."""


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """Where to replay, and why."""

    options: StartOptions
    explicit: bool
    """The user chose the gateway on the command line."""
    note: str
    """One line for stderr: where the requests go."""


def _host(session: Session) -> str:
    return safe_line(session_origin(session.profile).split("://", 1)[-1], 80)


def plan_replay(session: Session, options: StartOptions, config: Config) -> ReplayPlan:
    """Decide where to replay `session` (see the module docstring).

    Args:
        session: The loaded session.
        options: The start options from the command line.
        config: The user's config (its profiles).

    Raises:
        ReplayRefused: the session's gateway is not the one the user's key is for, and no
            gateway was chosen on the command line.
    """
    count = len(replay_requests(session))
    what = f"{count} request{'' if count == 1 else 's'}"
    if options.simulated or options.simulator_url:
        return ReplayPlan(options, True, f"Replaying {what} on the simulated gateway.")
    if options.gateway:
        return ReplayPlan(options, True, f"Replaying {what} on {safe_line(options.gateway, 120)}.")
    if options.profile:
        return ReplayPlan(
            options, True, f"Replaying {what} on profile {safe_line(options.profile, 40)}."
        )
    if session.profile.name == SIMULATED:
        return ReplayPlan(
            replace(options, simulated=True),
            False,
            f"Replaying {what} on the simulated gateway (where the session was made).",
        )
    origin = session_origin(session.profile)
    named = config.all_profiles.get(session.profile.name)
    if named is not None and named.origin == origin:
        return ReplayPlan(
            replace(options, profile=named.name),
            False,
            f"Replaying {what} on {_host(session)} (profile {safe_line(named.name, 40)}).",
        )
    default = config.profile()
    if default is not None and default.origin == origin:
        return ReplayPlan(options, False, f"Replaying {what} on {_host(session)}.")
    current = safe_line(default.display_host, 80) if default is not None else "none"
    raise ReplayRefused(
        f"This session was recorded against {_host(session)}, but your key is for {current}; "
        "it will not be sent to another host. Choose where to replay: --gateway URL "
        f"(e.g. --gateway {safe_line(session.profile.base_url, 120)}), --profile NAME, "
        "or --simulated."
    )


def check_started(session: Session, plan: ReplayPlan, services: Services) -> None:
    """After the services started: the gateway and its key are the session's (unless the user
    chose them), and a real gateway did not quietly become the simulated one.

    Raises:
        ReplayRefused: with what to do instead.
    """
    if plan.explicit or session.profile.name == SIMULATED:
        return
    profile: Profile = services.profile
    named = services.key_profile if services.simulated else profile
    missing = missing_key_message(named, how_to_enter="run `playground key set`")
    if services.simulated or services.needs_key:
        raise ReplayRefused(f"{missing} Or replay on the simulated gateway with --simulated.")
    if profile.origin != session_origin(session.profile):
        raise ReplayRefused(
            f"The gateway in use ({safe_line(profile.display_host, 80)}) is not the session's "
            f"({_host(session)}); pass --gateway or --profile to choose."
        )


def replay_requests(
    session: Session, *, provider: str | None = None, model: str | None = None
) -> list[ChatRequest]:
    """The requests to send again, in the order they were first sent: every run's request
    except repeat warm-ups, optionally pinned to `provider` or sent to `model`."""
    out: list[ChatRequest] = []
    for run in session.runs:
        if run.warmup:
            continue
        request = run.request
        if model:
            request = request.with_model(model)
        if provider:
            request = request.pinned_to(provider)
        out.append(request)
    return out


__all__ = ["ReplayPlan", "ReplayRefused", "check_started", "plan_replay", "replay_requests"]
