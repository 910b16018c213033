"""Catalog payloads shaped like PROTOCOL.md's documented and live-observed examples (§2.3, §3,
§4), including every pitfall it lists. Functions, not constants, so a test may mutate its copy.
"""

from __future__ import annotations

from typing import Any


def vercel_models() -> dict[str, Any]:
    """``GET /v1/models`` with the documented Gemini entry (tiers), the live Qwen entry, and
    the odd cases: no ``pricing.input``, ``"pricing": {}``, an unknown type, no tags, a
    transcription model without context, ``deprecated_at`` in ms, wrong types, and entries
    that are not models at all."""
    return {
        "object": "list",
        "data": [
            {
                "id": "google/gemini-3-pro",
                "object": "model",
                "created": 1755815280,
                "owned_by": "google",
                "name": "Gemini 3 Pro",
                "description": "This model improves upon Gemini 2.5 Pro ...",
                "context_window": 1000000,
                "max_tokens": 64000,
                "type": "language",
                "tags": ["file-input", "tool-use", "reasoning", "vision"],
                "pricing": {
                    "input": "0.000002",
                    "input_tiers": [
                        {"cost": "0.000002", "min": 0, "max": 200001},
                        {"cost": "0.000004", "min": 200001},
                    ],
                    "output": "0.000012",
                    "output_tiers": [
                        {"cost": "0.000012", "min": 0, "max": 200001},
                        {"cost": "0.000018", "min": 200001},
                    ],
                    "input_cache_read": "0.0000002",
                    "input_cache_read_tiers": [
                        {"cost": "0.0000002", "min": 0, "max": 200001},
                        {"cost": "0.0000004", "min": 200001},
                    ],
                    "input_cache_write": "0.000002",
                },
            },
            {
                "id": "alibaba/qwen-3-14b",
                "object": "model",
                "created": 1755815280,
                "released": 1745798400,
                "owned_by": "alibaba",
                "name": "Qwen3-14B",
                "description": "...",
                "context_window": 40960,
                "max_tokens": 16384,
                "type": "language",
                "tags": ["reasoning", "tool-use"],
                "supported_specifications": ["v2", "v3", "v4"],
                "modalities": {"input": ["text"], "output": ["text"]},
                "supported_parameters": [
                    "max_tokens",
                    "temperature",
                    "stop",
                    "tools",
                    "tool_choice",
                    "reasoning",
                    "include_reasoning",
                ],
                "temperature": True,
                "reasoning_options": [{"type": "toggle"}],
                "knowledge": "2025-04",
                "pricing": {"input": "0.00000012", "output": "0.00000024"},
            },
            {  # pitfall: pricing present, input missing (65 of 315 models)
                "id": "openai/gpt-image-1",
                "owned_by": "openai",
                "name": "GPT Image 1",
                "type": "image",
                "pricing": {"output": "0.00004", "image": "0.04"},
            },
            {  # pitfall: "pricing": {}
                "id": "perplexity/sonar",
                "owned_by": "perplexity",
                "name": "Sonar",
                "type": "language",
                "context_window": 127000,
                "tags": ["web-search"],
                "pricing": {},
            },
            {  # an unknown type and an unknown tag, kept as they come
                "id": "openai/gpt-realtime",
                "name": "GPT Realtime",
                "type": "realtime",
                "tags": ["voice-duplex", "tool-use"],
                "pricing": {"input": "0.000004", "output": "0.000016"},
            },
            {  # no tags, no context (transcription models have none), deprecated_at in ms
                "id": "openai/whisper-1",
                "name": "Whisper",
                "type": "transcription",
                "deprecated_at": 1798761600000,
                "pricing": {"transcription_duration_cost_per_second": "0.0001"},
            },
            {  # wrong types everywhere: still a model, with unknowns
                "id": "acme/odd-1",
                "name": 42,
                "context_window": "131072",
                "max_tokens": True,
                "tags": "vision",
                "released": "soon",
                "type": None,
                "pricing": {"input": 0.000001, "output": "free", "web_search": "-1"},
            },
            {"name": "no id at all", "pricing": {"input": "0.1"}},
            {"id": "", "name": "empty id"},
            "not an object",
            None,
            {"id": "alibaba/qwen-3-14b", "name": "a repeated id"},
        ],
    }


VERCEL_MODELS_SKIPPED = 5
"""Entries of `vercel_models()` that are not usable models."""


def vercel_endpoints() -> dict[str, Any]:
    """``GET /v1/models/google/gemini-3-pro/endpoints``: the documented shape (``data`` an
    object) plus the newer live fields, and one entry without a provider."""
    return {
        "data": {
            "id": "google/gemini-3-pro",
            "name": "Gemini 3 Pro",
            "created": 1755815280,
            "description": "...",
            "architecture": {
                "tokenizer": None,
                "instruct_type": None,
                "modality": "text+image+file→text",
                "input_modalities": ["text", "image", "file"],
                "output_modalities": ["text"],
            },
            "reasoning": {"mandatory": False, "supports_max_tokens": True},
            "endpoints": [
                {
                    "name": "google | google/gemini-3-pro",
                    "model_name": "Gemini 3 Pro",
                    "context_length": 1000000,
                    "pricing": {
                        "prompt": "0.000002",
                        "prompt_tiers": [
                            {"cost": "0.000002", "min": 0, "max": 200001},
                            {"cost": "0.000004", "min": 200001},
                        ],
                        "completion": "0.000012",
                        "completion_tiers": [
                            {"cost": "0.000012", "min": 0, "max": 200001},
                            {"cost": "0.000018", "min": 200001},
                        ],
                        "request": "0",
                        "image": "0",
                        "image_output": "0",
                        "web_search": "0",
                        "internal_reasoning": "0",
                        "input_cache_read": "0.0000002",
                        "input_cache_write": "0.000002",
                        "discount": 0,
                    },
                    "provider_name": "google",
                    "tag": "google",
                    "quantization": None,
                    "max_completion_tokens": 64000,
                    "max_prompt_tokens": None,
                    "supported_parameters": ["max_tokens", "temperature", "tools"],
                    "status": 0,
                    "uptime_last_30m": None,
                    "supports_implicit_caching": False,
                },
                {
                    "name": "vertex | google/gemini-3-pro",
                    "context_length": 1000000,
                    "pricing": {"prompt": "0.000002", "completion": "0.000012"},
                    "provider_name": "vertex",
                    "tag": "vertex",
                    "max_completion_tokens": 64000,
                    "status": 0,
                    "tags": ["implicit-caching", "zdr"],
                    "uptime_last_15m": 100,
                    "uptime_last_1h": 99.5,
                    "uptime_last_1d": 99.91,
                    "latency_last_1h": {"p50": 1840, "p95": 4210.5},
                    "throughput_last_1h": {"p50": 71.2, "p95": 120},
                    "supports_implicit_caching": True,
                },
                {"name": "nobody", "pricing": {"prompt": "0.1"}},
                "junk",
            ],
        }
    }


def openrouter_models() -> dict[str, Any]:
    """``GET /api/v1/models`` (no ``object`` at the root), with a ``-1`` router price."""
    return {
        "data": [
            {
                "id": "openai/gpt-4.1-mini",
                "canonical_slug": "openai/gpt-4.1-mini-2025-04-14",
                "name": "OpenAI: GPT-4.1 Mini",
                "created": 1744651381,
                "description": "GPT-4.1 Mini is a mid-sized model ...",
                "context_length": 1047576,
                "architecture": {
                    "modality": "text+image+file->text",
                    "input_modalities": ["image", "text", "file"],
                    "output_modalities": ["text"],
                    "tokenizer": "GPT",
                    "instruct_type": None,
                },
                "pricing": {
                    "prompt": "0.0000004",
                    "completion": "0.0000016",
                    "request": "0",
                    "image": "0",
                    "web_search": "0.01",
                    "internal_reasoning": "0",
                    "input_cache_read": "0.0000001",
                },
                "top_provider": {
                    "context_length": 1047576,
                    "max_completion_tokens": 32768,
                    "is_moderated": True,
                },
                "per_request_limits": None,
                "supported_parameters": ["max_tokens", "temperature", "tools", "tool_choice"],
                "expiration_date": "2026-12-31",
            },
            {
                "id": "openrouter/auto",
                "name": "Auto Router",
                "created": 1699401600,
                "context_length": 2000000,
                "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
                "pricing": {"prompt": "-1", "completion": "-1"},
                "top_provider": {"context_length": None, "max_completion_tokens": None},
                "supported_parameters": ["reasoning", "include_reasoning"],
            },
        ]
    }


def openrouter_endpoints() -> dict[str, Any]:
    return {
        "data": {
            "id": "openai/gpt-4.1-mini",
            "name": "OpenAI: GPT-4.1 Mini",
            "endpoints": [
                {
                    "name": "OpenAI | openai/gpt-4.1-mini",
                    "model_name": "OpenAI: GPT-4.1 Mini",
                    "context_length": 1047576,
                    "pricing": {"prompt": "0.0000004", "completion": "0.0000016"},
                    "provider_name": "OpenAI",
                    "tag": "openai",
                    "quantization": "unknown",
                    "max_completion_tokens": 32768,
                    "max_prompt_tokens": None,
                    "supported_parameters": ["max_tokens", "tools"],
                    "status": 0,
                    "uptime_last_30m": 99.5,
                    "uptime_last_1d": 99.8,
                    "supports_implicit_caching": True,
                    "latency_last_30m": {"p50": 612, "p75": 700, "p90": 900, "p99": 1500},
                    "throughput_last_30m": {"p50": 92.4, "p75": 80, "p90": 60, "p99": 30},
                }
            ],
        }
    }


def vllm_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {
                "id": "meta-llama/Llama-3.1-8B-Instruct",
                "object": "model",
                "created": 1730000000,
                "owned_by": "vllm",
                "root": "meta-llama/Llama-3.1-8B-Instruct",
                "parent": None,
                "max_model_len": 131072,
                "permission": [{"id": "modelperm-1", "object": "model_permission"}],
            }
        ],
    }


def llamacpp_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {
                "id": "qwen2.5-7b-instruct-q4_k_m.gguf",
                "object": "model",
                "created": 1730000000,
                "owned_by": "llamacpp",
                "meta": {"n_ctx_train": 32768, "n_params": 7615616512, "size": 4677120000},
            }
        ],
        "models": [{"name": "qwen2.5-7b-instruct-q4_k_m.gguf", "model": "qwen2.5"}],
    }


def ollama_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {
                "id": "llama3.2:latest",
                "object": "model",
                "created": 1730000000,
                "owned_by": "library",
            }
        ],
    }
