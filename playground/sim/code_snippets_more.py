"""Code the simulated models write, continued: Rust, Go, Bash, Java and C."""

from __future__ import annotations

SNIPPETS: dict[tuple[str, str], str] = {
    ("fibonacci", "rust"): """fn fibonacci(n: usize) -> Vec<u64> {
    let mut numbers = Vec::with_capacity(n);
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        numbers.push(a);
        (a, b) = (b, a + b);
    }
    numbers
}

fn main() {
    let line: Vec<String> = fibonacci(10).iter().map(u64::to_string).collect();
    println!("{}", line.join(" "));
}""",
    ("fibonacci", "go"): """package main

import "fmt"

func fibonacci(n int) []int {
	numbers := make([]int, 0, n)
	a, b := 0, 1
	for i := 0; i < n; i++ {
		numbers = append(numbers, a)
		a, b = b, a+b
	}
	return numbers
}

func main() {
	fmt.Println(fibonacci(10))
}""",
    ("reverse", "rust"): """fn reverse(text: &str) -> String {
    text.chars().rev().collect()
}

fn main() {
    println!("{}", reverse("hello"));
}""",
    ("reverse", "go"): """package main

import "fmt"

func reverse(s string) string {
	runes := []rune(s)
	for i, j := 0, len(runes)-1; i < j; i, j = i+1, j-1 {
		runes[i], runes[j] = runes[j], runes[i]
	}
	return string(runes)
}

func main() {
	fmt.Println(reverse("hello"))
}""",
    ("fizzbuzz", "rust"): """fn main() {
    for n in 1..=15 {
        match (n % 3, n % 5) {
            (0, 0) => println!("FizzBuzz"),
            (0, _) => println!("Fizz"),
            (_, 0) => println!("Buzz"),
            _ => println!("{n}"),
        }
    }
}""",
    ("fizzbuzz", "go"): """package main

import "fmt"

func main() {
	for n := 1; n <= 15; n++ {
		switch {
		case n%15 == 0:
			fmt.Println("FizzBuzz")
		case n%3 == 0:
			fmt.Println("Fizz")
		case n%5 == 0:
			fmt.Println("Buzz")
		default:
			fmt.Println(n)
		}
	}
}""",
    ("prime", "rust"): """fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n < 4 {
        return true;
    }
    if n % 2 == 0 || n % 3 == 0 {
        return false;
    }
    let mut k = 5;
    while k * k <= n {
        if n % k == 0 || n % (k + 2) == 0 {
            return false;
        }
        k += 6;
    }
    true
}

fn main() {
    let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
    println!("{primes:?}");
}""",
    ("fetch", "go"): """package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

func fetchJSON(url string, into any) error {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

func main() {
	var repo struct {
		FullName string `json:"full_name"`
		Stars    int    `json:"stargazers_count"`
	}
	if err := fetchJSON("https://api.github.com/repos/golang/go", &repo); err != nil {
		panic(err)
	}
	fmt.Println(repo.FullName, repo.Stars)
}""",
    ("fetch", "bash"): """#!/usr/bin/env bash
set -euo pipefail

url="https://api.github.com/repos/curl/curl"
curl --fail --silent --show-error --max-time 10 \\
  -H "Accept: application/json" "$url" | jq -r '.full_name, .stargazers_count'""",
    ("wordcount", "bash"): """#!/usr/bin/env bash
set -euo pipefail

tr -cs "[:alpha:]'" '\\n' < "$1" \\
  | tr '[:upper:]' '[:lower:]' \\
  | sort | uniq -c | sort -rn | head -n 10""",
    ("hello", "rust"): 'fn main() {\n    println!("Hello, world!");\n}',
    (
        "hello",
        "go",
    ): 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, world!")\n}',
    ("hello", "bash"): '#!/usr/bin/env bash\necho "Hello, world!"',
    ("hello", "java"): """public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world!");
    }
}""",
    (
        "hello",
        "c",
    ): '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, world!\\n");\n    return 0;\n}',
}
"""(task, language) → source, for the languages `code_snippets` does not hold."""
