"""The session schema: JSON mapping, validation, migrations, unknown fields, read-only."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from playground.core.request import ChatRequest, ImagePart, Message, Params, Routing, TextPart
from playground.core.run import ErrorInfo, Figures, Run, TokenCounts
from playground.core.session import (
    FORMAT,
    MIGRATIONS,
    SCHEMA_VERSION,
    LaneSettings,
    Session,
    SessionProfile,
    new_session,
    read_only_notice,
    session_from_dict,
    session_to_dict,
)
from playground.core.session_codec import SchemaError

from support.session_strategies import sessions

FIXTURES = Path(__file__).parent / "session_fixtures"
DOCS = Path(__file__).parents[2] / "docs" / "session-format.md"

REQUEST = ChatRequest(
    "openai/gpt-4.1-mini",
    (Message("system", "Be terse."), Message("user", "Why is the sky blue?")),
    params=Params(temperature=0.7),
    routing=Routing(only=("azure",)),
)


def _run(run_id: str, **changes: Any) -> Run:
    run = Run(
        run_id,
        REQUEST,
        1790847000.0,
        "Rayleigh scattering.",
        "",
        (),
        "stop",
        Figures("ok", ttft_s=0.612, total_s=1.84, cost=Decimal("0.000123")),
        lane="A",
    )
    return dataclasses.replace(run, **changes)


def _session(*runs: Run) -> Session:
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel", "keyring")
    session = new_session(profile, lanes=(LaneSettings("A", "openai/gpt-4.1-mini"),))
    return dataclasses.replace(session, runs=runs)


def _json_round_trip(doc: dict[str, Any]) -> Any:
    return json.loads(json.dumps(doc, allow_nan=False))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_any_session_survives_dict_json_and_back(session: Session) -> None:
    doc = session_to_dict(session)
    loaded = session_from_dict(_json_round_trip(doc))
    assert loaded == session
    assert loaded.extra == {}
    assert session_to_dict(loaded) == doc  # and writing it again changes nothing


def test_header_and_key_order_are_stable() -> None:
    doc = session_to_dict(_session(_run("r1")))
    assert list(doc)[:7] == [
        "format",
        "schema_version",
        "app_version",
        "id",
        "created",
        "saved",
        "profile",
    ]
    assert doc["format"] == FORMAT and doc["schema_version"] == SCHEMA_VERSION == 2
    run = doc["runs"][0]
    assert list(run)[:3] == ["id", "request", "started_at"]
    assert run["figures"]["cost"] == "0.000123"  # Decimal as a string
    assert json.dumps(doc) == json.dumps(session_to_dict(session_from_dict(doc)))


def test_floats_round_trip_bit_for_bit() -> None:
    values = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, float("inf"), float("-inf")]
    for value in values:
        run = _run("r", figures=Figures("ok", ttft_s=value, waited_s=value))
        back = session_from_dict(_json_round_trip(session_to_dict(_session(run)))).runs[0]
        assert repr(back.figures.ttft_s) == repr(value)
        assert repr(back.figures.waited_s) == repr(value)


def test_the_key_is_never_part_of_the_format() -> None:
    names = {f.name for f in dataclasses.fields(SessionProfile)}
    assert names == {"name", "base_url", "kind", "key_ref"}


def _bad(doc: dict[str, Any], path: list[Any], value: Any) -> str:
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(SchemaError) as caught:
        session_from_dict(doc)
    return str(caught.value)


def test_validation_names_the_place_and_the_problem() -> None:
    doc = session_to_dict(_session(_run("r0"), _run("r1"), _run("r2"), _run("r3")))
    assert (
        _bad(copy.deepcopy(doc), ["runs", 3, "figures", "ttft_s"], "fast")
        == "runs[3].figures.ttft_s: expected a number or null, got a string"
    )
    assert (
        _bad(copy.deepcopy(doc), ["runs", 1, "figures", "status"], "great")
        == "runs[1].figures.status: expected one of 'running', 'ok', 'stopped', 'interrupted', "
        "'incomplete', 'error', got a string"
    )
    assert (
        _bad(copy.deepcopy(doc), ["runs", 0, "request", "messages", 1, "role"], 7)
        == "runs[0].request.messages[1].role: expected one of 'system', 'user', 'assistant', "
        "'tool', got a number"
    )
    assert _bad(copy.deepcopy(doc), ["runs", 2, "figures", "cost"], "lots").startswith(
        "runs[2].figures.cost: expected a decimal number"
    )
    assert _bad(copy.deepcopy(doc), ["runs", 2, "repeat_index"], True).startswith(
        "runs[2].repeat_index: expected an integer or null, got true or false"
    )
    assert _bad(copy.deepcopy(doc), ["created"], "yesterday").startswith("created: expected an ISO")
    broken = copy.deepcopy(doc)
    del broken["runs"][2]["request"]["model"]
    with pytest.raises(SchemaError, match=r"^runs\[2\]\.request\.model: missing$"):
        session_from_dict(broken)
    assert _bad(copy.deepcopy(doc), ["runs"], {}) == "runs: expected a list, got an object"


def test_message_parts_carry_a_type_tag() -> None:
    content = (TextPart("look"), ImagePart("image/png", "AAAA"))
    request = dataclasses.replace(REQUEST, messages=(Message("user", content),))
    doc = session_to_dict(_session(_run("r", request=request)))
    stored = doc["runs"][0]["request"]["messages"][0]["content"]
    assert [p["type"] for p in stored] == ["text", "image"]
    stored[1]["type"] = "video"
    with pytest.raises(SchemaError, match=r"content\[1\]\.type: expected one of 'text', 'image'"):
        session_from_dict(doc)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"schema_version": 2}, "not a Gateway Playground session (no format field"),
        ({"format": "something-else", "schema_version": 2}, "format 'something-else'"),
        ({"format": FORMAT, "schema_version": "2"}, "schema_version: expected a positive"),
        ({"format": FORMAT, "schema_version": 0}, "schema_version: expected a positive"),
        ({"format": FORMAT}, "schema_version: expected a positive"),
    ],
)
def test_not_a_session(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(message)):
        session_from_dict(doc)
    with pytest.raises(SchemaError, match="expected a JSON object"):
        session_from_dict([doc])


def test_unknown_fields_survive_a_round_trip_everywhere() -> None:
    doc = session_to_dict(_session(_run("r1"), _run("r2")))
    doc["plugin_state"] = {"x": [1, 2]}
    doc["profile"]["region"] = "eu"
    doc["lanes"][0]["color"] = "teal"
    doc["runs"][1]["figures"]["energy_j"] = 1.5
    doc["runs"][1]["rating"] = 5
    doc["runs"][0]["request"]["messages"][1]["name"] = "alice"
    session = session_from_dict(_json_round_trip(doc))
    assert session == _strip_unknown(session)
    assert session.extra["runs[id=r2].figures"] == {"energy_j": 1.5}
    assert session_to_dict(session) == doc
    # A run's unknown fields stay with that run when runs are reordered.
    swapped = dataclasses.replace(session, runs=session.runs[::-1])
    out = session_to_dict(swapped)
    assert out["runs"][0]["rating"] == 5 and "rating" not in out["runs"][1]
    assert out["runs"][0]["figures"]["energy_j"] == 1.5


def _strip_unknown(session: Session) -> Session:
    return dataclasses.replace(session, extra={})


def test_a_newer_schema_is_read_only_and_keeps_everything() -> None:
    doc = session_to_dict(_session(_run("r1")))
    doc["schema_version"] = 5
    doc["workspaces"] = ["a", "b"]
    doc["runs"][0]["figures"]["judged_score"] = 0.9
    session = session_from_dict(_json_round_trip(doc))
    assert session.read_only and session.source_schema == 5
    assert read_only_notice(session) == (
        "This session was saved by a newer version (schema 5; this app reads ≤2). It was "
        "opened read-only; it will not be modified."
    )
    again = session_to_dict(session)
    assert again["workspaces"] == ["a", "b"]
    assert again["runs"][0]["figures"]["judged_score"] == 0.9


def test_version_1_fixture_is_migrated_in_memory() -> None:
    raw = (FIXTURES / "v1.session.json").read_text()
    doc = json.loads(raw)
    session = session_from_dict(doc)
    assert doc == json.loads(raw), "migration must not modify its input"
    assert session.migrated and not session.read_only and session.source_schema == 1
    assert session.profile == SessionProfile(
        "vercel", "https://ai-gateway.vercel.sh/v1", "vercel", "env:AI_GATEWAY_API_KEY"
    )
    assert session.lanes == (
        LaneSettings(
            model="openai/gpt-4.1-mini",
            routing=Routing(only=("azure",)),
            params=Params(temperature=0.7, max_tokens=256),
        ),
    )
    assert session.lanes[0].provider == "azure"
    assert (session.title, session.system, session.draft) == (
        "Why is the sky blue",
        "You are terse.",
        "And why are sunsets red?",
    )
    first, second = session.runs
    assert first.text == "Rayleigh scattering: shorter wavelengths scatter more."
    assert first.figures.ttft_s == pytest.approx(0.612)
    assert first.figures.total_s == pytest.approx(1.84)
    assert first.figures.cost == Decimal("0.000123")
    assert first.figures.tokens == TokenCounts(prompt=21, output=12)
    assert second.status == "interrupted" and second.text == "Because of"
    assert second.error == ErrorInfo("stream", "Connection lost after 3 tokens.")
    assert session.extra[""] == {
        "pinned_note": "a field schema 1 readers kept; schema 2 keeps it too"
    }
    assert len(session.id) == 32 and session.id == session_from_dict(json.loads(raw)).id
    written = session_to_dict(session)
    assert written["schema_version"] == 2 and written["pinned_note"].startswith("a field")


def test_migrations_cover_every_older_version() -> None:
    assert len(MIGRATIONS) == SCHEMA_VERSION - 1


def _reachable_fields() -> set[str]:
    seen: set[type] = set()
    names: set[str] = set()

    def visit(tp: Any) -> None:
        for arg in typing.get_args(tp):
            visit(arg)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in seen:
            seen.add(tp)
            hints = typing.get_type_hints(tp)
            for f in dataclasses.fields(tp):
                if f.metadata.get("session_codec.skip"):
                    continue
                names.add(f.name)
                visit(hints[f.name])

    visit(Session)
    return names


def test_the_format_document_names_every_field() -> None:
    text = DOCS.read_text()
    assert (
        f"schema_version` is {SCHEMA_VERSION}" in text
        or f"Schema version: {SCHEMA_VERSION}" in text
    )
    missing = sorted(n for n in _reachable_fields() if f"`{n}`" not in text)
    assert missing == [], f"docs/session-format.md does not describe {missing}"


def test_the_documented_example_is_a_valid_session_with_no_unknown_fields() -> None:
    text = DOCS.read_text()
    example = text[text.index("```json") + len("```json") :]
    doc = json.loads(example[: example.index("```")])
    session = session_from_dict(doc)
    assert session.extra == {}
    assert [r.status for r in session.runs] == ["ok", "interrupted"]
