"""Answers to prompts people actually try first, written out like a good model would.

Each recogniser returns a `Canned` answer: the full Markdown and a one-sentence version for a
system prompt that asks for brevity. `recognise` tries them in order; None means the prompt
is not one of these and `text.compose` writes an answer from the prompt's own words.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from random import Random


@dataclass(frozen=True, slots=True)
class Canned:
    """A ready answer."""

    full: str
    short: str


@dataclass(frozen=True, slots=True)
class Context:
    """What a recogniser may use besides the prompt."""

    model_name: str
    model_id: str
    provider: str
    rng: Random


SKY = """## Why the sky is blue

The short answer is **Rayleigh scattering**: the molecules in the air scatter short \
wavelengths of sunlight much more strongly than long ones, so blue light reaches your eyes \
from every direction of the sky.

### What happens to sunlight

1. **Sunlight is a mix of colours.** White light contains every visible wavelength, from \
violet (about 400 nm) to red (about 700 nm).
2. **Air molecules are tiny.** Nitrogen and oxygen molecules are far smaller than the \
wavelength of light, which is exactly the regime where Rayleigh scattering applies.
3. **Scattering depends on wavelength.** The intensity of scattered light goes as \
1/λ⁴, so halving the wavelength makes scattering 16 times stronger.
4. **Blue wins.** Blue light (around 450 nm) is scattered roughly 5.5 times more than red \
light (around 700 nm), so the scattered light filling the sky is dominated by blue.

| Colour | Wavelength | Scattering relative to red |
|---|---|---|
| Violet | 400 nm | ≈ 9.4× |
| Blue | 450 nm | ≈ 5.9× |
| Green | 530 nm | ≈ 3.0× |
| Red | 700 nm | 1× |

### Why not violet?

Violet is scattered even more than blue, but three things tip the balance:

- the Sun emits less violet than blue light;
- some violet is absorbed high in the atmosphere;
- our eyes are much less sensitive to violet, and the mix of wavelengths we do see reads as \
sky blue.

### Why sunsets are red

At sunrise and sunset, sunlight crosses far more air before it reaches you. Most of the \
blue is scattered out of the direct beam along the way, so what remains is orange and red, \
which is why the Sun and the clouds near it glow warm colours.

> The same physics explains why distant mountains look bluish and why the sky on Mars, with \
its thin, dusty atmosphere, looks butterscotch by day and blue at sunset.
"""

SKY_SHORT = (
    "The sky looks blue because air molecules scatter short-wavelength blue light far more "
    "than red light (Rayleigh scattering, proportional to 1/λ⁴), so blue reaches you from "
    "every direction."
)

RECURSION = """## Recursion, explained

**Recursion** is when a function solves a problem by calling itself on a smaller version of \
the same problem. Every recursive function needs two parts:

1. **A base case**: an input small enough to answer directly, which stops the recursion.
2. **A recursive case**: a step that reduces the problem and calls the function again.

Here is the classic example, the factorial of *n*:

```python
def factorial(n: int) -> int:
    \"\"\"Return n! for n >= 0.\"\"\"
    if n <= 1:          # base case
        return 1
    return n * factorial(n - 1)   # recursive case: a smaller problem


print(factorial(5))  # 120
```

Calling `factorial(5)` unfolds like this:

| Call | Returns |
|---|---|
| `factorial(5)` | `5 * factorial(4)` |
| `factorial(4)` | `4 * factorial(3)` |
| `factorial(3)` | `3 * factorial(2)` |
| `factorial(2)` | `2 * factorial(1)` |
| `factorial(1)` | `1` (base case) |

### Things to watch

- **Stack depth.** Each call uses a stack frame; Python stops at about 1,000 by default, so \
deep recursion raises `RecursionError`.
- **Repeated work.** Naive recursive Fibonacci recomputes the same values exponentially \
often; memoisation (`functools.cache`) fixes that.
- **When to prefer a loop.** If the recursion is a simple countdown, a loop is usually \
clearer and faster.

Recursion shines on naturally recursive data: trees, nested lists, file systems and \
divide-and-conquer algorithms such as merge sort.
"""

RECURSION_SHORT = (
    "Recursion is a function solving a problem by calling itself on a smaller instance, "
    "stopping at a base case."
)

JOKES = (
    "Why do programmers prefer dark mode?\n\nBecause light attracts bugs. 🐛",
    "I told my computer I needed a break.\n\nNow it won't stop sending me *KitKat* ads.",
    "There are only 10 kinds of people in the world: those who understand binary and those "
    "who don't.",
    "A SQL query walks into a bar, walks up to two tables and asks:\n\n*“Can I join you?”*",
    "Why did the developer go broke?\n\nBecause they used up all their **cache**.",
)

CAPITALS = {
    "france": "Paris",
    "germany": "Berlin",
    "italy": "Rome",
    "spain": "Madrid",
    "japan": "Tokyo",
    "canada": "Ottawa",
    "australia": "Canberra",
    "brazil": "Brasília",
    "egypt": "Cairo",
    "india": "New Delhi",
    "china": "Beijing",
    "mexico": "Mexico City",
    "kenya": "Nairobi",
    "norway": "Oslo",
    "portugal": "Lisbon",
    "switzerland": "Bern",
    "the united states": "Washington, D.C.",
    "the uk": "London",
    "the united kingdom": "London",
}

_OPS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _evaluate(node: ast.AST) -> float:
    """Arithmetic only: numbers and + - * / // % ** with small exponents."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            raise ValueError("exponent too large")
        return _OPS[type(node.op)](left, right)
    raise ValueError("not arithmetic")


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return f"{value:,}"


def _arithmetic(prompt: str, ctx: Context) -> Canned | None:
    match = re.fullmatch(
        r"(?:what(?:'s| is)|calculate|compute|how much is)?\s*([-+*/%().\d\s^x×÷]+?)\s*[?=.!]*",
        prompt.lower(),
    )
    if not match or not re.search(r"\d\s*[-+*/%^x×÷]", match.group(1)):
        return None
    expression = match.group(1).replace("^", "**").replace("×", "*").replace("÷", "/")
    expression = re.sub(r"(?<=\d)\s*x\s*(?=\d)", "*", expression)
    try:
        value = _evaluate(ast.parse(expression.strip(), mode="eval"))
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError):
        return None
    shown = " ".join(match.group(1).split())
    result = _number(value)
    return Canned(f"{shown} = **{result}**", f"{shown} = {result}")


def _count(prompt: str, ctx: Context) -> Canned | None:
    match = re.search(r"\bcount (?:from (\d+) )?(?:up )?to (\d+)", prompt.lower())
    if not match:
        return None
    start, end = int(match.group(1) or 1), int(match.group(2))
    if end < start or end - start > 10_000:
        return None
    numbers = ", ".join(str(n) for n in range(start, end + 1))
    return Canned(numbers + ".", numbers + ".")


def _greeting(prompt: str, ctx: Context) -> Canned | None:
    if not re.fullmatch(
        r"(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|say hello|greetings)"
        r"(?: there)?[\s!.?]*",
        prompt.lower(),
    ):
        return None
    options = (
        "Hello! How can I help you today?",
        "Hi there! What would you like to work on?",
        "Hey! 👋 What can I do for you?",
    )
    text = ctx.rng.choice(options)
    return Canned(text, text)


def _thanks(prompt: str, ctx: Context) -> Canned | None:
    if not re.fullmatch(
        r"(?:thanks|thank you|thx|cheers|great,? thanks)[\s\w!.]{0,20}", prompt.lower()
    ):
        return None
    text = "You're welcome! Let me know if there's anything else you'd like to dig into."
    return Canned(text, "You're welcome!")


def _identity(prompt: str, ctx: Context) -> Canned | None:
    if not re.search(r"\b(?:who are you|what (?:model|llm) are you|which model)\b", prompt.lower()):
        return None
    full = (
        f"I'm **{ctx.model_name}** (`{ctx.model_id}`), answering through Gateway Playground's "
        f"**simulated gateway**, routed to the `{ctx.provider}` provider.\n\n"
        "Everything here is generated locally: the answers, the timings and the costs follow "
        "the catalog's published figures, so you can try the app without a key. Add a real "
        "gateway key to talk to real models."
    )
    short = f"I'm {ctx.model_name} on the simulated gateway, served by {ctx.provider}."
    return Canned(full, short)


def _sky(prompt: str, ctx: Context) -> Canned | None:
    if re.search(r"\bsky\b.*\bblue\b|\bblue\b.*\bsky\b", prompt.lower()):
        return Canned(SKY, SKY_SHORT)
    return None


def _recursion(prompt: str, ctx: Context) -> Canned | None:
    if re.search(r"\b(?:explain|what is|what's|teach me)\b.*\brecursion\b", prompt.lower()):
        return Canned(RECURSION, RECURSION_SHORT)
    return None


def _joke(prompt: str, ctx: Context) -> Canned | None:
    if not re.search(r"\bjoke\b", prompt.lower()):
        return None
    text = ctx.rng.choice(JOKES)
    return Canned(text, text.split("\n")[0])


_LIVE = re.compile(
    r"\b(?P<what>weather|forecast|stock price|share price|exchange rate|latest news|"
    r"news today|score)\b(?:.*?\b(?:in|for|of|at)\s+(?P<place>[A-Za-z][\w .'-]*))?",
    re.IGNORECASE,
)


_ASKS_NOW = re.compile(
    r"^\W*(?:what(?:'s| is| are| will)|how(?:'s| is)|tell me|give me|check|get|is it)\b",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:today|tomorrow|right now|now|current(?:ly)?|tonight|this week)\b", re.I)


def _live_data(prompt: str, ctx: Context) -> Canned | None:
    """Weather, prices, news: what a model cannot know without a tool."""
    match = _LIVE.search(prompt)
    if not match or not (_ASKS_NOW.search(prompt) or _NOW.search(prompt)):
        return None  # "Explain how weather forecasts are made" is not a lookup
    what = match.group("what").lower()
    place = (match.group("place") or "").strip(" ?.!")
    place = re.sub(r"\s+(?:today|tomorrow|right now|now|tonight|this week)$", "", place)
    where = f" for {place}" if place else ""
    tool = "add the `get_weather` example" if what in ("weather", "forecast") else "add a tool"
    full = (
        f"I can't look that up: I don't have access to live data, so I can't tell you the "
        f"current {what}{where}.\n\n"
        f"- A dedicated service will have it up to date (for the {what}, the one you usually "
        f"use, or a quick web search).\n"
        f"- In this playground you can give me a tool for it: press **f8**, {tool}, and ask "
        f"again. I'll call the tool, you answer with its result, and I'll take it from there."
    )
    return Canned(full, f"I don't have live data, so I can't tell you the current {what}{where}.")


PHRASEBOOK: dict[str, dict[str, str]] = {
    "hello": {"french": "Bonjour", "spanish": "Hola", "german": "Hallo", "italian": "Ciao",
              "portuguese": "Olá", "japanese": "こんにちは (konnichiwa)"},
    "good morning": {"french": "Bonjour", "spanish": "Buenos días", "german": "Guten Morgen",
                     "italian": "Buongiorno", "portuguese": "Bom dia",
                     "japanese": "おはようございます (ohayō gozaimasu)"},
    "good night": {"french": "Bonne nuit", "spanish": "Buenas noches", "german": "Gute Nacht",
                   "italian": "Buona notte", "portuguese": "Boa noite",
                   "japanese": "おやすみなさい (oyasuminasai)"},
    "thank you": {"french": "Merci", "spanish": "Gracias", "german": "Danke",
                  "italian": "Grazie", "portuguese": "Obrigado / Obrigada",
                  "japanese": "ありがとうございます (arigatō gozaimasu)"},
    "how are you": {"french": "Comment allez-vous ? (Ça va ? with friends)",
                    "spanish": "¿Cómo estás?", "german": "Wie geht es dir?",
                    "italian": "Come stai?", "portuguese": "Como você está?",
                    "japanese": "お元気ですか (o-genki desu ka)"},
    "goodbye": {"french": "Au revoir", "spanish": "Adiós", "german": "Auf Wiedersehen",
                "italian": "Arrivederci", "portuguese": "Adeus / Tchau",
                "japanese": "さようなら (sayōnara)"},
}  # fmt: skip
_TRANSLATE = re.compile(
    r"\btranslate\s+[\"'“‘]?(?P<phrase>[a-z ]+?)[\"'”’]?\s+(?:in)?to\s+(?P<lang>[a-z]+)",
    re.IGNORECASE,
)


def _translate(prompt: str, ctx: Context) -> Canned | None:
    """Common phrases into common languages."""
    match = _TRANSLATE.search(prompt)
    if not match:
        return None
    phrase, lang = match.group("phrase").strip().lower(), match.group("lang").lower()
    translated = PHRASEBOOK.get(phrase, {}).get(lang)
    if translated is None:
        return None
    full = f'In {lang.title()}, "{phrase}" is **{translated}**.'
    if lang == "french" and phrase == "good morning":
        full += " In the evening you'd switch to *Bonsoir*."
    return Canned(full, full.replace("**", ""))


def _capital(prompt: str, ctx: Context) -> Canned | None:
    match = re.search(r"capital (?:city )?of ([a-z .]+?)[?.!]*$", prompt.lower())
    if not match or match.group(1).strip() not in CAPITALS:
        return None
    country = match.group(1).strip()
    city = CAPITALS[country]
    name = country[4:].upper() if country.startswith("the u") else country.title()
    name = ("the " + name) if country.startswith("the ") else name
    full = f"The capital of {name} is **{city}**."
    return Canned(full, full.replace("**", ""))


def _meaning_of_life(prompt: str, ctx: Context) -> Canned | None:
    if "meaning of life" not in prompt.lower():
        return None
    full = (
        "According to *The Hitchhiker's Guide to the Galaxy*, it's **42**.\n\n"
        "Less flippantly, people have answered it in a few broad ways:\n\n"
        "- **Religious** traditions locate meaning in a relationship with the divine.\n"
        "- **Existentialists** such as Sartre and Camus argue that meaning isn't given; we "
        "make it through our choices.\n"
        "- **Humanist** views find it in relationships, curiosity and reducing suffering.\n\n"
        "Many people end up with a mix: meaning found in the people they love, the work they "
        "care about and the things they're curious about."
    )
    return Canned(full, "Famously 42; less flippantly, whatever meaning you make of it.")


RECOGNISERS: tuple[Callable[[str, Context], Canned | None], ...] = (
    _greeting,
    _thanks,
    _identity,
    _arithmetic,
    _count,
    _sky,
    _recursion,
    _joke,
    _capital,
    _translate,
    _meaning_of_life,
    _live_data,
)


def recognise(prompt: str, ctx: Context) -> Canned | None:
    """A canned answer for `prompt`, if it is one of the prompts people try first."""
    text = " ".join(prompt.split())
    if not text:
        return None
    for recogniser in RECOGNISERS:
        answer = recogniser(text, ctx)
        if answer is not None:
            return answer
    return None
