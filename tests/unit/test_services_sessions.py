"""What a loaded session means for the gateway a key is sent to (RELIABILITY.md K7, K8), and
where a replay goes (`services.sessions`, `services.replay`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from playground.core.profile import BUILTIN_PROFILES, Profile
from playground.core.request import ChatRequest, Message
from playground.core.run import Figures, Run
from playground.core.session import Session, SessionProfile, new_session
from playground.services import StartOptions, simulated_profile
from playground.services.replay import ReplayRefused, plan_replay, replay_requests
from playground.services.sessions import SessionFiles, check_gateway, profile_for_session
from playground.store.config_model import Config, Defaults
from playground.store.paths import Paths
from playground.store.sessions import SessionReadError

VERCEL = BUILTIN_PROFILES["vercel"]


def _session(name: str, base_url: str, kind: str = "vercel", runs: int = 0) -> Session:
    session = new_session(SessionProfile(name, base_url, kind))  # type: ignore[arg-type]
    made = tuple(_run(i) for i in range(runs))
    return dataclasses.replace(session, runs=made)


def _run(index: int, **changes: object) -> Run:
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", f"question {index}"),))
    run = Run(f"run_{index}", request, float(index), "answer", "", (), "stop", Figures("ok"))
    return dataclasses.replace(run, **changes)  # type: ignore[arg-type]


# -- K7: the gateway check ------------------------------------------------------------------------


def test_same_origin_asks_nothing() -> None:
    check = check_gateway(_session("vercel", "https://ai-gateway.vercel.sh/v1/"), VERCEL, Config())
    assert check.same and not check.note


def test_another_host_asks_and_names_it() -> None:
    session = _session("vercel", "https://gateway.attacker.example/v1")
    check = check_gateway(session, VERCEL, Config())
    assert not check.same
    question = check.question()
    assert "gateway.attacker.example" in question
    assert "ai-gateway.vercel.sh" in question
    assert "No key is sent before you confirm" in question
    # Saying yes goes to that host with no key variable: a file cannot route
    # AI_GATEWAY_API_KEY to a host of its choosing, even when it claims to be Vercel.
    assert check.profile is not None
    assert check.profile.base_url == "https://gateway.attacker.example/v1"
    assert check.profile.key_env == ()
    assert check.profile.kind == "vercel"


def test_a_lookalike_host_gets_no_key_variable() -> None:
    check = check_gateway(_session("x", "https://evilvercel.sh/v1"), VERCEL, Config())
    assert check.profile is not None and check.profile.key_env == ()


def test_a_configured_profile_at_the_sessions_origin_is_used_with_its_key_variables() -> None:
    local = Profile("work", "openai", "https://llm.work.example/v1", ("WORK_KEY",))
    config = Config(profiles={"work": local})
    check = check_gateway(_session("renamed", "https://llm.work.example/v1/"), VERCEL, config)
    assert not check.same and check.profile == local


def test_plain_http_on_another_machine_is_flagged_k8() -> None:
    check = check_gateway(_session("x", "http://10.1.2.3:8000/v1", "openai"), VERCEL, Config())
    assert check.insecure
    assert "unencrypted" in check.question()
    local = check_gateway(_session("x", "http://127.0.0.1:8000/v1", "openai"), VERCEL, Config())
    assert not local.insecure


def test_simulated_sessions_send_no_key_anywhere() -> None:
    session = _session("simulated", "http://127.0.0.1:40000/v1")
    assert check_gateway(session, simulated_profile("http://127.0.0.1:50000/v1"), Config()).same
    on_real = check_gateway(session, VERCEL, Config())
    assert on_real.same and "simulated gateway" in on_real.note


def test_a_real_session_opened_on_the_simulator_asks_before_switching() -> None:
    session = _session("vercel", "https://ai-gateway.vercel.sh/v1")
    check = check_gateway(session, simulated_profile("http://127.0.0.1:50000/v1"), Config())
    assert not check.same
    assert check.profile == VERCEL
    assert check.current_host == "the simulated gateway"


def test_profile_for_session_prefers_the_named_profile_at_the_same_origin() -> None:
    named = Profile("vercel", "vercel", "https://ai-gateway.vercel.sh/v1", ("MY_VAR",))
    config = Config(profiles={"vercel": named})
    assert profile_for_session(SessionProfile("vercel", VERCEL.base_url, "vercel"), config) == named


# -- session files ---------------------------------------------------------------------------------


async def test_files_round_trip_and_report_corrupt_files(tmp_path: Path) -> None:
    files = SessionFiles(Paths.under(tmp_path / "app"))
    session = _session("vercel", VERCEL.base_url, runs=2)
    target = tmp_path / "a.session.json"
    saved = await files.save(session, target)
    opened = await files.open(target)
    assert opened.session == saved and opened.notices == ()
    exported = await files.export(saved, tmp_path / "a.md")
    assert "question 1" in exported.read_text()

    bad = tmp_path / "bad.session.json"
    bad.write_text('{"format": "gateway-playground-session",\n  "schema_version": 2\n  "x": 1}')
    before = bad.read_bytes()
    with pytest.raises(SessionReadError, match=r"line 3, column 3.*left untouched"):
        await files.open(bad)
    assert bad.read_bytes() == before


def test_export_path_sits_beside_the_session_file(tmp_path: Path) -> None:
    files = SessionFiles(Paths.under(tmp_path / "app"))
    session = _session("vercel", VERCEL.base_url)
    assert files.export_path(session, tmp_path / "x.session.json") == tmp_path / "x.md"
    assert files.export_path(session, None).suffix == ".md"


# -- replay planning -------------------------------------------------------------------------------


def test_replay_goes_to_the_sessions_gateway_only_when_the_key_is_for_it() -> None:
    session = _session("vercel", VERCEL.base_url, runs=1)
    plan = plan_replay(session, StartOptions(), Config())
    assert not plan.explicit and plan.options.profile == "vercel"
    renamed = _session("mine", VERCEL.base_url, runs=1)  # the default profile is at its origin
    assert plan_replay(renamed, StartOptions(), Config()).options == StartOptions()

    elsewhere = _session("vercel", "https://gateway.attacker.example/v1", runs=1)
    with pytest.raises(ReplayRefused, match=r"gateway.attacker.example.*--gateway"):
        plan_replay(elsewhere, StartOptions(), Config())


def test_replay_uses_a_profile_of_the_sessions_name_at_its_origin() -> None:
    session = _session("openrouter", "https://openrouter.ai/api/v1", "openrouter", runs=1)
    plan = plan_replay(session, StartOptions(), Config())
    assert plan.options.profile == "openrouter" and not plan.explicit
    config = Config(defaults=Defaults(profile="openrouter"))
    assert plan_replay(
        _session("x", "https://openrouter.ai/api/v1", runs=1), StartOptions(), config
    )


def test_replay_on_the_command_lines_gateway_is_explicit() -> None:
    elsewhere = _session("vercel", "https://gateway.attacker.example/v1", runs=1)
    plan = plan_replay(elsewhere, StartOptions(gateway="http://127.0.0.1:9/v1"), Config())
    assert plan.explicit and "127.0.0.1:9" in plan.note
    simulated = plan_replay(
        _session("simulated", "http://127.0.0.1:1/v1"), StartOptions(), Config()
    )
    assert simulated.options.simulated


def test_replay_requests_keep_order_skip_warmups_and_can_be_pinned() -> None:
    session = dataclasses.replace(
        _session("vercel", VERCEL.base_url),
        runs=(_run(0), _run(1, warmup=True, repeat_index=0), _run(2, repeat_index=1)),
    )
    requests = replay_requests(session, provider="azure", model="openai/gpt-4.1")
    assert [r.messages[-1].text for r in requests] == ["question 0", "question 2"]
    assert {r.routing.pinned for r in requests} == {"azure"}
    assert {r.model for r in requests} == {"openai/gpt-4.1"}
