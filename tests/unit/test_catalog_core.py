"""`Catalog`: search ranking, filters, sorts, endpoints known vs unknown, derived figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.catalog import (
    CAPABILITY_LABELS,
    IMPLICIT_CACHING,
    SORT_KEYS,
    Catalog,
    Endpoint,
    Model,
    capability_label,
)
from playground.core.pricing import Prices


def _prices(inp: str | None, out: str | None) -> Prices:
    return Prices(
        input=Decimal(inp) / 1_000_000 if inp else None,
        output=Decimal(out) / 1_000_000 if out else None,
    )


MODELS = (
    Model("google/gemini-2.5-flash", "Gemini 2.5 Flash", context_window=1_048_576,
          tags=("vision", "reasoning"), released=date(2025, 6, 17), prices=_prices("0.30", "2.50")),
    Model("minimax/minimax-m2", "MiniMax M2", context_window=204_800,
          released=date(2025, 10, 27), prices=_prices("0.30", "1.20")),
    Model("openai/o4-mini", "o4-mini", context_window=200_000, tags=("reasoning",),
          released=date(2025, 4, 16), prices=_prices("1.10", "4.40")),
    Model("openai/gpt-4.1-mini", "GPT-4.1 mini", context_window=1_000_000,
          tags=("file-input", "tool-use", "vision"), released=date(2025, 5, 14),
          prices=_prices("0.40", "1.60")),
    Model("mistral/ministral-8b", "Ministral 8B", context_window=128_000,
          released=date(2024, 10, 16), prices=_prices("0.10", "0.10")),
    Model("openai/gpt-4o-mini", "GPT-4o mini", context_window=128_000,
          tags=("vision",), released=date(2024, 7, 18), prices=_prices("0.15", "0.60")),
    Model("perplexity/sonar", "Sonar", context_window=None, tags=("web-search",)),
    Model("openai/text-embedding-3-small", "text-embedding-3-small", type="embedding",
          context_window=8192, prices=_prices("0.02", None)),
)  # fmt: skip

AZURE = Endpoint("azure", context=1_000_000, prices=_prices("0.40", "1.60"), ttft_p50_s=0.7,
                 implicit_caching=True)  # fmt: skip
OPENAI = Endpoint("openai", context=1_000_000, prices=_prices("0.40", "1.60"), ttft_p50_s=0.6,
                  throughput_p50=92.0, implicit_caching=True)  # fmt: skip
GROQ = Endpoint("groq", prices=_prices("0.05", "0.08"), ttft_p50_s=0.2, throughput_p50=1100.0)


def catalog() -> Catalog:
    return Catalog(MODELS, {"openai/gpt-4.1-mini": (AZURE, OPENAI), "openai/o4-mini": ()})


def ids(models: tuple[Model, ...]) -> list[str]:
    return [m.id for m in models]


# -- search ---------------------------------------------------------------------------------


def test_mini_finds_gpt_4_1_mini_first() -> None:
    found = ids(catalog().search("mini"))
    assert found[0] == "openai/gpt-4.1-mini"
    # whole word "mini" > prefix of the id (minimax) > prefix of a word (ministral) > inside
    # a word (gemini)
    assert found.index("openai/o4-mini") < found.index("minimax/minimax-m2")
    assert found.index("minimax/minimax-m2") < found.index("mistral/ministral-8b")
    assert found.index("mistral/ministral-8b") < found.index("google/gemini-2.5-flash")
    assert "perplexity/sonar" not in found


def test_exact_beats_everything_and_case_is_ignored() -> None:
    assert ids(catalog().search("O4-MINI"))[0] == "openai/o4-mini"
    assert ids(catalog().search("sonar")) == ["perplexity/sonar"]
    assert ids(catalog().search("GPT-4.1 mini"))[0] == "openai/gpt-4.1-mini"


def test_subsequence_matches_last() -> None:
    found = ids(catalog().search("g41m"))
    assert found == ["openai/gpt-4.1-mini"]
    # the tighter subsequence first: "gpt-4o-mini" spans 3 extra characters, "gpt-4.1-mini" 4
    assert ids(catalog().search("gpt4mini")) == ["openai/gpt-4o-mini", "openai/gpt-4.1-mini"]


def test_every_word_must_match() -> None:
    assert ids(catalog().search("openai mini")) == [
        "openai/gpt-4.1-mini",
        "openai/gpt-4o-mini",
        "openai/o4-mini",
    ]
    assert catalog().search("openai zzz") == ()


def test_empty_query_is_everything_in_gateway_order_and_limit_applies() -> None:
    assert catalog().search("  ") == MODELS
    assert len(catalog().search("mini", limit=2)) == 2


_slug = st.text(alphabet="abcdefghij0123456789-.", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(names=st.lists(_slug, min_size=1, max_size=20, unique=True), query=_slug)
def test_search_finds_exactly_the_subsequence_matches(names: list[str], query: str) -> None:
    models = [Model(f"c/{n}", n) for n in names]
    found = set(ids(Catalog(models).search(query)))

    def is_subsequence(needle: str, hay: str) -> bool:
        it = iter(hay)
        return all(ch in it for ch in needle)

    expected = {m.id for m in models if is_subsequence(query.casefold(), m.id.casefold())}
    assert found == expected
    substring_hits = [m.id for m in models if query in m.id]
    ranked = ids(Catalog(models).search(query))
    # substring matches always rank above pure subsequence matches
    assert set(ranked[: len(substring_hits)]) == set(substring_hits)


# -- filters --------------------------------------------------------------------------------


def test_capability_filter_includes_implicit_caching_from_endpoints() -> None:
    c = catalog()
    assert ids(c.filter(capability="vision")) == [
        "google/gemini-2.5-flash",
        "openai/gpt-4.1-mini",
        "openai/gpt-4o-mini",
    ]
    assert ids(c.filter(capability=IMPLICIT_CACHING)) == ["openai/gpt-4.1-mini"]
    assert IMPLICIT_CACHING in c.capabilities(c.get("openai/gpt-4.1-mini"))  # type: ignore[arg-type]


def test_provider_filter_needs_known_endpoints() -> None:
    c = catalog()
    assert ids(c.filter(provider="azure")) == ["openai/gpt-4.1-mini"]
    assert c.filter(provider="groq") == ()
    c2 = c.with_endpoints("minimax/minimax-m2", [GROQ])
    assert ids(c2.filter(provider="groq")) == ["minimax/minimax-m2"]
    assert c.filter(provider="groq") == ()  # the original is unchanged


def test_price_filters_exclude_unknown_prices() -> None:
    c = catalog()
    cheap = ids(c.filter(max_input_per_m=Decimal("0.30")))
    assert cheap == [
        "google/gemini-2.5-flash",
        "minimax/minimax-m2",
        "mistral/ministral-8b",
        "openai/gpt-4o-mini",
        "openai/text-embedding-3-small",
    ]
    assert "perplexity/sonar" not in ids(c.filter(max_input_per_m=Decimal(1000)))
    # no output price: not known to be under any output limit
    assert "openai/text-embedding-3-small" not in ids(c.filter(max_output_per_m=Decimal(1000)))
    assert ids(c.filter(max_output_per_m=Decimal("0.60"))) == [
        "mistral/ministral-8b",
        "openai/gpt-4o-mini",
    ]


def test_min_context_and_type_filters() -> None:
    c = catalog()
    assert ids(c.filter(min_context=1_000_000)) == [
        "google/gemini-2.5-flash",
        "openai/gpt-4.1-mini",
    ]
    assert ids(c.filter(type="embedding")) == ["openai/text-embedding-3-small"]
    assert len(c.filter(type="language")) == len(MODELS) - 1


# -- sorts ----------------------------------------------------------------------------------


def test_sort_by_price_cheapest_first_unknown_last() -> None:
    order = ids(catalog().sort("price"))
    assert order[:3] == [
        "openai/text-embedding-3-small",
        "mistral/ministral-8b",
        "openai/gpt-4o-mini",
    ]
    # same input price: the cheaper output first
    assert order.index("minimax/minimax-m2") < order.index("google/gemini-2.5-flash")
    assert order[-1] == "perplexity/sonar"
    reverse = ids(catalog().sort("price", reverse=True))
    assert reverse[0] == "openai/o4-mini"
    assert reverse[-1] == "perplexity/sonar"  # unknown stays last


def test_sort_by_context_release_name() -> None:
    c = catalog()
    assert ids(c.sort("context"))[0] == "google/gemini-2.5-flash"
    assert ids(c.sort("context"))[-1] == "perplexity/sonar"
    assert ids(c.sort("release"))[0] == "minimax/minimax-m2"
    assert ids(c.sort("name"))[0] == "google/gemini-2.5-flash"


def test_sort_by_published_ttft_and_throughput() -> None:
    c = catalog().with_endpoints("minimax/minimax-m2", [GROQ])
    assert ids(c.sort("ttft"))[:2] == ["minimax/minimax-m2", "openai/gpt-4.1-mini"]
    assert ids(c.sort("throughput"))[:2] == ["minimax/minimax-m2", "openai/gpt-4.1-mini"]
    assert c.best_ttft(c.get("openai/gpt-4.1-mini")) == 0.6  # type: ignore[arg-type]


def test_every_sort_key_works_and_keeps_every_model() -> None:
    for key in SORT_KEYS:
        assert sorted(ids(catalog().sort(key))) == sorted(ids(MODELS))


def test_select_combines_search_filter_sort_limit() -> None:
    c = catalog()
    assert ids(c.select(query="mini", capability="vision", sort="price")) == [
        "openai/gpt-4o-mini",
        "google/gemini-2.5-flash",
        "openai/gpt-4.1-mini",
    ]
    assert len(c.select(query="mini", limit=1)) == 1


# -- endpoints and derived figures ----------------------------------------------------------


def test_endpoints_unknown_versus_none() -> None:
    c = catalog()
    assert c.endpoints_of("openai/gpt-4.1-mini") == (AZURE, OPENAI)
    assert c.endpoints_of("openai/o4-mini") == ()  # fetched: the gateway lists none
    assert c.endpoints_of("minimax/minimax-m2") is None  # not fetched yet
    assert c.provider_count(c.get("openai/o4-mini")) == 0  # type: ignore[arg-type]
    assert c.provider_count(c.get("minimax/minimax-m2")) is None  # type: ignore[arg-type]
    assert c.providers() == ("azure", "openai")


def test_endpoints_for_unlisted_models_are_ignored_and_relisting_keeps_known_ones() -> None:
    c = catalog().with_endpoints("nobody/none", [GROQ])
    assert c.endpoints_of("nobody/none") is None
    relisted = c.with_models(MODELS[:4])
    assert relisted.endpoints_of("openai/gpt-4.1-mini") == (AZURE, OPENAI)
    assert "openai/gpt-4o-mini" not in relisted


def test_prices_fall_back_to_the_cheapest_endpoint() -> None:
    c = catalog().with_endpoints("perplexity/sonar", [AZURE, GROQ])
    sonar = c.get("perplexity/sonar")
    assert sonar is not None and sonar.prices is None
    assert c.prices(sonar) == GROQ.prices
    assert c.prices_for("openai/gpt-4.1-mini", "openai") == OPENAI.prices
    assert c.prices_for("openai/gpt-4.1-mini", "nobody") == MODELS[3].prices
    assert c.prices_for("openai/gpt-4.1-mini", None) == MODELS[3].prices
    assert c.prices_for("nobody/none", None) is None


def test_first_listing_of_a_repeated_id_wins() -> None:
    c = Catalog([Model("a/b", "first"), Model("a/b", "second")])
    assert len(c) == 1
    assert c.get("a/b") == Model("a/b", "first")


def test_capability_labels_are_short_and_unknown_tags_pass_through() -> None:
    assert all(len(label) <= 10 for label in CAPABILITY_LABELS.values())
    assert capability_label("tool-use") == "tools"
    assert capability_label("brand-new") == "brand-new"


def test_unknown_sort_key_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown sort key"):
        catalog().sort("popularity")  # type: ignore[arg-type]
