"""The provider list: who serves the current model, at what price and how fast, and which one
requests are pinned to.

The first row is always "auto" (let the gateway route); then one row per endpoint: the
provider, its price in/out per million tokens, its cache-read price (``⟳$0.10`` in a narrow
pane), and the published P50 time to first token, throughput and uptime. The pinned row is
marked ●; an inactive endpoint is marked ◌ and dimmed. Enter or a click pins a row and posts
`ProviderList.Picked` (with None for auto). While the model's endpoints are unknown the list
says "loading providers…"; when the gateway lists none, "no provider listed".

A row is one line when the pane is wide enough for every column; in a narrower pane the
figures go on a second line, keeping only those that fit (down to a 28-column pane). Figures
the gateway does not publish are "?" in the wide layout and left out of the narrow one; an
unknown price is "?", never "$0".

The screen pushes data in with `show`; the list never fetches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from playground.core import format as fmt
from playground.core.catalog import Endpoint
from playground.core.sanitize import safe_line
from playground.ui.widgets.fitted_lines import FittedLines, fit, fit_right, truncate
from playground.ui.widgets.model_picker import price_text

MUTED = "$text-muted"

PINNED = "● "
UNPINNED = "○ "
INACTIVE = "◌ "

NAME_MIN_WIDTH = 12
"""The narrowest provider column a one-line row accepts."""
COLUMNS = (13, 12, 12, 11, 9)
"""Cells of the one-line layout's columns: price, cache, TTFT, throughput, uptime."""
ONE_LINE_FIGURES = sum(2 + width for width in COLUMNS)

AUTO_LABEL = "auto"
AUTO_NOTE = "let the gateway route"


def short_seconds(value: float) -> str:
    """``0.70 s``: two decimals are enough for a published median."""
    return f"{value:.2f} s" if value < 10 else fmt.seconds(value)


def short_rate(value: float) -> str:
    return f"{value:.0f} tok/s" if value >= 10 else f"{value:.1f} tok/s"


@dataclass(frozen=True, slots=True)
class Figures:
    """One endpoint's published figures, as text (None: not published)."""

    cache: str | None
    """The cache-read price per million tokens: ``$0.10``."""
    ttft: str | None
    throughput: str | None
    uptime: str | None

    @classmethod
    def of(cls, endpoint: Endpoint) -> Figures:
        cache, ttft = endpoint.prices.cache_read, endpoint.ttft_p50_s
        throughput, uptime = endpoint.throughput_p50, endpoint.uptime_pct
        return cls(
            cache=None if cache is None else fmt.per_million(cache),
            ttft=None if ttft is None else f"TTFT {short_seconds(ttft)}",
            throughput=None if throughput is None else short_rate(throughput),
            uptime=None if uptime is None else f"{fmt.percent(uptime)} up",
        )

    def columns(self) -> tuple[str, str, str, str]:
        """Cache, TTFT, throughput and uptime for the one-line layout, "?" when unknown."""
        unknown = fmt.UNKNOWN
        return (
            f"cache {self.cache or unknown}",
            self.ttft or f"TTFT {unknown}",
            self.throughput or f"{unknown} tok/s",
            self.uptime or f"{unknown} up",
        )


def one_line(width: int) -> bool:
    return width >= 2 + NAME_MIN_WIDTH + ONE_LINE_FIGURES


def endpoint_lines(endpoint: Endpoint, *, pinned: bool, width: int) -> list[Content]:
    """One endpoint's row laid out for `width` cells.

    Wide: every column on one line. Narrow: ``● azure   $0.40/$1.60 ⟳$0.10`` then
    ``  TTFT 0.70 s  92 tok/s  99.9% up``, keeping what fits, in that order.
    """
    active = endpoint.active
    marker = (PINNED, "bold $accent") if pinned else (UNPINNED if active else INACTIVE, MUTED)
    name = safe_line(endpoint.display_name, 80)
    if not active:
        name += " (inactive)"
    name_style = "bold" if pinned else ""
    price = price_text(endpoint.prices)
    figures = Figures.of(endpoint)
    if one_line(width):
        cells = [price, *figures.columns()]
        columns = [fit_right(text, cell) for text, cell in zip(cells, COLUMNS, strict=True)]
        lines = [
            Content.assemble(
                marker,
                (fit(name, width - 2 - ONE_LINE_FIGURES), name_style),
                *(("  " + column, MUTED if index else "") for index, column in enumerate(columns)),
            )
        ]
    else:
        lines = _two_lines(marker, name, name_style, price, figures, width)
    if not active and not pinned:  # the whole row recedes; a pinned one keeps its colours
        lines = [Content.styled(line.plain, "$text-disabled") for line in lines]
    return lines


def _two_lines(
    marker: tuple[str, str],
    name: str,
    name_style: str,
    price: str,
    figures: Figures,
    width: int,
) -> list[Content]:
    cache = f" ⟳{figures.cache}" if figures.cache else ""
    before: list[str] = []
    after: list[str] = []
    name_width = width - 2 - 1 - len(price) - len(cache)
    if name_width < 8 and cache:  # the cache price moves down before the name shrinks
        after.append(f"cache {figures.cache}")
        cache = ""
        name_width = width - 2 - 1 - len(price)
    if name_width >= 6:
        first = Content.assemble(
            marker, (fit(name, name_width), name_style), " ", price, (cache, "$text-accent")
        )
    else:  # too narrow for both: the name first, the price on the figures line
        first = Content.assemble(marker, (fit(name, width - 2), name_style))
        before.append(price)
    parts = [text for text in (figures.ttft, figures.throughput, figures.uptime) if text]
    lines = [truncate(first, width)]
    second = _figures_line([*before, *parts, *after], width)
    if second is not None:
        lines.append(second)
    return lines


def _figures_line(parts: Sequence[str], width: int) -> Content | None:
    """``  TTFT 0.70 s  92 tok/s  99.9% up``: as many parts as fit, in order."""
    text = ""
    for part in parts:
        candidate = f"{text}  {part}" if text else part
        if 2 + len(candidate) > width:
            break
        text = candidate
    if not text:
        return None
    return Content.styled("  " + text, MUTED)


def auto_row(*, pinned: bool) -> FittedLines:
    marker = (PINNED, "bold $accent") if pinned else (UNPINNED, MUTED)
    content = Content.assemble(
        marker, (AUTO_LABEL, "bold" if pinned else ""), (f"  {AUTO_NOTE}", MUTED)
    )
    return FittedLines(lambda width: [truncate(content, width)], height=lambda _: 1)


def endpoint_row(endpoint: Endpoint, *, pinned: bool) -> FittedLines:
    return FittedLines(lambda width: endpoint_lines(endpoint, pinned=pinned, width=width))


def unlisted_row(provider: str, *, listed: bool) -> FittedLines:
    """The pinned provider when it is not among the model's endpoints (or they are loading)."""
    note = "" if not listed else "  not listed for this model"
    content = Content.assemble(
        (PINNED, "bold $accent"), (safe_line(provider, 80), "bold"), (note, "$text-warning")
    )
    return FittedLines(lambda width: [truncate(content, width)], height=lambda _: 1)


def notice_row(text: str, style: str = MUTED) -> FittedLines:
    content = Content.styled(text, style)
    return FittedLines(lambda width: [truncate(content, width)], height=lambda _: 1)


class ProviderList(Vertical):
    """The current model's providers and "auto"; picking one pins it."""

    DEFAULT_CSS = """
    ProviderList { height: auto; }
    ProviderList > #provider-title {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ProviderList > #provider-options {
        width: 100%;
        height: auto;
        border: none;
        padding: 0;
        scrollbar-size-vertical: 1;
    }
    ProviderList > #provider-options > .option-list--option { padding: 0 1; }
    """

    @dataclass
    class Picked(Message):
        """The user pinned a provider, or chose auto (`provider` None)."""

        provider_list: ProviderList
        provider: str | None

        @property
        def control(self) -> ProviderList:
            return self.provider_list

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes, disabled=disabled)
        self._model_id: str | None = None
        self._endpoints: tuple[Endpoint, ...] | None = None
        self._pinned: str | None = None
        self._error = ""
        self._rows: list[str | None] = []
        """The provider each option pins (None: auto), in order; notices are left out."""

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="provider-title", markup=False)
        yield OptionList(id="provider-options", markup=False)

    def on_mount(self) -> None:
        self._rebuild()

    @property
    def model_id(self) -> str | None:
        return self._model_id

    @property
    def endpoints(self) -> tuple[Endpoint, ...] | None:
        """The endpoints shown: None while loading, ``()`` when the gateway lists none."""
        return self._endpoints

    @property
    def pinned(self) -> str | None:
        """The pinned provider's slug; None for auto."""
        return self._pinned

    def show(
        self,
        model_id: str | None,
        endpoints: tuple[Endpoint, ...] | None,
        pinned: str | None = None,
        *,
        error: str = "",
    ) -> None:
        """Show `model_id`'s endpoints (None: still loading) with `pinned` marked.

        Args:
            model_id: The model whose providers these are.
            endpoints: Its endpoints; None while they load, ``()`` when none is listed.
            pinned: The provider requests are pinned to; None for auto.
            error: Why the endpoints could not be loaded (shown in place of the list).
        """
        changed_model = model_id != self._model_id
        self._model_id = model_id
        self._endpoints = endpoints
        self._pinned = pinned
        self._error = error
        if self.is_mounted:
            self._rebuild(keep_highlight=not changed_model)

    def pin(self, provider: str | None) -> None:
        """Pin `provider` (None: auto) and post `Picked`, as a click on its row does."""
        self._pinned = provider
        self._rebuild(keep_highlight=True)
        self.post_message(self.Picked(self, provider))

    @on(OptionList.OptionSelected, "#provider-options")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._rows):
            self.pin(self._rows[event.option_index])

    @on(OptionList.OptionHighlighted, "#provider-options")
    def _option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()  # a highlight is not a choice; only Picked leaves this widget

    def _title(self) -> Content:
        endpoints = self._endpoints
        if self._model_id is None:
            note = ""
        elif endpoints is None:
            note = " · loading…"
        else:
            count = len(endpoints)
            note = f" · {count} listed" if count != 1 else " · 1 listed"
        return Content.assemble(("Providers", "bold"), (note, MUTED))

    def _rebuild(self, *, keep_highlight: bool = False) -> None:
        option_list = self.query_one("#provider-options", OptionList)
        previous = option_list.highlighted
        pinned = self._pinned
        endpoints = self._endpoints
        rows: list[str | None] = [None]
        options = [Option(auto_row(pinned=pinned is None))]
        listed = {e.provider for e in endpoints or ()}
        if pinned is not None and pinned not in listed:
            rows.append(pinned)
            options.append(Option(unlisted_row(pinned, listed=endpoints is not None)))
        for endpoint in endpoints or ():
            rows.append(endpoint.provider)
            options.append(Option(endpoint_row(endpoint, pinned=endpoint.provider == pinned)))
        if self._error:
            problem = f"could not load providers: {safe_line(self._error, 200)}"
            options.append(Option(notice_row(problem, "$text-error"), disabled=True))
        elif self._model_id is not None and endpoints is None:
            options.append(Option(notice_row("loading providers…"), disabled=True))
        elif endpoints == ():
            options.append(Option(notice_row("no provider listed"), disabled=True))
        self._rows = rows
        option_list.set_options(options)
        if keep_highlight and previous is not None and previous < len(rows):
            option_list.highlighted = previous
        else:
            option_list.highlighted = rows.index(pinned) if pinned in rows else 0
        self.query_one("#provider-title", Static).update(self._title())
