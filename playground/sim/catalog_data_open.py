"""The simulated catalog, continued: open-weight models (Meta, Mistral, DeepSeek, Alibaba,
Moonshot, Z.ai) and the specialists (Perplexity, Cohere, Black Forest Labs). The keys are
those of `catalog_data`."""

from __future__ import annotations

from typing import Any

from playground.sim.catalog_data import BASE_PARAMS, OPEN_PARAMS, VISION_INPUTS

OPEN: tuple[dict[str, Any], ...] = (
    {
        "id": "meta/llama-3.3-70b",
        "name": "Llama 3.3 70B",
        "description": "Llama 3.3 70B is a multilingual instruction-tuned model with the "
        "quality of Llama 3.1 405B at a fraction of the cost.",
        "released": "2024-12-06",
        "ctx": 131_072,
        "out": 32_768,
        "tags": ["tool-use"],
        "params": OPEN_PARAMS,
        "price": {"in": "0.85", "out": "1.20"},
        "endpoints": [
            {"p": "cerebras", "t": (0.24, 0.55, 2100), "ctx": 65_536, "out": 8_192},
            {"p": "groq", "t": (0.28, 0.65, 1050), "price": {"in": "0.59", "out": "0.79"}},
            {"p": "deepinfra", "t": (0.5, 1.3, 44), "price": {"in": "0.23", "out": "0.40"}},
            {"p": "bedrock", "t": (0.9, 2.1, 39), "price": {"in": "0.72", "out": "0.72"}},
        ],
    },
    {
        "id": "meta/llama-4-maverick",
        "name": "Llama 4 Maverick 17B 128E",
        "description": "Llama 4 Maverick is a natively multimodal mixture-of-experts model "
        "with 17B active parameters and 128 experts.",
        "released": "2025-04-05",
        "ctx": 1_048_576,
        "out": 8_192,
        "tags": ["tool-use", "vision"],
        "inputs": VISION_INPUTS,
        "params": OPEN_PARAMS,
        "price": {"in": "0.20", "out": "0.60"},
        "endpoints": [
            {"p": "groq", "t": (0.3, 0.7, 560), "ctx": 131_072},
            {"p": "deepinfra", "t": (0.5, 1.3, 81), "price": {"in": "0.15", "out": "0.60"}},
            {"p": "bedrock", "t": (0.85, 2.0, 74), "price": {"in": "0.24", "out": "0.97"}},
        ],
    },
    {
        "id": "meta/llama-4-scout",
        "name": "Llama 4 Scout 17B 16E",
        "description": "Llama 4 Scout is a 17B-active-parameter mixture-of-experts model with "
        "16 experts and a very long context.",
        "released": "2025-04-05",
        "ctx": 10_000_000,
        "out": 8_192,
        "tags": ["tool-use", "vision"],
        "inputs": VISION_INPUTS,
        "params": OPEN_PARAMS,
        "price": {"in": "0.65", "out": "0.85"},
        "endpoints": [
            {"p": "cerebras", "t": (0.22, 0.5, 2600), "ctx": 32_768},
            {
                "p": "groq",
                "t": (0.27, 0.6, 750),
                "ctx": 131_072,
                "price": {"in": "0.11", "out": "0.34"},
            },
            {
                "p": "deepinfra",
                "t": (0.45, 1.1, 102),
                "ctx": 327_680,
                "price": {"in": "0.08", "out": "0.30"},
            },
        ],
    },
    {
        "id": "mistral/mistral-large",
        "name": "Mistral Large",
        "description": "Mistral Large is Mistral's top-tier model for high-complexity tasks, "
        "with strong multilingual reasoning and function calling.",
        "released": "2024-11-18",
        "ctx": 131_072,
        "out": 32_768,
        "tags": ["tool-use"],
        "params": OPEN_PARAMS,
        "price": {"in": "2.00", "out": "6.00"},
        "endpoints": [{"p": "mistral", "t": (0.5, 1.2, 46)}],
    },
    {
        "id": "mistral/magistral-medium",
        "name": "Magistral Medium",
        "description": "Magistral Medium is Mistral's reasoning model, thinking step by step "
        "in the language of the question.",
        "released": "2025-06-10",
        "ctx": 40_960,
        "out": 40_000,
        "tags": ["reasoning"],
        "reasoning": "mandatory",
        "params": (*OPEN_PARAMS, "reasoning", "include_reasoning"),
        "price": {"in": "2.00", "out": "5.00"},
        "endpoints": [{"p": "mistral", "t": (0.6, 1.5, 71)}],
    },
    {
        "id": "mistral/ministral-3b",
        "name": "Ministral 3B",
        "description": "Ministral 3B is a compact model for on-device and edge use.",
        "released": "2024-10-16",
        "ctx": 131_072,
        "out": 4_096,
        "tags": None,
        "params": BASE_PARAMS,
        "price": {"in": "0.04", "out": "0.04"},
        "endpoints": [{"p": "mistral", "t": (0.25, 0.6, 212)}],
    },
    {
        "id": "deepseek/deepseek-r1",
        "name": "DeepSeek R1",
        "description": "DeepSeek R1 is an open reasoning model that thinks out loud before it "
        "answers, on par with o1 on math and code.",
        "released": "2025-01-20",
        "ctx": 163_840,
        "out": 32_768,
        "tags": ["reasoning", "tool-use"],
        "reasoning": "mandatory",
        "params": (*OPEN_PARAMS, "reasoning", "include_reasoning"),
        "price": {"in": "0.55", "out": "2.19", "cache": "0.14"},
        "endpoints": [
            {"p": "deepseek", "t": (1.5, 5.0, 28), "caching": True, "uptime": (98.5, 99.0, 99.2)},
            {"p": "togetherai", "t": (0.8, 2.2, 61), "price": {"in": "3.00", "out": "7.00"}},
            {"p": "deepinfra", "t": (0.9, 2.5, 35), "price": {"in": "0.70", "out": "2.40"}},
        ],
    },
    {
        "id": "deepseek/deepseek-v3.2",
        "name": "DeepSeek V3.2",
        "description": "DeepSeek V3.2 pairs sparse attention with strong agentic tool use, at "
        "a very low price.",
        "released": "2025-12-01",
        "ctx": 163_840,
        "out": 65_536,
        "tags": ["reasoning", "tool-use"],
        "reasoning": "optional",
        "params": (*OPEN_PARAMS, "reasoning", "include_reasoning"),
        "price": {"in": "0.28", "out": "0.42", "cache": "0.028"},
        "endpoints": [
            {"p": "deepseek", "t": (1.1, 3.2, 31), "caching": True},
            {"p": "fireworks", "t": (0.5, 1.2, 96), "price": {"in": "0.56", "out": "1.68"}},
            {"p": "deepinfra", "t": (0.7, 1.9, 41), "price": {"in": "0.27", "out": "0.40"}},
        ],
    },
    {
        "id": "alibaba/qwen-3-14b",
        "name": "Qwen3-14B",
        "description": "Qwen3-14B is a dense model that switches between thinking and "
        "non-thinking modes within one model.",
        "released": "2025-04-28",
        "ctx": 40_960,
        "out": 16_384,
        "tags": ["reasoning", "tool-use"],
        "reasoning": "optional",
        "params": (*OPEN_PARAMS, "reasoning", "include_reasoning"),
        "knowledge": "2025-04",
        "price": {"in": "0.12", "out": "0.24"},
        "endpoints": [
            {"p": "alibaba", "t": (0.5, 1.2, 79)},
            {"p": "deepinfra", "t": (0.42, 1.0, 62), "price": {"in": "0.06", "out": "0.24"}},
        ],
    },
    {
        "id": "alibaba/qwen3-coder",
        "name": "Qwen3 Coder 480B A35B",
        "description": "Qwen3-Coder is Alibaba's agentic coding model, a 480B mixture of "
        "experts with 35B active parameters.",
        "released": "2025-07-22",
        "ctx": 262_144,
        "out": 65_536,
        "tags": ["tool-use"],
        "params": OPEN_PARAMS,
        "price": {"in": "1.00", "out": "5.00"},
        "endpoints": [
            {"p": "alibaba", "t": (0.6, 1.5, 70)},
            {
                "p": "cerebras",
                "t": (0.3, 0.65, 1820),
                "ctx": 131_072,
                "price": {"in": "2.00", "out": "2.00"},
            },
            {"p": "deepinfra", "t": (0.5, 1.3, 56), "price": {"in": "0.40", "out": "1.60"}},
        ],
    },
    {
        "id": "moonshotai/kimi-k2",
        "name": "Kimi K2",
        "description": "Kimi K2 is a one-trillion-parameter mixture-of-experts model tuned for "
        "agentic tasks and tool use.",
        "released": "2025-07-11",
        "ctx": 131_072,
        "out": 16_384,
        "tags": ["tool-use"],
        "params": OPEN_PARAMS,
        "price": {"in": "0.60", "out": "2.50", "cache": "0.15"},
        "endpoints": [
            {"p": "groq", "t": (0.32, 0.75, 402), "price": {"in": "1.00", "out": "3.00"}},
            {"p": "moonshotai", "t": (0.9, 2.4, 41), "caching": True},
            {"p": "fireworks", "t": (0.6, 1.5, 91)},
        ],
    },
    {
        "id": "zai/glm-4.6",
        "name": "GLM 4.6",
        "description": "GLM-4.6 is Z.ai's flagship model for coding, reasoning and agents, "
        "with a 200K context.",
        "released": "2025-09-30",
        "ctx": 200_000,
        "out": 128_000,
        "tags": ["reasoning", "tool-use"],
        "reasoning": "optional",
        "params": (*OPEN_PARAMS, "reasoning", "include_reasoning"),
        "price": {"in": "0.60", "out": "2.20", "cache": "0.11"},
        "endpoints": [
            {"p": "zai", "t": (0.9, 2.5, 56), "caching": True},
            {"p": "deepinfra", "t": (0.7, 1.9, 45), "price": {"in": "0.50", "out": "1.90"}},
        ],
    },
    {
        "id": "perplexity/sonar",
        "name": "Sonar",
        "description": "Sonar is Perplexity's lightweight search model, answering with "
        "grounded, cited results from the web.",
        "released": "2025-01-21",
        "ctx": 127_000,
        "out": 8_000,
        "tags": ["web-search"],
        "params": BASE_PARAMS,
        "pricing": {},
        "price": {"in": "1.00", "out": "1.00"},
        "endpoints": [
            {"p": "perplexity", "t": (1.2, 3.0, 86), "published": False, "request": "0.005"},
        ],
    },
    {
        "id": "cohere/command-a",
        "name": "Command A",
        "description": "Command A is Cohere's most performant model for agentic enterprise "
        "tasks, with a 256K context.",
        "released": "2025-03-13",
        "ctx": 256_000,
        "out": 8_000,
        "tags": ["tool-use"],
        "params": OPEN_PARAMS,
        "price": {"in": "2.50", "out": "10.00"},
        "endpoints": [{"p": "cohere", "t": (0.45, 1.1, 74)}],
    },
    {
        "id": "cohere/rerank-v3.5",
        "name": "Rerank 3.5",
        "type": "reranking",
        "description": "Cohere's reranking model: orders documents by relevance to a query.",
        "released": "2024-12-02",
        "ctx": 4_096,
        "pricing": {"input": "0.000002"},
        "endpoints": [{"p": "cohere", "t": (0.2, 0.5, 0)}],
    },
    {
        "id": "bfl/flux-pro-1.1",
        "name": "FLUX1.1 [pro]",
        "type": "image",
        "description": "FLUX1.1 [pro] generates images six times faster than its predecessor, "
        "with better prompt adherence.",
        "released": "2024-10-02",
        "outputs": ("image",),
        "pricing": {"image": "0.04"},
        "endpoints": [{"p": "bfl", "t": (4.0, 9.0, 0)}],
    },
)
"""Open-weight and specialist models, after the frontier labs' in ``/v1/models``."""
