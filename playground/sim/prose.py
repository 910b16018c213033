"""Answers composed from the prompt's own words, for prompts nobody wrote an answer for.

The shape follows what the prompt asks for (an explanation, steps, a comparison, a list, a
poem or a story) and always exercises the renderer: headings, paragraphs, emphasis, lists,
tables, block quotes and inline code. The sentences are templates filled with the prompt's
topic and keywords, picked with a seeded `random.Random`, so the same prompt gets the same
answer and different prompts get visibly different ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from random import Random

_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours explain describe tell please give write list show compare
    summarize summarise detail details help need want know make use using way ways thing
    things really also like get brief short long quick simple difference differences versus
    vs set setup create build start run find learn work best good new ideas idea tips
    examples reasons haiku poem story verse sonnet limerick essay
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so)[,!]?\s+)?(?:please\s+)?(?:(?:can|could|would|will) you\s+)?"
    r"(?:please\s+)?(?:explain|describe|tell me (?:about|how|why|what)|tell me|"
    r"what (?:is|are|was|were|does|do)|what's|who (?:is|was|are)|how (?:does|do|can|should|"
    r"to|would|is|are)|why (?:is|are|does|do|did)|give me|write(?: me)?|summari[sz]e|list|"
    r"compare|help me(?: understand)?|i (?:want|need) to know)?\b\s*(?:i |we |you )?"
    r"(?:\d+ (?:ideas|tips|ways|reasons|examples) (?:for|to|on|about) )?(?:an?|the|some)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Topic:
    """What a prompt is about."""

    phrase: str
    """A short noun phrase: "the history of the printing press"."""
    keywords: tuple[str, ...]
    """Content words in prompt order, at most six."""

    @property
    def title(self) -> str:
        words = self.phrase.split()
        small = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with", "vs"}
        return " ".join(
            w if (i and w.lower() in small) or not w[:1].islower() else _upper_first(w)
            for i, w in enumerate(words)
        )


def topic_of(prompt: str) -> Topic:
    """The topic of `prompt`: its lead-in ("can you explain…") and punctuation removed."""
    text = " ".join(prompt.split())
    first = re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]
    core = _LEAD.sub("", first).strip(" ?!.:;,")
    words = re.findall(r"[A-Za-z][\w'+#.-]*[\w+#]|[A-Za-z]", text)
    keywords: list[str] = []
    for word in words:
        low = word.lower()
        if low not in STOPWORDS and len(word) > 2 and low not in (k.lower() for k in keywords):
            keywords.append(word)
    if not core or len(core.split()) > 9:
        core = " ".join(keywords[:4]) if keywords else "this topic"
    return Topic(phrase=core, keywords=tuple(keywords[:6]) or ("the basics",))


def _upper_first(word: str) -> str:
    """`word` with its first letter upper case and the rest as typed (HTTP stays HTTP)."""
    return word[:1].upper() + word[1:]


def _code(word: str) -> str:
    """Inline code for identifiers (snake_case, camelCase, dotted names, calls)."""
    if re.search(r"_|\(|\.\w|[a-z][A-Z]", word):
        return f"`{word}`"
    return word


def _pick(rng: Random, options: tuple[str, ...], **values: str) -> str:
    return rng.choice(options).format(**values)


_INTROS = (
    "{Topic} is easiest to understand by starting with {k1}, then looking at how {k2} shapes "
    "the details.",
    "Good question. In short, {topic} comes down to {k1} and {k2}, and to how the two interact.",
    "There are a few ideas that explain most of {topic}; once {k1} clicks, the rest follows.",
    "The short version: it's about {k1} first and {k2} second. The longer version is below.",
)
_POINTS = (
    "{K} sets the baseline: most of what you observe follows from it.",
    "{K} is where the trade-offs show up, especially as things grow.",
    "{K} is easy to overlook, but it decides how well the rest holds together.",
    "measure {k} before changing anything; intuition about it is often wrong.",
    "{K} interacts with everything else, so change it deliberately and one step at a time.",
    "small differences in {k} compound over time, which is why it gets so much attention.",
)
_MIDDLES = (
    "A useful way to think about it: **{k1}** is the cause, and **{k2}** is how the effect "
    "shows up in practice. Keeping the two apart avoids most of the usual confusion.",
    "What people often miss is that {k1} and {k2} pull in different directions. Improving "
    "one usually costs a little of the other, so the right balance depends on what you need.",
    "In practice, *context matters*: the same choice about {k1} can be right in one setting "
    "and wrong in another, depending on {k2}.",
)
_PRACTICE = (
    "Start small: pick one aspect, such as {k1}, check how it behaves in your case, and only "
    "then move on to {k2}.",
    "If you are applying this, write down what you expect to happen with {k1} first. "
    "Comparing that with what actually happens is the fastest way to learn.",
    "A good rule of thumb is to get {k1} right first; problems with {k2} are easier to see "
    "and fix afterwards.",
)
_CLOSINGS = (
    "If you tell me more about your situation, I can go deeper on any of these points.",
    "Want me to expand on {k1}, or walk through a concrete example?",
    "Happy to go into more detail on any part of this.",
)
_WHY = (
    "it determines the overall behaviour",
    "it is where most problems start",
    "it is the easiest lever to adjust",
    "it limits everything downstream",
    "it changes the cost of every later step",
    "it is what people notice first",
)


def _values(topic: Topic) -> dict[str, str]:
    keys = [*topic.keywords, "the details", "the context"]
    k1, k2 = keys[0], keys[1] if len(keys) > 1 else "the context"
    return {
        "topic": topic.phrase,
        "Topic": topic.phrase[:1].upper() + topic.phrase[1:],
        "k1": _code(k1),
        "k2": _code(k2),
    }


def explanation(topic: Topic, rng: Random) -> tuple[str, str]:
    """An explanation with a heading, bullets, a table and a closing line; and its short form."""
    v = _values(topic)
    heading = rng.choice(("Key ideas", "The main points", "What matters most"))
    bullets = []
    points = rng.sample(_POINTS, len(_POINTS))
    for word, point in zip(topic.keywords[:4], points, strict=False):
        sentence = point.format(K=_code(_upper_first(word)), k=_code(word))
        bullets.append(f"- **{_upper_first(word)}**: {sentence[:1].upper()}{sentence[1:]}")
    rows = [
        f"| {_upper_first(word)} | how {_code(word)} behaves in your case | {rng.choice(_WHY)} |"
        for word in topic.keywords[:4]
    ]
    parts = [
        f"## {topic.title}",
        _pick(rng, _INTROS, **v),
        f"### {heading}",
        "\n".join(bullets),
        _pick(rng, _MIDDLES, **v),
        "| Aspect | What to look at | Why it matters |\n|---|---|---|\n" + "\n".join(rows),
        "### In practice",
        _pick(rng, _PRACTICE, **v),
        _pick(rng, _CLOSINGS, **v),
    ]
    short = f"{v['Topic']} mostly comes down to {v['k1']} and {v['k2']}."
    return "\n\n".join(parts), short


_TOOL_COMMANDS = {
    "git": 'git status\ngit add -A\ngit commit -m "Describe the change"\ngit push',
    "docker": "docker build -t my-app .\ndocker run --rm -p 8080:8080 my-app",
    "python": "python3 -m venv .venv\nsource .venv/bin/activate\npip install -r requirements.txt",
    "pip": "python3 -m pip install --upgrade pip\npython3 -m pip install <package>",
    "npm": "npm init -y\nnpm install <package>\nnpm test",
    "node": "node --version\nnpm install\nnode index.js",
    "cargo": "cargo new my-app\ncd my-app\ncargo run",
    "kubectl": "kubectl get pods\nkubectl describe pod <name>\nkubectl logs -f <name>",
    "ssh": 'ssh-keygen -t ed25519 -C "you@example.com"\nssh-copy-id user@host',
}


def steps(topic: Topic, rng: Random) -> tuple[str, str]:
    """A how-to: numbered steps, an optional shell block, tips."""
    v = _values(topic)
    actions = (
        ("Check what you have", "Look at your current setup and note the versions involved."),
        ("Prepare {k1}", "Get {k1} ready first; everything later depends on it."),
        ("Make the change", "Apply the change to {k2} in one small, reversible step."),
        (
            "Verify it works",
            "Run it once end to end and compare the result with what you expected.",
        ),
        ("Clean up", "Remove temporary files and write down what you changed."),
    )
    lines = [
        f"{i}. **{title.format(**v)}.** {body.format(**v)}"
        for i, (title, body) in enumerate(actions, 1)
    ]
    parts = [
        f"## How to {topic.phrase}"
        if not topic.phrase.lower().startswith("how")
        else f"## {topic.title}",
        "Here's a reliable way to do it, step by step:",
        "\n".join(lines),
    ]
    tool = next((t for t in _TOOL_COMMANDS if t in (k.lower() for k in topic.keywords)), None)
    if tool is not None:
        parts.append(f"The commands, in order:\n\n```bash\n{_TOOL_COMMANDS[tool]}\n```")
    parts.append(
        "### Tips\n\n"
        f"- Keep a note of each change to {v['k1']}, so you can undo it.\n"
        "- Change one thing at a time; it makes problems obvious.\n\n"
        f"> If something fails at step 3, the cause is almost always in step 2: re-check {v['k1']}."
    )
    return "\n\n".join(parts), f"Prepare {v['k1']}, make one small change, then verify it."


def comparison(prompt: str, topic: Topic, rng: Random) -> tuple[str, str]:
    """Two things side by side, with a table and a recommendation."""
    match = re.search(
        r"(?:between\s+)?([\w .+#-]+?)\s+(?:vs\.?|versus|and|or|with)\s+"
        r"([\w .+#-]+?)(?:[?.!,]|$| for | in )",
        re.sub(r"^.*?\b(?:compare|between|difference(?:s)? between)\s+", "", prompt, flags=re.I),
        re.IGNORECASE,
    )
    a, b = (
        (match.group(1).strip(), match.group(2).strip())
        if match
        else (
            topic.keywords[0],
            topic.keywords[1] if len(topic.keywords) > 1 else "the alternative",
        )
    )
    a, b = a[:40], b[:40]
    rows: tuple[tuple[str, str, str], ...] = (
        ("Learning curve", "gentle", "steeper"),
        ("Performance", "good for most workloads", "better at the extremes"),
        ("Ecosystem", "large and mature", "smaller but focused"),
        ("Best for", "quick starts", "specialised needs"),
    )
    if rng.random() < 0.5:
        rows = tuple((r[0], r[2], r[1]) for r in rows)
    table = f"| | **{a}** | **{b}** |\n|---|---|---|\n" + "\n".join(
        f"| {name} | {x} | {y} |" for name, x, y in rows
    )
    parts = [
        f"## {a} vs {b}",
        f"Both are reasonable choices; they differ mostly in **{rows[0][0].lower()}** and "
        f"**{rows[1][0].lower()}**.",
        table,
        f"### When to choose {a}\n\n- It is best for {rows[3][1]}.\n- Its "
        f"{rows[2][0].lower()} is {rows[2][1]}.",
        f"### When to choose {b}\n\n- It is best for {rows[3][2]}.\n- Its learning curve "
        f"is {rows[0][2]}.",
        f"**Bottom line:** if you are unsure, start with {a if 'gentle' in rows[0][1] else b}; "
        "switching later is usually cheaper than it looks.",
    ]
    return "\n\n".join(parts), f"{a} is {rows[0][1]} to learn; {b} is {rows[0][2]}."


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "a couple of": 2,
    "some": 5,
}  # fmt: skip
_SPELLED = {n: word for word, n in _NUMBER_WORDS.items() if word.isalpha() and n <= 10}
_SPELLED[5] = "five"  # not "some"
LIST_REQUEST = re.compile(
    r"\b(?P<count>\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s+"
    r"(?:(?:good|great|quick|simple|practical|useful|creative|fun|key|best|top)\s+)?"
    r"(?P<noun>tip|idea|way|reason|example|thing|step|suggestion|habit|rule|mistake|question|"
    r"name|strateg(?:y|ie))s?\b"
    r"(?:\s+(?P<link>for|to|on|about|of|in|when|that)\b)?\s*(?P<subject>[^.?!]*)",
    re.IGNORECASE,
)
_LIST_ITEMS = (
    ("Start small", "pick one part of {s} and get it right before adding more."),
    ("Be specific", "vague intentions are where {s} goes wrong; name exactly what you mean."),
    ("Write it down", "a short note or checklist makes {s} repeatable instead of a memory test."),
    ("Learn from good examples", "find a few cases of {s} done well and copy what they share."),
    ("Get feedback early", "someone else will spot in minutes what you stopped seeing."),
    ("Make it a habit", "a little every day beats a big push once a month."),
    ("Remove friction", "whatever makes {s} slow or annoying is what stops you; fix that first."),
    ("Keep it consistent", "the same approach every time makes {s} easier to follow and to check."),
    ("Measure the result", "decide what better looks like, then check whether it happened."),
    ("Review and trim", "go back over {s} once it is done; most of the gain is in what you cut."),
)  # fmt: skip


def listing(prompt: str, topic: Topic, rng: Random) -> tuple[str, str]:
    """A numbered list of N items, N and what they are taken from the prompt ("three tips for
    …", "4 ideas for …", "some ways to …"; five ideas by default)."""
    match = LIST_REQUEST.search(prompt)
    count, noun, link, subject = 5, "idea", "for", topic.phrase
    if match:
        raw = match.group("count").lower()
        count = max(1, min(20, int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]))
        noun = match.group("noun").lower()
        link = (match.group("link") or "for").lower()
        subject = match.group("subject").strip(" :;,") or subject
    else:
        found = re.search(r"\b(\d{1,2})\b", prompt)
        count = max(1, min(20, int(found.group(1)))) if found else 5
    nouns = noun if count == 1 else ("strategies" if noun == "strategie" else noun + "s")
    nouns = "strategy" if nouns == "strategie" else nouns
    # The subject by name once ("writing clear commit messages"), then "it"; a verb phrase
    # ("ways to reduce startup time") only ever as "it".
    named = link != "to"
    order = rng.sample(range(len(_LIST_ITEMS)), len(_LIST_ITEMS))
    items = []
    for i in range(count):
        title, line = _LIST_ITEMS[order[i % len(order)]]
        text = line.format(s=subject if named and i == 0 else "it")
        items.append(f"{i + 1}. **{title}.** {_upper_first(text)}")
    amount = _SPELLED.get(count, str(count))
    verb = "Here is" if count == 1 else "Here are"
    parts = [
        f"{verb} {amount} {nouns} {link} {subject}:",
        "\n".join(items),
        _pick(rng, _CLOSINGS, **_values(topic)),
    ]
    short = f"{_upper_first(amount)} {nouns}; the first: {items[0].split('**')[1]}"
    return "\n\n".join(parts), short


def poem(topic: Topic, rng: Random, *, haiku: bool) -> tuple[str, str]:
    """A haiku or a short poem about the topic."""
    k1 = topic.keywords[0].lower()
    k2 = (topic.keywords[1] if len(topic.keywords) > 1 else "morning").lower()
    if haiku:
        lines = rng.choice(
            (
                (
                    f"Quiet {k1} waits",
                    f"{_upper_first(k2)} drifts past the window",
                    "the kettle sings on",
                ),
                (f"Morning light on {k1}", "a single thought, unhurried", f"{k2} settles in"),
                (f"Beneath the {k1}", f"small {k2} learns to listen", "the whole world slows down"),
            )
        )
        text = "\n".join(f"*{line}*" for line in lines)
        return text, lines[0]
    stanzas = (
        f"There is a kind of {k1} that waits\nbehind the ordinary day,\n"
        f"the way that {k2} hesitates\nbefore it finds the words to say.",
        "I learned it slowly, like the tide\nlearns every stone along the shore:\n"
        "not by force, but by the side\nof patience, and then something more.",
        f"So if you ask me what it's for,\nthis {k1}, this {k2}, this quiet art,\n"
        "I'll tell you that it opens doors\nyou only find by heart.",
    )
    title = f"### {topic.title}"
    return title + "\n\n" + "\n\n".join(stanzas), stanzas[0].split("\n")[0]


def story(topic: Topic, rng: Random) -> tuple[str, str]:
    """A three-paragraph story."""
    name = rng.choice(("Mara", "Theo", "Ines", "Kofi", "Lena", "Ravi"))
    k1 = topic.keywords[0].lower()
    k2 = (topic.keywords[1] if len(topic.keywords) > 1 else "the old map").lower()
    paragraphs = (
        f"{name} had always assumed that {k1} was someone else's problem. Then, on a grey "
        f"Tuesday, a letter arrived with no return address and a single line: *“It starts "
        f"with {k2}.”*",
        f"The search took {name} across the city, through a library that smelled of dust and "
        f"rain, to a workshop where an old woman was mending clocks. “You're late,” she said, "
        f"not looking up. “Everyone who asks about {k1} is late.”",
        f"By the time the streetlights came on, {name} understood. It had never been about "
        f"{k1} at all, but about noticing — and {k2} had been there the whole time, waiting "
        "to be seen.",
    )
    return f"## {topic.title}\n\n" + "\n\n".join(paragraphs), paragraphs[0]


def more(topic: Topic, rng: Random, index: int) -> str:
    """One more section on the topic: used to make an answer as long as asked."""
    words = [*topic.keywords] or ["the topic"]
    word = words[index % len(words)]
    other = next((w for w in words[index % len(words) + 1 :] + words if w != word), "the context")
    v = {**_values(topic), "k1": _code(word), "k2": _code(other)}
    headings = (
        "A closer look at {w}",
        "{W} in practice",
        "Common mistakes with {w}",
        "How {w} fits with {o}",
        "When {w} matters most",
    )
    heading = headings[index % len(headings)].format(w=word, W=_upper_first(word), o=other)
    first, second = rng.sample(_POINTS, 2)
    return "\n\n".join(
        (
            f"### {heading}",
            _pick(rng, _MIDDLES, **v),
            f"- {_sentence(first, word)}\n- {_sentence(second, word)}",
            _pick(rng, _PRACTICE, **v),
        )
    )


def _sentence(template: str, word: str) -> str:
    text = template.format(K=_code(_upper_first(word)), k=_code(word))
    return text[:1].upper() + text[1:]


def reasoning_text(topic: Topic, rng: Random, *, budget: int) -> str:
    """What a reasoning model thinks before answering, roughly `budget` tokens long."""
    v = _values(topic)
    first = _pick(
        rng,
        (
            "The user is asking about {topic}. Let me think about what they actually need.",
            "Okay, so the question is about {topic}. What's the core of it?",
            "Let me work through {topic} before answering.",
        ),
        **v,
    )
    paragraphs = [first]
    thoughts = (
        "The key points to cover are {k1} and {k2}. I should start with a direct answer, then "
        "give the details in a structured way: a heading, a short list, maybe a table.",
        "Wait, is {k1} really the main factor here? Let me check that against {k2}. Yes, {k1} "
        "comes first; {k2} depends on it.",
        "I should avoid overcomplicating this. A concrete example will help more than another "
        "abstract paragraph.",
        "Let me double-check the relationship between {k1} and {k2}. If {k1} changes, {k2} "
        "follows, but not the other way round. Good, that's consistent.",
        "What would a careful expert add? Probably the common mistake: people focus on {k2} "
        "and ignore {k1}.",
        "Format: headings and a short table should make the comparison easy to scan.",
    )
    i = 0
    while sum(len(p) for p in paragraphs) / 4 < budget:
        paragraphs.append(thoughts[i % len(thoughts)].format(**v))
        i += 1
    paragraphs.append("Okay, I'm confident in the structure. Let me write the answer.")
    return "\n\n".join(paragraphs)
