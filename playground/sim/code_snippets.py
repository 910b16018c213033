"""Code the simulated models write: common small tasks in the languages people ask for.

`SNIPPETS` maps (task, language) to source for Python, JavaScript and TypeScript
(`code_snippets_more` has Rust, Go, Bash, Java and C); `TASKS` describes each task (what the code
does, how it works, what it prints). `code.compose_code` falls back to a generic snippet
when a pair is missing here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Task:
    """A small programming task the simulated models know."""

    does: str
    """Completes "Here's a Python function that …"."""
    how: tuple[str, ...]
    """Bullets for "How it works"."""
    output: str = ""
    """What running the example prints, if anything."""


TASKS: dict[str, Task] = {
    "fibonacci": Task(
        "returns the first *n* Fibonacci numbers",
        (
            "It keeps only the last two values, so it runs in **O(n)** time and O(1) extra "
            "space per step.",
            "Each new value is the sum of the previous two: `a, b = b, a + b`.",
            "It avoids the exponential cost of the naive recursive version.",
        ),
        "0 1 1 2 3 5 8 13 21 34",
    ),
    "reverse": Task(
        "reverses a string",
        (
            "Strings are immutable, so the function builds and returns a new string.",
            "It works on Unicode code points; combining characters and emoji made of several "
            "code points may need grapheme-aware handling.",
        ),
        "olleh",
    ),
    "fizzbuzz": Task(
        "prints FizzBuzz from 1 to 15",
        (
            "Multiples of both 3 and 5 (that is, of 15) print `FizzBuzz`.",
            "Multiples of 3 print `Fizz`, multiples of 5 print `Buzz`.",
            "Every other number prints itself.",
        ),
        "1\n2\nFizz\n4\nBuzz\nFizz\n7\n8\nFizz\nBuzz\n11\nFizz\n13\n14\nFizzBuzz",
    ),
    "prime": Task(
        "checks whether a number is prime",
        (
            "Numbers below 2 are not prime; 2 and 3 are.",
            "It skips multiples of 2 and 3, then tests divisors of the form 6k ± 1.",
            "It stops at √n, so the check is **O(√n)**.",
        ),
        "[2, 3, 5, 7, 11, 13, 17, 19, 23, 29]",
    ),
    "sort": Task(
        "sorts a list with merge sort",
        (
            "It splits the list in half, sorts each half recursively, then merges them.",
            "Merging walks both halves once, so the total cost is **O(n log n)**.",
            "It is stable: equal elements keep their original order.",
        ),
        "[1, 2, 3, 5, 8, 9]",
    ),
    "search": Task(
        "finds a value in a sorted list with binary search",
        (
            "It keeps a window `[lo, hi)` that must contain the target if it exists.",
            "Each step halves the window, so a search takes **O(log n)** comparisons.",
            "It returns `-1` when the value is absent.",
        ),
        "3",
    ),
    "fetch": Task(
        "fetches JSON from a URL with a timeout and error handling",
        (
            "It sets a timeout, so a slow server cannot hang the program.",
            "It raises on HTTP error statuses instead of parsing an error page as data.",
            "It decodes the body as JSON and returns it.",
        ),
    ),
    "wordcount": Task(
        "counts the most common words in a text file",
        (
            "It reads the file as UTF-8 and lower-cases the text.",
            "A regular expression extracts words, ignoring punctuation.",
            "A counter keeps the frequencies; the top ten are printed.",
        ),
    ),
    "linkedlist": Task(
        "reverses a singly linked list in place",
        (
            "It walks the list once, pointing each node's `next` back at the previous node.",
            "Three references are enough (`previous`, `node`, `following`): **O(n)** time and "
            "O(1) extra space.",
            "The old tail becomes the new head, which the function returns.",
        ),
        "3 -> 2 -> 1",
    ),
    "duplicates": Task(
        "finds the values that occur more than once",
        (
            "Values are normalised first (trimmed, lower-cased), so `Ann@x.com ` and "
            "`ann@x.com` count as the same address.",
            "It groups equal values and keeps the groups with more than one member, with "
            "their counts.",
            "One pass over the data: **O(n)**.",
        ),
    ),
    "hello": Task(
        "prints a greeting",
        ("It is the smallest complete program in the language.",),
        "Hello, world!",
    ),
}

SNIPPETS: dict[tuple[str, str], str] = {
    ("fibonacci", "python"): '''def fibonacci(n: int) -> list[int]:
    """Return the first n Fibonacci numbers."""
    numbers: list[int] = []
    a, b = 0, 1
    for _ in range(n):
        numbers.append(a)
        a, b = b, a + b
    return numbers


print(*fibonacci(10))''',
    ("fibonacci", "javascript"): """function fibonacci(n) {
  const numbers = [];
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) {
    numbers.push(a);
    [a, b] = [b, a + b];
  }
  return numbers;
}

console.log(fibonacci(10).join(" "));""",
    ("fibonacci", "typescript"): """function fibonacci(n: number): number[] {
  const numbers: number[] = [];
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) {
    numbers.push(a);
    [a, b] = [b, a + b];
  }
  return numbers;
}

console.log(fibonacci(10).join(" "));""",
    ("reverse", "python"): '''def reverse(text: str) -> str:
    """Return text reversed."""
    return text[::-1]


print(reverse("hello"))''',
    ("reverse", "javascript"): """function reverse(text) {
  // Spread by code point so that astral characters (emoji) stay whole.
  return [...text].reverse().join("");
}

console.log(reverse("hello"));""",
    ("reverse", "typescript"): """function reverse(text: string): string {
  // Spread by code point so that astral characters (emoji) stay whole.
  return [...text].reverse().join("");
}

console.log(reverse("hello"));""",
    ("fizzbuzz", "python"): """for n in range(1, 16):
    if n % 15 == 0:
        print("FizzBuzz")
    elif n % 3 == 0:
        print("Fizz")
    elif n % 5 == 0:
        print("Buzz")
    else:
        print(n)""",
    ("fizzbuzz", "javascript"): """for (let n = 1; n <= 15; n++) {
  const word = (n % 3 === 0 ? "Fizz" : "") + (n % 5 === 0 ? "Buzz" : "");
  console.log(word || n);
}""",
    ("prime", "python"): '''def is_prime(n: int) -> bool:
    """True if n is a prime number."""
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0 or n % 3 == 0:
        return False
    k = 5
    while k * k <= n:
        if n % k == 0 or n % (k + 2) == 0:
            return False
        k += 6
    return True


print([n for n in range(30) if is_prime(n)])''',
    ("prime", "javascript"): """function isPrime(n) {
  if (n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0 || n % 3 === 0) return false;
  for (let k = 5; k * k <= n; k += 6) {
    if (n % k === 0 || n % (k + 2) === 0) return false;
  }
  return true;
}

console.log([...Array(30).keys()].filter(isPrime));""",
    ("sort", "python"): '''def merge_sort(items: list[int]) -> list[int]:
    """Return a sorted copy of items (stable, O(n log n))."""
    if len(items) <= 1:
        return items[:]
    middle = len(items) // 2
    left, right = merge_sort(items[:middle]), merge_sort(items[middle:])
    merged: list[int] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    return merged + left[i:] + right[j:]


print(merge_sort([5, 2, 9, 1, 8, 3]))''',
    ("sort", "javascript"): """function mergeSort(items) {
  if (items.length <= 1) return items.slice();
  const middle = Math.floor(items.length / 2);
  const left = mergeSort(items.slice(0, middle));
  const right = mergeSort(items.slice(middle));
  const merged = [];
  while (left.length && right.length) {
    merged.push(left[0] <= right[0] ? left.shift() : right.shift());
  }
  return [...merged, ...left, ...right];
}

console.log(mergeSort([5, 2, 9, 1, 8, 3]));""",
    ("search", "python"): '''def binary_search(items: list[int], target: int) -> int:
    """Index of target in the sorted list items, or -1."""
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] < target:
            lo = mid + 1
        elif items[mid] > target:
            hi = mid
        else:
            return mid
    return -1


print(binary_search([1, 3, 5, 7, 9, 11], 7))''',
    ("search", "javascript"): """function binarySearch(items, target) {
  let [lo, hi] = [0, items.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid] < target) lo = mid + 1;
    else if (items[mid] > target) hi = mid;
    else return mid;
  }
  return -1;
}

console.log(binarySearch([1, 3, 5, 7, 9, 11], 7));""",
    ("fetch", "python"): '''import httpx


def fetch_json(url: str) -> object:
    """GET url and return the decoded JSON body."""
    with httpx.Client(timeout=10.0) as client:
        response = client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        return response.json()


data = fetch_json("https://api.github.com/repos/python/cpython")
print(data["full_name"], data["stargazers_count"])''',
    ("fetch", "javascript"): """async function fetchJson(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

const repo = await fetchJson("https://api.github.com/repos/nodejs/node");
console.log(repo.full_name, repo.stargazers_count);""",
    ("fetch", "typescript"): """interface Repo {
  full_name: string;
  stargazers_count: number;
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as T;
}

const repo = await fetchJson<Repo>("https://api.github.com/repos/microsoft/typescript");
console.log(repo.full_name, repo.stargazers_count);""",
    ("wordcount", "python"): '''import re
import sys
from collections import Counter
from pathlib import Path


def top_words(path: Path, n: int = 10) -> list[tuple[str, int]]:
    """The n most common words in the file at path."""
    text = path.read_text(encoding="utf-8").lower()
    return Counter(re.findall(r"[a-z']+", text)).most_common(n)


for word, count in top_words(Path(sys.argv[1])):
    print(f"{count:6d}  {word}")''',
    ("wordcount", "javascript"): """import { readFile } from "node:fs/promises";

const text = (await readFile(process.argv[2], "utf8")).toLowerCase();
const counts = new Map();
for (const word of text.match(/[a-z']+/g) ?? []) {
  counts.set(word, (counts.get(word) ?? 0) + 1);
}
const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10);
for (const [word, count] of top) console.log(String(count).padStart(6), word);""",
    ("linkedlist", "python"): '''from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Node:
    value: int
    next: Node | None = None


def reverse(head: Node | None) -> Node | None:
    """Reverse the list in place and return its new head."""
    previous = None
    node = head
    while node is not None:
        following = node.next
        node.next = previous
        previous, node = node, following
    return previous


node = reverse(Node(1, Node(2, Node(3))))
values = []
while node:
    values.append(str(node.value))
    node = node.next
print(" -> ".join(values))''',
    ("linkedlist", "javascript"): """function reverse(head) {
  let previous = null;
  let node = head;
  while (node !== null) {
    const following = node.next;
    node.next = previous;
    previous = node;
    node = following;
  }
  return previous;
}

const list = { value: 1, next: { value: 2, next: { value: 3, next: null } } };
const values = [];
for (let node = reverse(list); node; node = node.next) values.push(node.value);
console.log(values.join(" -> "));""",
    ("linkedlist", "typescript"): """interface ListNode {
  value: number;
  next: ListNode | null;
}

function reverse(head: ListNode | null): ListNode | null {
  let previous: ListNode | null = null;
  let node = head;
  while (node !== null) {
    const following: ListNode | null = node.next;
    node.next = previous;
    previous = node;
    node = following;
  }
  return previous;
}

const list: ListNode = { value: 1, next: { value: 2, next: { value: 3, next: null } } };
const values: number[] = [];
for (let node = reverse(list); node; node = node.next) values.push(node.value);
console.log(values.join(" -> "));""",
    ("duplicates", "sql"): """-- Addresses that occur more than once, ignoring case and spaces.
SELECT
    LOWER(TRIM(email)) AS email,
    COUNT(*)           AS occurrences
FROM users
GROUP BY LOWER(TRIM(email))
HAVING COUNT(*) > 1
ORDER BY occurrences DESC, email;""",
    ("duplicates", "python"): '''from collections import Counter


def duplicates(values: list[str]) -> dict[str, int]:
    """The values that occur more than once (trimmed, case-insensitive), with their counts."""
    counts = Counter(value.strip().lower() for value in values)
    return {value: n for value, n in counts.items() if n > 1}


print(duplicates(["ann@x.com", "bob@x.com", "Ann@x.com ", "cy@x.com", "bob@x.com"]))''',
    ("hello", "python"): 'print("Hello, world!")',
    ("hello", "javascript"): 'console.log("Hello, world!");',
    ("hello", "typescript"): 'const greeting: string = "Hello, world!";\nconsole.log(greeting);',
}
"""Python, JavaScript and TypeScript; `code_snippets_more.SNIPPETS` has the others."""
