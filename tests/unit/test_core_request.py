"""Requests and parameter validation."""

from __future__ import annotations

from playground.core.request import (
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    Params,
    TextPart,
    validate_params,
)


def test_validation_names_each_problem() -> None:
    assert validate_params(Params(temperature=0.7, max_tokens=512, top_p=1.0)) == []
    problems = validate_params(
        Params(temperature=2.5, top_p=0, max_tokens=40_000, seed=-1, stop=("a",) * 5),
        max_output=32_768,
    )
    assert problems == [
        "Temperature must be between 0 and 2.",
        "Top p must be greater than 0 and at most 1.",
        "Max tokens is above this model's output limit (32,768).",
        "Seed must be a non-negative integer.",
        "At most 4 stop sequences.",
    ]


def test_pinning_and_message_parts() -> None:
    request = ChatRequest(
        "openai/gpt-4.1-mini",
        (
            Message(
                "user",
                (
                    TextPart("What is in "),
                    TextPart("this image?"),
                    ImagePart("image/png", data="iVBOR"),
                    FilePart("application/pdf", "JVBER", "paper.pdf"),
                ),
            ),
        ),
    )
    assert request.pinned_to("azure").routing.only == ("azure",)
    assert request.pinned_to("azure").routing.pinned == "azure"
    assert request.pinned_to(None).routing.only == ()
    message = request.messages[0]
    assert message.text == "What is in this image?"
    assert len(message.attachments) == 2
    assert isinstance(message.attachments[0], ImagePart)
    assert message.attachments[0].data_url == "data:image/png;base64,iVBOR"


def test_only_the_real_domains_get_a_gateway_dialect() -> None:
    from playground.core.profile import guess_kind

    assert guess_kind("https://ai-gateway.vercel.sh/v1") == "vercel"
    assert guess_kind("https://vercel.sh/v1") == "vercel"
    assert guess_kind("https://evilvercel.sh/v1") == "openai"
    assert guess_kind("https://openrouter.ai/api/v1") == "openrouter"
    assert guess_kind("https://notopenrouter.ai/api/v1") == "openai"
