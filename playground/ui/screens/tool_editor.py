"""The tool editor: define the functions a model may call, and whether it must call one.

On the left, the tools (each with its parameters), the ready-made examples (one key each) and
the tool choice; on the right, the form of the tool being edited: its name, its description,
and its parameters' JSON schema, checked as it is typed (`core.tool_schema`: a JSON syntax
error or a schema shape problem, each with its line and column). ``ctrl+s`` saves the form
into the list; Escape closes the editor with the list as it stands (a form with unsaved
changes asks for a second Escape first).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from playground.core.request import Tool, ToolChoice
from playground.core.sanitize import safe_line
from playground.core.tool_examples import EXAMPLE_TOOLS, ExampleTool
from playground.core.tool_schema import (
    Problem,
    ToolDefinitionError,
    build_tool,
    name_problems,
    parse_schema,
    schema_text,
)

MUTED = "$text-muted"
NEW_SCHEMA = '{\n  "type": "object",\n  "properties": {\n  },\n  "required": []\n}'
"""What a new tool's schema starts as."""
CHOICES: tuple[tuple[str, str], ...] = (
    ("auto", "auto: the model decides"),
    ("none", "none: never call a tool"),
    ("required", "required: must call one"),
)


@dataclass(frozen=True, slots=True)
class ToolSettings:
    """The tools sent with each request, and the tool choice (None: not sent, so ``auto``)."""

    tools: tuple[Tool, ...] = ()
    tool_choice: ToolChoice | None = None


def tool_summary(tool: Tool) -> Content:
    """``get_weather  city, unit``: a tool's name and its parameters, for the list."""
    properties = tool.parameters.get("properties")
    names = list(properties) if isinstance(properties, dict) else []
    params = ", ".join(safe_line(str(n), 20) for n in names[:4]) + (" …" if len(names) > 4 else "")
    return Content.assemble(
        (safe_line(tool.name, 40), "bold"), ("  " + (params or "no parameters"), MUTED)
    )


def choice_label(settings: ToolSettings) -> str:
    """``Tools (2)`` for the prompt editor's button."""
    count = len(settings.tools)
    return f"Tools ({count})" if count else "Tools"


class ToolList(OptionList):
    """The defined tools. Letters act on the list: n new, d delete, and one per example."""

    BINDINGS = [
        Binding("n", "screen.new_tool", "New", tooltip="Start a new tool."),
        Binding("d,delete", "screen.delete_tool", "Delete", tooltip="Delete this tool."),
        *(
            Binding(e.key, f"screen.add_example('{e.tool.name}')", f"+{e.tool.name}", show=False)
            for e in EXAMPLE_TOOLS
        ),
    ]


class ToolEditor(ModalScreen[ToolSettings | None]):
    """Dismisses with the tool settings as they stand when it is closed."""

    DEFAULT_CSS = """
    ToolEditor { align: center middle; }
    ToolEditor > #tool-editor {
        width: 120; max-width: 98%; height: 40; max-height: 98%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    ToolEditor .title { text-style: bold; }
    ToolEditor #tool-body { height: 1fr; margin-top: 1; }
    ToolEditor #tool-left { width: 40; padding-right: 1; }
    ToolEditor #tool-list { height: 1fr; min-height: 4; }
    ToolEditor #tool-empty { color: $text-muted; height: auto; }
    ToolEditor .section { color: $text-muted; margin-top: 1; }
    ToolEditor .row { height: auto; }
    ToolEditor .row Button { margin-right: 1; }
    ToolEditor .example { width: 100%; margin-bottom: 0; }
    ToolEditor #tool-form { width: 1fr; }
    ToolEditor #tool-form Label { color: $text-muted; }
    ToolEditor #tool-schema { height: 1fr; min-height: 8; }
    ToolEditor #tool-problems { color: $text-error; height: auto; max-height: 6; }
    ToolEditor #tool-problems.-ok { color: $text-success; }
    ToolEditor #tool-footer { height: 1; margin-top: 1; }
    ToolEditor #tool-hint { width: 1fr; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save_tool", "Save tool", tooltip="Save the form into the list."),
        Binding("escape", "close", "Close", tooltip="Close the editor."),
    ]

    def __init__(self, settings: ToolSettings = ToolSettings()) -> None:
        super().__init__()
        self.tools: list[Tool] = list(settings.tools)
        self.tool_choice: ToolChoice | None = settings.tool_choice
        self._editing: int | None = None
        """Index of the tool in the form; None for a new one."""
        self._loaded: tuple[str, str, str] = ("", "", NEW_SCHEMA)
        """The form as last loaded or saved (to tell unsaved changes)."""
        self._close_armed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="tool-editor"):
            yield Static("Tools: functions the model may call", classes="title")
            with Horizontal(id="tool-body"):
                with Vertical(id="tool-left"):
                    yield ToolList(id="tool-list")
                    yield Static("", id="tool-empty")
                    with Horizontal(classes="row"):
                        yield Button("New n", id="tool-new", compact=True)
                        yield Button("Delete d", id="tool-delete", compact=True)
                    yield Static("Examples (a key adds one):", classes="section")
                    for example in EXAMPLE_TOOLS:
                        yield Button(
                            f"+ {example.tool.name}  {example.key}",
                            id=f"example-{example.tool.name}",
                            classes="example",
                            compact=True,
                        )
                    yield Static("Tool choice:", classes="section")
                    yield Select[str](
                        [], prompt="default (not sent: auto)", id="tool-choice", compact=True
                    )
                with Vertical(id="tool-form"):
                    yield Label("Name")
                    yield Input(placeholder="get_weather", id="tool-name", compact=True)
                    yield Label("Description (tells the model when to call it)")
                    yield Input(
                        placeholder="Get the current weather for a city.",
                        id="tool-description",
                        compact=True,
                    )
                    yield Label("Parameters: a JSON schema of type object")
                    yield TextArea(
                        NEW_SCHEMA,
                        id="tool-schema",
                        show_line_numbers=True,
                        soft_wrap=False,
                    )
                    yield Static("", id="tool-problems")
                    with Horizontal(classes="row"):
                        yield Button(
                            "Save tool ^s", id="tool-save", variant="primary", compact=True
                        )
            with Horizontal(id="tool-footer"):
                yield Static(
                    "Tools go with every message. Esc closes.", id="tool-hint", markup=False
                )
                yield Button("Done", id="tool-done", compact=True)

    def on_mount(self) -> None:
        self._refresh_list()
        self._refresh_choice()
        self._load(0 if self.tools else None)
        self.query_one(ToolList).focus()

    # -- the list ----------------------------------------------------------------------------

    def _refresh_list(self, highlight: int | None = None) -> None:
        options = self.query_one(ToolList)
        options.set_options(Option(tool_summary(t), id=str(i)) for i, t in enumerate(self.tools))
        if highlight is not None and self.tools:
            options.highlighted = min(highlight, len(self.tools) - 1)
        empty = self.query_one("#tool-empty", Static)
        empty.update(
            ""
            if self.tools
            else "No tools yet: press n for a new one, or a key below to add an example."
        )

    def _refresh_choice(self) -> None:
        select = self.query_one("#tool-choice", Select)
        options: list[tuple[Text, str]] = [(Text(label), value) for value, label in CHOICES]
        options += [(Text(f"only {safe_line(t.name, 40)}"), t.name) for t in self.tools]
        values = {value for _, value in options}
        if self.tool_choice is not None and self.tool_choice not in values:
            self.tool_choice = None  # the tool it named is gone
        select.set_options(options)
        select.value = self.tool_choice if self.tool_choice is not None else Select.NULL

    @on(OptionList.OptionHighlighted, "#tool-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if index != self._editing and not self.form_dirty:
            self._load(index)

    @on(OptionList.OptionSelected, "#tool-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index != self._editing:
            self._load(event.option_index)
        self.query_one("#tool-name", Input).focus()

    @on(Select.Changed, "#tool-choice")
    def _choice_changed(self, event: Select.Changed) -> None:
        value = event.value
        self.tool_choice = value if isinstance(value, str) else None

    # -- the form ----------------------------------------------------------------------------

    def _form(self) -> tuple[str, str, str]:
        return (
            self.query_one("#tool-name", Input).value,
            self.query_one("#tool-description", Input).value,
            self.query_one("#tool-schema", TextArea).text,
        )

    @property
    def form_dirty(self) -> bool:
        """The form differs from what was last loaded or saved."""
        return self._form() != self._loaded

    def _load(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.tools):
            values = ("", "", NEW_SCHEMA)
            index = None
        else:
            tool = self.tools[index]
            values = (tool.name, tool.description, schema_text(tool))
        self._editing = index
        self._fill(values)

    def _fill(self, values: tuple[str, str, str]) -> None:
        name, description, schema = values
        self.query_one("#tool-name", Input).value = name
        self.query_one("#tool-description", Input).value = description
        self.query_one("#tool-schema", TextArea).text = schema
        self._loaded = values
        self._show_problems(self._check(values), saved=None)

    def _check(self, values: tuple[str, str, str]) -> list[Problem]:
        name, _, schema = values
        others = [t.name for i, t in enumerate(self.tools) if i != self._editing]
        problems = name_problems(name.strip(), others) if name.strip() else []
        problems += parse_schema(schema)[1]
        return problems

    @on(Input.Changed, "#tool-name")
    @on(TextArea.Changed, "#tool-schema")
    def _form_changed(self) -> None:
        self._close_armed = False
        self._show_problems(self._check(self._form()), saved=None)

    def _show_problems(self, problems: list[Problem], *, saved: str | None) -> None:
        box = self.query_one("#tool-problems", Static)
        if saved is not None:
            box.update(Content(f"✓ Saved {safe_line(saved, 60)}."))
        elif problems:
            lines = [f"✗ {p.field}: {p}" for p in problems[:4]]
            if len(problems) > 4:
                lines.append(f"… and {len(problems) - 4} more")
            box.update(Content("\n".join(lines)))
        else:
            box.update(Content("✓ The schema is valid."))
        box.set_class(not problems, "-ok")

    # -- actions -------------------------------------------------------------------------------

    def action_save_tool(self) -> None:
        name, description, schema = self._form()
        others = [t.name for i, t in enumerate(self.tools) if i != self._editing]
        try:
            tool = build_tool(name, description, schema, others=others)
        except ToolDefinitionError as exc:
            self._show_problems(exc.problems, saved=None)
            self._focus_problem(exc.problems[0])
            return
        if self._editing is None:
            self.tools.append(tool)
            self._editing = len(self.tools) - 1
        else:
            self.tools[self._editing] = tool
        if name != tool.name:
            self.query_one("#tool-name", Input).value = tool.name
        if description != tool.description:
            self.query_one("#tool-description", Input).value = tool.description
        self._loaded = (tool.name, tool.description, schema)
        self._refresh_list(highlight=self._editing)
        self._refresh_choice()
        self._show_problems([], saved=tool.name)

    def _focus_problem(self, problem: Problem) -> None:
        if problem.field == "name":
            self.query_one("#tool-name", Input).focus()
            return
        area = self.query_one("#tool-schema", TextArea)
        area.focus()
        if problem.line is not None and problem.column is not None:
            area.move_cursor((problem.line - 1, problem.column - 1))

    def action_new_tool(self) -> None:
        if self.form_dirty:
            self.notify(
                "The form has unsaved changes: ctrl+s saves them first.", severity="warning"
            )
            return
        self._load(None)
        self.query_one(ToolList).highlighted = None
        self.query_one("#tool-name", Input).focus()

    def action_delete_tool(self) -> None:
        index = self.query_one(ToolList).highlighted
        if index is None or not 0 <= index < len(self.tools):
            return
        removed = self.tools.pop(index)
        self._editing = None
        self._refresh_list(highlight=index)
        self._refresh_choice()
        self._load(self.query_one(ToolList).highlighted)
        self.notify(f"Deleted {safe_line(removed.name, 60)}.", markup=False, timeout=3)

    def action_add_example(self, name: str) -> None:
        example = next((e for e in EXAMPLE_TOOLS if e.tool.name == name), None)
        if example is not None:
            self.add_example(example)

    def add_example(self, example: ExampleTool) -> None:
        """Add a ready-made tool (or point at it when it is already there)."""
        names = [t.name for t in self.tools]
        if example.tool.name in names:
            index = names.index(example.tool.name)
            self.notify(f"{example.tool.name} is already defined.", timeout=3)
        else:
            self.tools.append(example.tool)
            index = len(self.tools) - 1
            self.notify(
                f"Added {example.tool.name}. Try: {example.prompt}", markup=False, timeout=6
            )
        self._refresh_list(highlight=index)
        self._refresh_choice()
        if not self.form_dirty:
            self._load(index)

    def action_close(self) -> None:
        if self.form_dirty and not self._close_armed:
            self._close_armed = True
            self.notify(
                "The form has unsaved changes: ctrl+s saves them, Esc again closes without.",
                severity="warning",
            )
            return
        self.dismiss(ToolSettings(tuple(self.tools), self.tool_choice))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button == "tool-new":
            self.action_new_tool()
        elif button == "tool-delete":
            self.action_delete_tool()
        elif button == "tool-save":
            self.action_save_tool()
        elif button == "tool-done":
            self.action_close()
        elif button.startswith("example-"):
            self.action_add_example(button.removeprefix("example-"))
