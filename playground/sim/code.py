"""Answers to "write code that …": the requested language, a fenced block, how it works.

With no language named, the answer is in Python with a second version in another language,
so an answer exercises highlighting for more than one lexer.
"""

from __future__ import annotations

import re
from random import Random

from playground.sim import code_snippets, code_snippets_more
from playground.sim.code_snippets import TASKS

SNIPPETS = {**code_snippets.SNIPPETS, **code_snippets_more.SNIPPETS}

LANGUAGES: dict[str, tuple[str, str]] = {
    # keyword → (fence tag, display name)
    "python": ("python", "Python"),
    "py": ("python", "Python"),
    "javascript": ("javascript", "JavaScript"),
    "js": ("javascript", "JavaScript"),
    "node": ("javascript", "JavaScript"),
    "nodejs": ("javascript", "JavaScript"),
    "typescript": ("typescript", "TypeScript"),
    "ts": ("typescript", "TypeScript"),
    "rust": ("rust", "Rust"),
    "go": ("go", "Go"),
    "golang": ("go", "Go"),
    "bash": ("bash", "Bash"),
    "shell": ("bash", "Bash"),
    "sh": ("bash", "Bash"),
    "sql": ("sql", "SQL"),
    "postgres": ("sql", "SQL"),
    "postgresql": ("sql", "SQL"),
    "sqlite": ("sql", "SQL"),
    "mysql": ("sql", "SQL"),
    "java": ("java", "Java"),
    "c": ("c", "C"),
}

_CODE_WORDS = re.compile(
    r"\b(?:code|function|script|program|implement\w*|snippet|class|method|algorithm|regex|"
    r"query|write (?:a|an|some) \w+ (?:in|using)|in (?:python|rust|go|golang|javascript|"
    r"typescript|bash|sql|java|c))\b",
    re.IGNORECASE,
)

_TASK_WORDS: tuple[tuple[str, str], ...] = (
    (r"fibonacci", "fibonacci"),
    (r"fizz ?buzz", "fizzbuzz"),
    (r"linked ?list", "linkedlist"),
    (r"duplicate", "duplicates"),
    (r"revers", "reverse"),
    (r"prime", "prime"),
    (r"\bsort", "sort"),
    (r"binary search|\bsearch\b", "search"),
    (r"\b(?:fetch|http|api|request|download|url)\b", "fetch"),
    (r"word count|count(?:s|ing)? (?:the )?words|word frequenc|most common words", "wordcount"),
    (r"hello,? world", "hello"),
)

_STOP_TEXT = """
    a an the to that which in on of for and or with using write me please code function
    script program snippet implement create make give show some can you could would in
    python rust go golang javascript typescript bash shell sql java c js ts
"""
_STOP = frozenset(_STOP_TEXT.split())


def wants_code(prompt: str) -> bool:
    """Whether `prompt` asks for code."""
    return bool(_CODE_WORDS.search(prompt))


def language_of(prompt: str) -> tuple[str, str] | None:
    """The (fence tag, name) of the language the prompt names, if any."""
    words = re.findall(r"[a-z+#]+", prompt.lower())
    for word in words:
        if word in LANGUAGES and (
            word != "c" or re.search(r"\bin c\b|\bc (?:code|program)", prompt.lower())
        ):
            if word == "go" and not re.search(
                r"\b(?:in|using|with) go\b|\bgo (?:code|program)", prompt.lower()
            ):
                continue
            return LANGUAGES[word]
    return None


def task_of(prompt: str) -> str | None:
    low = prompt.lower()
    for pattern, task in _TASK_WORDS:
        if re.search(pattern, low):
            return task
    return None


def _identifier(prompt: str) -> list[str]:
    words = [w for w in re.findall(r"[a-z]+", prompt.lower()) if w not in _STOP and len(w) > 2]
    return words[:3] or ["process", "items"]


def generic_snippet(lang: str, prompt: str) -> str:
    """A plausible, runnable snippet for a task the models have no template for."""
    words = _identifier(prompt)
    snake = "_".join(words)
    camel = words[0] + "".join(w.title() for w in words[1:])
    title = " ".join(words)
    if lang == "python":
        return f'''from collections.abc import Iterable


def {snake}(items: Iterable[str]) -> dict[str, int]:
    """{title.capitalize()}: count each distinct item, ignoring case and blanks."""
    counts: dict[str, int] = {{}}
    for raw in items:
        item = raw.strip().lower()
        if item:
            counts[item] = counts.get(item, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


print({snake}(["alpha", "beta", "Alpha", " ", "gamma", "beta"]))'''
    if lang in ("javascript", "typescript"):
        typed = lang == "typescript"
        sig = "items: string[]): Record<string, number>" if typed else "items)"
        decl = "const counts: Record<string, number> = {};" if typed else "const counts = {};"
        return f"""// {title.capitalize()}: count each distinct item, ignoring case and blanks.
function {camel}({sig} {{
  {decl}
  for (const raw of items) {{
    const item = raw.trim().toLowerCase();
    if (item) counts[item] = (counts[item] ?? 0) + 1;
  }}
  return counts;
}}

console.log({camel}(["alpha", "beta", "Alpha", " ", "gamma", "beta"]));"""
    if lang == "rust":
        return f"""use std::collections::BTreeMap;

/// {title.capitalize()}: count each distinct item, ignoring case and blanks.
fn {snake}<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {{
    let mut counts = BTreeMap::new();
    for item in items.into_iter().map(str::trim).filter(|s| !s.is_empty()) {{
        *counts.entry(item.to_lowercase()).or_insert(0) += 1;
    }}
    counts
}}

fn main() {{
    println!("{{:?}}", {snake}(["alpha", "beta", "Alpha", " ", "gamma", "beta"]));
}}"""
    if lang == "go":
        return f"""package main

import (
	"fmt"
	"strings"
)

// {camel} counts each distinct item, ignoring case and blanks.
func {camel}(items []string) map[string]int {{
	counts := make(map[string]int)
	for _, raw := range items {{
		if item := strings.ToLower(strings.TrimSpace(raw)); item != "" {{
			counts[item]++
		}}
	}}
	return counts
}}

func main() {{
	fmt.Println({camel}([]string{{"alpha", "beta", "Alpha", " ", "gamma", "beta"}}))
}}"""
    if lang == "bash":
        return f"""#!/usr/bin/env bash
# {title.capitalize()}: count each distinct line of the input, ignoring case and blanks.
set -euo pipefail

grep -v '^[[:space:]]*$' "${{1:-/dev/stdin}}" \\
  | tr '[:upper:]' '[:lower:]' \\
  | sort | uniq -c | sort -rn"""
    if lang == "sql":
        table = words[0] if words[0].endswith("s") else words[0] + "s"
        return f"""-- {title.capitalize()}: the ten largest groups, with their share of the total.
SELECT
    category,
    COUNT(*)                                           AS items,
    ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 1) AS share_pct
FROM {table}
WHERE created_at >= CURRENT_DATE - INTERVAL '30 days'
GROUP BY category
ORDER BY items DESC
LIMIT 10;"""
    if lang == "java":
        return f"""import java.util.*;

public class {words[0].title()}Counter {{
    /** {title.capitalize()}: count each distinct item, ignoring case and blanks. */
    static Map<String, Integer> {camel}(List<String> items) {{
        Map<String, Integer> counts = new TreeMap<>();
        for (String raw : items) {{
            String item = raw.strip().toLowerCase();
            if (!item.isEmpty()) counts.merge(item, 1, Integer::sum);
        }}
        return counts;
    }}

    public static void main(String[] args) {{
        System.out.println({camel}(List.of("alpha", "beta", "Alpha", " ", "gamma", "beta")));
    }}
}}"""
    return f"""#include <stdio.h>
#include <string.h>

/* {title.capitalize()}: count the lines of standard input that are not blank. */
int main(void) {{
    char line[1024];
    int count = 0;
    while (fgets(line, sizeof line, stdin)) {{
        if (strspn(line, " \\t\\r\\n") < strlen(line)) count++;
    }}
    printf("%d\\n", count);
    return 0;
}}"""


def compose_code(prompt: str, rng: Random) -> str:
    """A Markdown answer with one or two fenced code blocks for a code request."""
    named = language_of(prompt)
    lang, name = named or ("python", "Python")
    task = task_of(prompt)
    info = TASKS.get(task or "")
    source = SNIPPETS.get((task or "", lang)) if task else None
    if source is None:
        source = generic_snippet(lang, prompt)
        info = None
    if info is not None:
        opening = f"Here's a {name} implementation that {info.does}:"
    else:
        opening = rng.choice(
            (
                f"Here's a {name} version you can adapt:",
                f"Sure, here's one way to do it in {name}:",
                f"Here's a small, self-contained {name} example:",
            )
        )
    parts = [opening, f"```{lang}\n{source}\n```"]
    if info is not None:
        parts.append("### How it works")
        parts.append("\n".join(f"- {line}" for line in info.how))
        if info.output:
            parts.append(f"Running it prints:\n\n```text\n{info.output}\n```")
    else:
        parts.append(
            "### Notes\n\n"
            "- Input is normalised (trimmed and lower-cased) before counting, so `Alpha` and "
            "`alpha` are the same item.\n"
            "- The result is sorted by count, then alphabetically, which keeps output stable.\n"
            "- Swap the normalisation step for whatever your data needs."
        )
    if named is None:
        other = rng.choice(("javascript", "rust", "go"))
        other_name = {"javascript": "JavaScript", "rust": "Rust", "go": "Go"}[other]
        alt = SNIPPETS.get((task or "", other)) or generic_snippet(other, prompt)
        parts.append(f"The same idea in {other_name}, for comparison:\n\n```{other}\n{alt}\n```")
    return "\n\n".join(parts)
