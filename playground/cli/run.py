"""``playground run``: send a prompt, stream the answer to stdout, the figures to stderr.

::

    playground run "Why is the sky blue?"
    playground run -m openai/gpt-4.1-mini --provider azure --json run.json "…"
    echo "…" | playground run -
    playground run --session saved.session.json      # replay a saved session (cli/replay.py)
    playground run --compare azure,openai --repeat 10 --json out.json "…"   # cli/compare.py

With no key configured it uses the simulated gateway and says so in one line on stderr.
Exit status: 0 when the run ended ``ok``, 1 when it did not (error, interrupted, incomplete,
stopped), 2 on bad usage. Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from playground.cli import EXIT_FAILED, EXIT_OK, UsageError, add_gateway_arguments
from playground.cli.common import (
    DEFAULT_MODEL,
    CommandFailed,
    guarded,
    open_services,
    report,
    start_options,
)
from playground.core.catalog import Endpoint
from playground.core.request import (
    REASONING_EFFORTS,
    ChatRequest,
    Message,
    Params,
    Reasoning,
    ResponseFormat,
    validate_params,
)
from playground.core.run import Run

PUBLISHED_TIMEOUT_S = 3.0
"""How long to wait for the catalog's published figures after a run (they are optional)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "prompt", nargs="?", metavar="PROMPT", help="the message ('-' or none: read stdin)"
    )
    parser.add_argument("--model", "-m", metavar="ID", help=f"model id (default {DEFAULT_MODEL})")
    parser.add_argument("--provider", metavar="SLUG", help="pin the request to one provider")
    parser.add_argument("--system", "-s", metavar="TEXT", help="a system prompt")
    parser.add_argument("--temperature", "-t", type=float, metavar="T", help="0–2")
    parser.add_argument("--max-tokens", type=int, metavar="N", help="output token limit")
    parser.add_argument("--top-p", type=float, metavar="P", help="nucleus sampling, (0, 1]")
    parser.add_argument("--seed", type=int, metavar="N", help="sampling seed")
    parser.add_argument(
        "--stop", action="append", default=[], metavar="TEXT", help="stop sequence (repeatable)"
    )
    parser.add_argument(
        "--reasoning-effort", choices=REASONING_EFFORTS, help="for reasoning models"
    )
    parser.add_argument("--json-mode", action="store_true", help="ask for a JSON answer")
    parser.add_argument(
        "--json", metavar="FILE", help="write the whole run (request, answer, figures) as JSON"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no figures table on stderr")
    parser.add_argument(
        "--session",
        metavar="FILE",
        help="replay a saved session's requests in order (--provider / --model / --gateway "
        "send them elsewhere)",
    )
    group = parser.add_argument_group("compare and repeat (see playground.cli.compare)")
    group.add_argument(
        "--compare",
        metavar="P1,P2",
        help="two lanes, one per provider ('auto' lets the gateway route), same model",
    )
    group.add_argument(
        "--models", metavar="M1,M2", help="two lanes, one per model (with --compare: pairs)"
    )
    group.add_argument(
        "--repeat",
        type=int,
        metavar="N",
        help="run each lane N times, interleaved A B A B, and show min/P50/P95/max",
    )
    group.add_argument(
        "--warmup", action="store_true", help="with --repeat: one unmeasured round first"
    )
    group.add_argument("--out", metavar="DIR", help="write each lane's answer to DIR/A.md, B.md")
    add_gateway_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.session:
        from playground.cli.replay import replay

        return guarded(lambda: replay(args))
    return guarded(lambda: asyncio.run(_main(args)))


def read_prompt(args: argparse.Namespace) -> str:
    """The prompt from the argument, or from stdin for ``-`` or when none is given."""
    prompt: str | None = args.prompt
    if prompt is None or prompt == "-":
        if sys.stdin is None or (prompt is None and sys.stdin.isatty()):
            raise UsageError("no prompt: give one as an argument, or pipe it in with '-'")
        if args.api_key_stdin:
            raise UsageError(
                "--api-key-stdin reads the key from stdin: give the prompt as an argument"
            )
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise UsageError("the prompt is empty")
    return prompt


def build_request(args: argparse.Namespace, prompt: str, default_model: str | None) -> ChatRequest:
    """The request the arguments describe.

    Raises:
        UsageError: a parameter is out of range.
    """
    params = Params(
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        top_p=args.top_p,
        seed=args.seed,
        stop=tuple(args.stop),
    )
    problems = validate_params(params)
    if problems:
        raise UsageError(" ".join(problems))
    messages: list[Message] = []
    if args.system:
        messages.append(Message("system", args.system))
    messages.append(Message("user", prompt))
    request = ChatRequest(
        model=args.model or default_model or DEFAULT_MODEL,
        messages=tuple(messages),
        params=params,
        reasoning=Reasoning(effort=args.reasoning_effort) if args.reasoning_effort else None,
        response_format=ResponseFormat("json_object") if args.json_mode else None,
    )
    return request.pinned_to(args.provider) if args.provider else request


async def _main(args: argparse.Namespace) -> int:
    from playground.cli import compare
    from playground.cli.run_output import StreamPrinter, print_figures, runs_json, write_json

    prompt = read_prompt(args)
    build_request(args, prompt, None)  # bad parameters are reported before anything starts
    if compare.wanted(args):
        compare.check_arguments(args)
        base = build_request(argparse.Namespace(**{**vars(args), "provider": None}), prompt, None)
        return await compare.compare_main(args, base)
    if args.out:
        raise UsageError("--out goes with --compare, --models or --repeat")
    services = await open_services(start_options(args))
    async with services:
        for notice in services.notices:
            report(notice)
        if services.needs_key:
            raise CommandFailed(services.missing_key_message)
        request = build_request(args, prompt, services.config.defaults.model)
        printer = StreamPrinter()
        live = services.new_run(request)
        try:
            result = await live.execute(on_event=printer)
        finally:
            printer.finish()
            stopped = live.result
            if stopped is not None and stopped.status == "stopped" and not args.quiet:
                print_figures([(stopped, None)])
        published = await _published(services, result)
        if not args.quiet:
            print_figures([(result, published)])
        if args.json:
            try:
                write_json(
                    args.json,
                    runs_json(
                        [result], profile=services.profile.name, base_url=services.profile.base_url
                    ),
                )
            except OSError as exc:
                raise CommandFailed(f"Couldn't write {args.json}: {exc.strerror or exc}") from None
        if result.error is not None and args.quiet:
            report(result.error.message)
        return EXIT_OK if result.status == "ok" else EXIT_FAILED


async def _published(services: object, run: Run) -> Endpoint | None:
    """The catalog entry of the provider that served `run`, for its published figures."""
    from playground.services import Services

    assert isinstance(services, Services)
    provider = run.figures.served_by or run.request.routing.pinned
    if not provider:
        return None
    with contextlib.suppress(Exception):
        async with asyncio.timeout(PUBLISHED_TIMEOUT_S):
            await services.catalog.load()
            endpoints = await services.catalog.endpoints(run.request.model)
            return next((e for e in endpoints if e.provider == provider), None)
    return None
