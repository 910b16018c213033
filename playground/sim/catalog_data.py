"""The simulated catalog as data: one dict per model, prices per million tokens. This
module holds the frontier labs (OpenAI, Anthropic, Google, xAI); `catalog_data_open` the
open-weight models and the specialists.

Keys of a model: ``id name description released`` (ISO date), ``type`` (default language),
``ctx`` and ``out`` (context window, max output), ``tags`` (None: no tags key), ``reasoning``
(none/optional/mandatory), ``inputs``/``outputs`` (modalities), ``price`` (the default for
its endpoints), ``caching`` (implicit caching by default), ``params``, ``deprecated``,
``knowledge``, ``pricing`` (a literal ``/v1/models`` pricing object for the odd cases).

Keys of an endpoint: ``p`` (provider slug), ``t`` (TTFT P50 s, TTFT P95 s, tok/s P50), and
overrides of the model's ``price``, ``ctx``, ``out``, ``caching``, plus ``uptime``, ``lacks``
(tags this provider does not support), ``published`` and ``request`` (hidden per-request fee).

Price keys: ``in out cache write`` per million tokens, ``web`` per thousand queries,
``in_tiers``/``out_tiers``/``cache_tiers``/``write_tiers`` as ``(min, max, per-million)``
with ``max`` exclusive and None on the top tier.
"""

from __future__ import annotations

from typing import Any

BASE_PARAMS = ("max_tokens", "temperature", "top_p", "stop")
OPENAI_PARAMS = (
    *BASE_PARAMS,
    "seed",
    "frequency_penalty",
    "presence_penalty",
    "tools",
    "tool_choice",
    "response_format",
)
REASONING_PARAMS = (*OPENAI_PARAMS, "reasoning", "include_reasoning")
ANTHROPIC_PARAMS = (
    *BASE_PARAMS,
    "top_k",
    "tools",
    "tool_choice",
    "response_format",
    "reasoning",
    "include_reasoning",
)
OPEN_PARAMS = (*BASE_PARAMS, "seed", "tools", "tool_choice", "response_format")

VISION_INPUTS = ("text", "image")
DOC_INPUTS = ("text", "image", "file")
_T200K = 200_001  # Gemini and Claude long-context tiers start above 200K prompt tokens

FRONTIER: tuple[dict[str, Any], ...] = (
    {
        "id": "openai/gpt-4.1-mini",
        "name": "GPT-4.1 mini",
        "description": "GPT-4.1 mini is a significant leap in small model performance, matching "
        "or exceeding GPT-4o in intelligence evals while reducing latency by nearly half and "
        "cost by 83%.",
        "released": "2025-05-14",
        "ctx": 1_047_576,
        "out": 32_768,
        "tags": ["file-input", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "caching": True,
        "params": OPENAI_PARAMS,
        "knowledge": "2024-06",
        "price": {"in": "0.40", "out": "1.60", "cache": "0.10"},
        "endpoints": [
            {
                "p": "openai",
                "t": (0.6, 1.35, 92),
                "price": {"in": "0.40", "out": "1.60", "cache": "0.10", "web": "10"},
            },
            {
                "p": "azure",
                "t": (0.7, 1.6, 78),
                "price": {"in": "0.40", "out": "1.60", "cache": "0.10", "web": "14"},
                "uptime": (100.0, 99.9, 99.82),
            },
        ],
    },
    {
        "id": "openai/gpt-4.1",
        "name": "GPT-4.1",
        "description": "GPT-4.1 is OpenAI's flagship non-reasoning model for complex tasks, "
        "strong at coding and instruction following, with a one-million-token context.",
        "released": "2025-04-14",
        "ctx": 1_047_576,
        "out": 32_768,
        "tags": ["file-input", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "caching": True,
        "params": OPENAI_PARAMS,
        "price": {"in": "2.00", "out": "8.00", "cache": "0.50", "web": "10"},
        "endpoints": [
            {"p": "openai", "t": (0.75, 1.7, 68)},
            {"p": "azure", "t": (0.85, 2.0, 55), "uptime": (99.8, 99.7, 99.75)},
        ],
    },
    {
        "id": "openai/gpt-4.1-nano",
        "name": "GPT-4.1 nano",
        "description": "GPT-4.1 nano is the fastest and cheapest GPT-4.1 model, well suited to "
        "classification, autocompletion and other low-latency tasks.",
        "released": "2025-04-14",
        "ctx": 1_047_576,
        "out": 32_768,
        "tags": ["file-input", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "caching": True,
        "params": OPENAI_PARAMS,
        "price": {"in": "0.10", "out": "0.40", "cache": "0.025"},
        "endpoints": [
            {"p": "openai", "t": (0.42, 0.95, 141)},
            {"p": "azure", "t": (0.5, 1.2, 118)},
        ],
    },
    {
        "id": "openai/gpt-4o-mini",
        "name": "GPT-4o mini",
        "description": "GPT-4o mini is a small, affordable multimodal model that is smarter "
        "and cheaper than GPT-3.5 Turbo.",
        "released": "2024-07-18",
        "ctx": 128_000,
        "out": 16_384,
        "tags": ["file-input", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "caching": True,
        "params": OPENAI_PARAMS,
        "price": {"in": "0.15", "out": "0.60", "cache": "0.075"},
        "endpoints": [
            {"p": "azure", "t": (0.55, 1.3, 96)},
            {"p": "openai", "t": (0.5, 1.1, 74)},
        ],
    },
    {
        "id": "openai/gpt-5",
        "name": "GPT-5",
        "description": "GPT-5 is OpenAI's flagship reasoning model for coding and agentic "
        "tasks across domains, with adjustable reasoning effort.",
        "released": "2025-08-07",
        "ctx": 400_000,
        "out": 128_000,
        "tags": ["file-input", "reasoning", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "reasoning": "optional",
        "caching": True,
        "params": REASONING_PARAMS,
        "price": {"in": "1.25", "out": "10.00", "cache": "0.125", "web": "10"},
        "endpoints": [
            {"p": "openai", "t": (2.4, 7.5, 71)},
            {"p": "azure", "t": (2.9, 9.0, 60)},
        ],
    },
    {
        "id": "openai/gpt-5-mini",
        "name": "GPT-5 mini",
        "description": "GPT-5 mini is a faster, cheaper version of GPT-5 for well-defined "
        "tasks and precise prompts.",
        "released": "2025-08-07",
        "ctx": 400_000,
        "out": 128_000,
        "tags": ["file-input", "reasoning", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "reasoning": "optional",
        "caching": True,
        "params": REASONING_PARAMS,
        "price": {"in": "0.25", "out": "2.00", "cache": "0.025"},
        "endpoints": [
            {"p": "openai", "t": (1.7, 5.0, 112)},
            {"p": "azure", "t": (2.0, 6.0, 96)},
        ],
    },
    {
        "id": "openai/o4-mini",
        "name": "o4-mini",
        "description": "o4-mini is a small reasoning model optimized for fast, cost-efficient "
        "reasoning with strong results in math, coding and visual tasks.",
        "released": "2025-04-16",
        "ctx": 200_000,
        "out": 100_000,
        "tags": ["file-input", "reasoning", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "reasoning": "mandatory",
        "caching": True,
        "params": REASONING_PARAMS,
        "price": {"in": "1.10", "out": "4.40", "cache": "0.275"},
        "endpoints": [
            {"p": "openai", "t": (1.9, 6.0, 121)},
            {"p": "azure", "t": (2.2, 7.0, 101)},
        ],
    },
    {
        "id": "openai/text-embedding-3-small",
        "name": "text-embedding-3-small",
        "type": "embedding",
        "description": "OpenAI's improved, more performant small embedding model.",
        "released": "2024-01-25",
        "ctx": 8_191,
        "price": {"in": "0.02"},
        "endpoints": [{"p": "openai", "t": (0.12, 0.3, 0)}, {"p": "azure", "t": (0.15, 0.4, 0)}],
    },
    {
        "id": "openai/gpt-4o-mini-transcribe",
        "name": "GPT-4o mini Transcribe",
        "type": "transcription",
        "description": "A speech-to-text model that uses GPT-4o mini to transcribe audio.",
        "released": "2025-03-20",
        "inputs": ("audio",),
        "pricing": {"transcription_duration_cost_per_second": "0.00005"},
        "endpoints": [{"p": "openai", "t": (0.4, 1.0, 0)}],
    },
    {
        "id": "anthropic/claude-sonnet-4.5",
        "name": "Claude Sonnet 4.5",
        "description": "Claude Sonnet 4.5 is Anthropic's best model for complex agents and "
        "coding, with extended thinking and a one-million-token context window.",
        "released": "2025-09-29",
        "ctx": 1_000_000,
        "out": 64_000,
        "tags": ["file-input", "reasoning", "tool-use", "vision", "explicit-caching"],
        "inputs": DOC_INPUTS,
        "reasoning": "optional",
        "params": ANTHROPIC_PARAMS,
        "knowledge": "2025-01",
        "price": {
            "in": "3.00",
            "out": "15.00",
            "cache": "0.30",
            "write": "3.75",
            "web": "10",
            "in_tiers": [(0, _T200K, "3.00"), (_T200K, None, "6.00")],
            "out_tiers": [(0, _T200K, "15.00"), (_T200K, None, "22.50")],
            "cache_tiers": [(0, _T200K, "0.30"), (_T200K, None, "0.60")],
            "write_tiers": [(0, _T200K, "3.75"), (_T200K, None, "7.50")],
        },
        "endpoints": [
            {"p": "anthropic", "t": (1.6, 3.6, 63)},
            {"p": "bedrock", "t": (1.9, 4.5, 55), "ctx": 200_000},
            {"p": "vertex", "t": (1.75, 4.0, 58), "uptime": (99.5, 99.6, 99.7)},
        ],
    },
    {
        "id": "anthropic/claude-haiku-4.5",
        "name": "Claude Haiku 4.5",
        "description": "Claude Haiku 4.5 is Anthropic's fastest model, with near-frontier "
        "coding quality at a fraction of the cost.",
        "released": "2025-10-15",
        "ctx": 200_000,
        "out": 64_000,
        "tags": ["file-input", "reasoning", "tool-use", "vision", "explicit-caching"],
        "inputs": DOC_INPUTS,
        "reasoning": "optional",
        "params": ANTHROPIC_PARAMS,
        "price": {"in": "1.00", "out": "5.00", "cache": "0.10", "write": "1.25"},
        "endpoints": [
            {"p": "anthropic", "t": (0.68, 1.5, 112)},
            {"p": "bedrock", "t": (0.82, 1.9, 96), "lacks": ("file-input",)},
            {"p": "vertex", "t": (0.75, 1.7, 101)},
        ],
    },
    {
        "id": "anthropic/claude-opus-4.1",
        "name": "Claude Opus 4.1",
        "description": "Claude Opus 4.1 is Anthropic's most capable model for long-horizon "
        "agentic work and hard reasoning.",
        "released": "2025-08-05",
        "ctx": 200_000,
        "out": 32_000,
        "tags": ["file-input", "reasoning", "tool-use", "vision", "explicit-caching"],
        "inputs": DOC_INPUTS,
        "reasoning": "optional",
        "params": ANTHROPIC_PARAMS,
        "price": {"in": "15.00", "out": "75.00", "cache": "1.50", "write": "18.75"},
        "endpoints": [
            {"p": "anthropic", "t": (2.1, 5.0, 36)},
            {"p": "bedrock", "t": (2.6, 6.2, 30)},
            {"p": "vertex", "t": (2.4, 5.6, 32)},
        ],
    },
    {
        "id": "anthropic/claude-3.5-haiku",
        "name": "Claude 3.5 Haiku",
        "description": "Claude 3.5 Haiku is a fast model for code completion, chatbots and "
        "data extraction. Deprecated: move to Claude Haiku 4.5.",
        "released": "2024-10-22",
        "deprecated": "2026-02-19",
        "ctx": 200_000,
        "out": 8_192,
        "tags": ["tool-use", "explicit-caching"],
        "params": ANTHROPIC_PARAMS,
        "price": {"in": "0.80", "out": "4.00", "cache": "0.08", "write": "1.00"},
        "endpoints": [
            {"p": "anthropic", "t": (0.8, 1.8, 64)},
            {"p": "bedrock", "t": (1.0, 2.4, 55)},
        ],
    },
    {
        "id": "google/gemini-2.5-pro",
        "name": "Gemini 2.5 Pro",
        "description": "Gemini 2.5 Pro is Google's most advanced thinking model, strong at "
        "code, math and long-context multimodal understanding.",
        "released": "2025-06-17",
        "ctx": 1_048_576,
        "out": 65_536,
        "tags": ["file-input", "reasoning", "tool-use", "vision", "web-search"],
        "inputs": DOC_INPUTS,
        "reasoning": "mandatory",
        "caching": True,
        "params": REASONING_PARAMS,
        "price": {
            "in": "1.25",
            "out": "10.00",
            "cache": "0.125",
            "web": "35",
            "in_tiers": [(0, _T200K, "1.25"), (_T200K, None, "2.50")],
            "out_tiers": [(0, _T200K, "10.00"), (_T200K, None, "15.00")],
            "cache_tiers": [(0, _T200K, "0.125"), (_T200K, None, "0.25")],
        },
        "endpoints": [
            {"p": "google", "t": (3.4, 9.0, 142)},
            {"p": "vertex", "t": (3.8, 10.5, 131)},
        ],
    },
    {
        "id": "google/gemini-2.5-flash",
        "name": "Gemini 2.5 Flash",
        "description": "Gemini 2.5 Flash is Google's best price-performance model, with "
        "thinking you can switch on per request.",
        "released": "2025-06-17",
        "ctx": 1_048_576,
        "out": 65_536,
        "tags": ["file-input", "reasoning", "tool-use", "vision", "web-search"],
        "inputs": DOC_INPUTS,
        "reasoning": "optional",
        "caching": True,
        "params": REASONING_PARAMS,
        "price": {"in": "0.30", "out": "2.50", "cache": "0.03", "web": "35"},
        "endpoints": [
            {"p": "google", "t": (0.85, 2.4, 232)},
            {"p": "vertex", "t": (0.95, 2.8, 208)},
        ],
    },
    {
        "id": "google/gemini-2.5-flash-lite",
        "name": "Gemini 2.5 Flash Lite",
        "description": "Gemini 2.5 Flash-Lite is Google's fastest, lowest-cost model in the "
        "2.5 family.",
        "released": "2025-07-22",
        "ctx": 1_048_576,
        "out": 65_536,
        "tags": ["file-input", "tool-use", "vision"],
        "inputs": DOC_INPUTS,
        "caching": True,
        "params": OPENAI_PARAMS,
        "price": {"in": "0.10", "out": "0.40", "cache": "0.01"},
        "endpoints": [
            {"p": "google", "t": (0.42, 1.0, 318)},
            {"p": "vertex", "t": (0.5, 1.2, 297)},
        ],
    },
    {
        "id": "google/gemini-embedding-001",
        "name": "Gemini Embedding 001",
        "type": "embedding",
        "description": "A state-of-the-art embedding model for text, multilingual and code.",
        "released": "2025-07-14",
        "ctx": 2_048,
        "price": {"in": "0.15"},
        "endpoints": [{"p": "vertex", "t": (0.15, 0.4, 0)}],
    },
    {
        "id": "xai/grok-4",
        "name": "Grok 4",
        "description": "Grok 4 is xAI's reasoning model with native tool use and real-time "
        "search integration.",
        "released": "2025-07-09",
        "ctx": 256_000,
        "out": 256_000,
        "tags": ["reasoning", "tool-use", "vision", "web-search"],
        "inputs": VISION_INPUTS,
        "reasoning": "mandatory",
        "caching": True,
        "params": REASONING_PARAMS,
        "price": {"in": "3.00", "out": "15.00", "cache": "0.75", "web": "25"},
        "endpoints": [{"p": "xai", "t": (3.6, 9.5, 44)}],
    },
    {
        "id": "xai/grok-4.1-fast-non-reasoning",
        "name": "Grok 4.1 Fast Non-Reasoning",
        "description": "Grok 4.1 Fast is xAI's fast agentic model with a two-million-token "
        "context, here without reasoning.",
        "released": "2025-11-19",
        "ctx": 2_000_000,
        "out": 30_000,
        "tags": ["tool-use", "vision"],
        "inputs": VISION_INPUTS,
        "caching": True,
        "params": OPENAI_PARAMS,
        "price": {"in": "0.20", "out": "0.50", "cache": "0.05"},
        "endpoints": [{"p": "xai", "t": (0.38, 0.9, 163)}],
    },
)
"""The frontier labs' models, in the order ``/v1/models`` lists them."""
