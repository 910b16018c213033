"""View code: the current request as a program a user can run elsewhere.

Three languages: curl, Python with the ``openai`` SDK, and TypeScript with the AI SDK's
``streamText`` (`services.codegen_ts`). Python and curl are generated from
`gateway.wire.chat_body`, the exact body the app itself sends, so they send the same request
(the tests run both against the simulated gateway and compare the bodies it received). The
Python version passes what the SDK has parameters for as keyword arguments and everything
else (``providerOptions``, ``models``, ``reasoning``, OpenRouter's ``provider``) in
``extra_body``, which the SDK merges into the body unchanged.

The key never appears: every version reads it from the profile's environment variable
(``$AI_GATEWAY_API_KEY`` for the Vercel AI Gateway and the simulated one). Every value that
came from the user, a model or the config is written through `core.code_literal` (JSON
escaping) or `shlex.quote`, never spliced in raw (RELIABILITY.md X4).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Literal

from playground.core.code_literal import render, string_literal
from playground.core.profile import Profile, ProfileKind
from playground.core.request import ChatRequest
from playground.gateway.wire import chat_body

CodeLanguage = Literal["typescript", "python", "curl"]
LANGUAGES: tuple[CodeLanguage, ...] = ("typescript", "python", "curl")
"""In the order the view-code screen shows them."""

LANGUAGE_LABELS: dict[CodeLanguage, str] = {
    "typescript": "TypeScript · AI SDK",
    "python": "Python · openai",
    "curl": "curl",
}

DEFAULT_KEY_ENV = "AI_GATEWAY_API_KEY"
"""The key variable when the profile names none (the simulated gateway, a local server)."""

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")

OPENAI_SDK_PARAMETERS = frozenset(
    {
        "model", "messages", "stream", "stream_options", "temperature", "max_tokens",
        "max_completion_tokens", "top_p", "seed", "stop", "frequency_penalty",
        "presence_penalty", "tools", "tool_choice", "parallel_tool_calls", "response_format",
        "reasoning_effort", "n", "logprobs", "top_logprobs", "logit_bias", "user",
        "metadata", "service_tier", "store",
    }
)  # fmt: skip
"""Body keys ``client.chat.completions.create`` takes as keyword arguments (openai 1.x–3.x);
any other key goes in ``extra_body``."""


@dataclass(frozen=True, slots=True)
class CodeTarget:
    """Where generated code sends the request, and where it reads the key from."""

    base_url: str
    """The API root, e.g. ``https://ai-gateway.vercel.sh/v1``."""
    kind: ProfileKind
    """The body dialect (`gateway.wire`)."""
    key_env: str = DEFAULT_KEY_ENV
    """The environment variable holding the key (a checked name: it is written into code)."""
    simulated: bool = False
    """The built-in simulated gateway (it speaks the OpenAI-compatible API only)."""
    key_required: bool = True
    """Whether the gateway wants a key (the simulated one and local servers do not: the
    programs then run without the variable set)."""
    provider_name: str = "gateway"
    """A name for the provider in the TypeScript of a non-Vercel gateway."""

    @classmethod
    def for_profile(cls, profile: Profile) -> CodeTarget:
        """The target of `profile`: its URL and dialect, its first key variable."""
        key_env = next((k for k in profile.key_env if _ENV_NAME.match(k)), DEFAULT_KEY_ENV)
        name = re.sub(r"[^A-Za-z0-9_]", "_", profile.name) or "gateway"
        return cls(
            base_url=profile.base_url.rstrip("/"),
            kind=profile.kind,
            key_env=key_env,
            simulated=profile.is_simulated,
            key_required=not (profile.is_simulated or profile.is_loopback),
            provider_name=name if not name[0].isdigit() else f"p_{name}",
        )

    def __post_init__(self) -> None:
        if not _ENV_NAME.match(self.key_env):
            raise ValueError(f"not an environment variable name: {self.key_env!r}")


@dataclass(frozen=True, slots=True)
class GeneratedCode:
    """One program."""

    language: CodeLanguage
    code: str
    """The program text: printable characters and newlines only."""
    lexer: str
    """The Pygments lexer that highlights it."""
    notes: tuple[str, ...] = ()
    """What the reader should know (how it differs from what the app sends)."""


def generate(language: CodeLanguage, request: ChatRequest, target: CodeTarget) -> GeneratedCode:
    """The request as a program in `language`."""
    if language == "python":
        return GeneratedCode("python", python_code(request, target), "python", _python_notes())
    if language == "curl":
        return GeneratedCode("curl", curl_code(request, target), "bash", _curl_notes(target))
    from playground.services.codegen_ts import typescript_code, typescript_notes

    return GeneratedCode(
        "typescript",
        typescript_code(request, target),
        "typescript",
        typescript_notes(request, target),
    )


def generate_all(request: ChatRequest, target: CodeTarget) -> dict[CodeLanguage, GeneratedCode]:
    """The request in every language of `LANGUAGES`."""
    return {language: generate(language, request, target) for language in LANGUAGES}


# -- Python ------------------------------------------------------------------------------------


def python_code(request: ChatRequest, target: CodeTarget) -> str:
    """A script that streams the request with the ``openai`` SDK and prints the answer."""
    body = chat_body(target.kind, request)
    arguments = {k: v for k, v in body.items() if k in OPENAI_SDK_PARAMETERS}
    extra = {k: v for k, v in body.items() if k not in OPENAI_SDK_PARAMETERS}
    lines = [
        "# The request as Python with the openai SDK (pip install openai).",
        f"# The key is read from ${target.key_env}: it is not in this file.",
        "import os",
        "",
        "from openai import OpenAI",
        "",
        "client = OpenAI(",
        f"    base_url={string_literal(target.base_url, 'python')},",
        _python_key(target),
        ")",
        "",
        "stream = client.chat.completions.create(",
    ]
    for key, value in arguments.items():
        head = f"    {key}="
        lines.append(head + render(value, "python", indent=4, column=len(head)) + ",")
    if extra:
        lines.append("    # What the SDK has no parameter for goes in the body as it is:")
        lines.append("    extra_body=" + render(extra, "python", indent=4, column=15) + ",")
    lines += [
        ")",
        "",
        "for chunk in stream:",
        "    if chunk.choices and chunk.choices[0].delta.content:",
        '        print(chunk.choices[0].delta.content, end="", flush=True)',
        "print()",
        "",
    ]
    return "\n".join(lines)


def _python_key(target: CodeTarget) -> str:
    name = string_literal(target.key_env, "python")
    if target.key_required:
        return f"    api_key=os.environ[{name}],"
    # The SDK insists on some key; this gateway ignores it.
    return f'    api_key=os.environ.get({name}, "not-needed"),'


def _python_notes() -> tuple[str, ...]:
    return (
        "Sends the same body as the app: what the SDK has no parameter for travels in extra_body.",
    )


# -- curl --------------------------------------------------------------------------------------


def curl_code(request: ChatRequest, target: CodeTarget) -> str:
    """A curl command that sends the request and prints the event stream."""
    body = chat_body(target.kind, request)
    url = f"{target.base_url}/chat/completions"
    data = render(body, "json", step=2, column=len("  --data-raw '"))
    lines = [
        "# The request as curl; the answer streams back as server-sent events.",
        f"# The key is read from ${target.key_env}: it is not in this command.",
        f"curl --no-buffer --silent --show-error {shlex.quote(url)} \\",
        f'  --header "Authorization: Bearer ${target.key_env}" \\',
        "  --header 'Content-Type: application/json' \\",
        f"  --data-raw {shlex.quote(data)}",
        "",
    ]
    return "\n".join(lines)


def _curl_notes(target: CodeTarget) -> tuple[str, ...]:
    notes = ["Sends exactly the body the app sends."]
    if target.simulated:
        notes.append(
            "The simulated gateway runs while the app does (or start one with "
            "`playground sim`, then use its URL); it accepts any key."
        )
    return tuple(notes)


__all__ = [
    "LANGUAGES",
    "LANGUAGE_LABELS",
    "CodeLanguage",
    "CodeTarget",
    "GeneratedCode",
    "generate",
    "generate_all",
]


DISPLAY_DATA_CHARS = 48
"""How much of an attachment's base64 a program shown on screen keeps."""


def elide_attachments(request: ChatRequest) -> tuple[ChatRequest, int]:
    """`request` with every inline attachment's base64 cut to its start plus a note, for
    showing a program on screen (megabytes of base64 are unreadable and slow to lay out),
    and how many characters were cut. The program that is copied keeps everything."""
    from dataclasses import replace

    from playground.core.request import FilePart, ImagePart, Message

    cut = 0
    messages: list[Message] = []
    for message in request.messages:
        if isinstance(message.content, str):
            messages.append(message)
            continue
        parts = []
        for part in message.content:
            if isinstance(part, ImagePart | FilePart) and len(part.data) > DISPLAY_DATA_CHARS * 2:
                removed = len(part.data) - DISPLAY_DATA_CHARS
                cut += removed
                note = f"…({removed:,} more base64 characters: the copied program has them)"
                part = replace(part, data=part.data[:DISPLAY_DATA_CHARS] + note)
            parts.append(part)
        messages.append(replace(message, content=tuple(parts)))
    if not cut:
        return request, 0
    return replace(request, messages=tuple(messages)), cut
