"""Hypothesis strategies for sessions: arbitrary requests, runs, figures and settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from playground.core.request import (
    REASONING_EFFORTS,
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    Params,
    Reasoning,
    ResponseFormat,
    Routing,
    TextPart,
    Tool,
    ToolCall,
)
from playground.core.run import FINAL_STATUSES, ErrorInfo, Figures, Run, Stalls, TokenCounts
from playground.core.session import LaneSettings, Session, SessionProfile

text = st.text(max_size=24)
short = st.text(max_size=8)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
maybe_float = st.none() | st.floats(allow_nan=False)  # infinities included
maybe_int = st.none() | st.integers(min_value=-(2**63), max_value=2**63)
maybe_count = st.none() | st.integers(min_value=0, max_value=10**9)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | short,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short, inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(short, json_values, max_size=3)

parts = st.one_of(
    st.builds(TextPart, text),
    st.builds(
        ImagePart,
        media_type=st.sampled_from(["image/png", "image/jpeg"]),
        data=short,
        url=short,
        filename=short,
        detail=st.sampled_from(["auto", "low", "high"]),
    ),
    st.builds(FilePart, media_type=st.just("application/pdf"), data=short, filename=short),
)
tool_calls = st.builds(ToolCall, id=short, name=short, arguments=text)
messages = st.builds(
    Message,
    role=st.sampled_from(["system", "user", "assistant", "tool"]),
    content=text | st.lists(parts, max_size=3).map(tuple),
    tool_calls=st.lists(tool_calls, max_size=2).map(tuple),
    tool_call_id=st.none() | short,
)
params = st.builds(
    Params,
    temperature=maybe_float,
    max_tokens=maybe_int,
    top_p=maybe_float,
    seed=maybe_int,
    stop=st.lists(short, max_size=3).map(tuple),
    frequency_penalty=maybe_float,
    presence_penalty=maybe_float,
)
routing = st.builds(
    Routing,
    order=st.lists(short, max_size=2).map(tuple),
    only=st.lists(short, max_size=2).map(tuple),
    models=st.lists(short, max_size=2).map(tuple),
)
reasoning = st.none() | st.builds(
    Reasoning,
    effort=st.none() | st.sampled_from(REASONING_EFFORTS),
    max_tokens=maybe_count,
    exclude=st.booleans(),
)
tools = st.builds(Tool, name=short, description=text, parameters=json_objects)
response_format = st.none() | st.builds(
    ResponseFormat,
    type=st.sampled_from(["text", "json_object", "json_schema"]),
    name=short,
    schema=st.none() | json_objects,
    strict=st.none() | st.booleans(),
)
tool_choice = st.none() | st.sampled_from(["auto", "none", "required"]) | short
requests = st.builds(
    ChatRequest,
    model=text,
    messages=st.lists(messages, max_size=3).map(tuple),
    params=params,
    routing=routing,
    reasoning=reasoning,
    tools=st.lists(tools, max_size=2).map(tuple),
    tool_choice=tool_choice,
    response_format=response_format,
)
figures = st.builds(
    Figures,
    status=st.sampled_from(("running", *FINAL_STATUSES)),
    connect_s=maybe_float,
    ttfb_s=maybe_float,
    ttft_s=maybe_float,
    decode_rate=maybe_float,
    e2e_rate=maybe_float,
    total_s=maybe_float,
    tokens=st.builds(
        TokenCounts,
        prompt=maybe_count,
        cached=maybe_count,
        output=maybe_count,
        reasoning=maybe_count,
        cache_write=maybe_count,
        estimated=st.booleans(),
    ),
    cost=st.none() | decimals,
    cost_source=st.none() | st.sampled_from(["gateway", "computed", "estimate"]),
    gateway_cost=st.none() | decimals,
    computed_cost=st.none() | decimals,
    served_by=st.none() | short,
    fallbacks=st.lists(short, max_size=2).map(tuple),
    stalls=st.builds(
        Stalls, count=st.integers(0, 1000), longest_s=st.floats(allow_nan=False, min_value=0)
    ),
    retries=st.integers(0, 5),
    waited_s=st.floats(allow_nan=False),
)
errors = st.none() | st.builds(
    ErrorInfo,
    kind=short,
    message=text,
    status=st.none() | st.integers(100, 599),
    code=st.none() | short,
    detail=text,
)
runs = st.builds(
    Run,
    id=ids,
    request=requests,
    started_at=st.floats(allow_nan=False, allow_infinity=False),
    text=text,
    reasoning=text,
    tool_calls=st.lists(tool_calls, max_size=2).map(tuple),
    finish_reason=st.none() | short,
    figures=figures,
    error=errors,
    generation_id=st.none() | short,
    model=st.none() | short,
    profile=short,
    lane=st.sampled_from(["", "A", "B"]),
    group=short,
    repeat_index=st.none() | st.integers(0, 100),
    warmup=st.booleans(),
)
lanes = st.builds(
    LaneSettings,
    name=st.sampled_from(["", "A", "B"]),
    model=short,
    routing=routing,
    params=params,
    reasoning=reasoning,
    tools=st.lists(tools, max_size=1).map(tuple),
    tool_choice=tool_choice,
    response_format=response_format,
)
profiles = st.builds(
    SessionProfile,
    name=short,
    base_url=text,
    kind=st.sampled_from(["vercel", "openrouter", "openai"]),
    key_ref=st.none() | st.sampled_from(["env:AI_GATEWAY_API_KEY", "keyring"]),
)
times = st.datetimes(timezones=st.timezones() | st.none()).map(lambda d: d.isoformat())
sessions = st.builds(
    Session,
    id=ids,
    created=times,
    saved=times,
    profile=profiles,
    app_version=short,
    title=text,
    mode=st.sampled_from(["single", "compare"]),
    lanes=st.lists(lanes, max_size=2).map(tuple),
    system=text,
    messages=st.lists(messages, max_size=2).map(tuple),
    draft=text,
    runs=st.lists(runs, max_size=3).map(tuple),
)

__all__ = ["Decimal", "runs", "sessions"]
