"""The rest of `GatewayClient`: the non-streamed call, JSON GETs, warming the pool, the auth
headers, and TLS (a certificate the system does not trust is N1's "TLS error")."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from decimal import Decimal
from pathlib import Path

import pytest

from playground.core.errors import AuthError, ProtocolError, ServerError, Unreachable
from playground.core.events import Connected, Failed, Finished
from playground.core.profile import Profile
from playground.core.secret import Secret
from playground.gateway.client import GatewayClient

from support.clienttools import KEY, REQUEST, Sleeps, client_for, collect, last, text_of
from support.rawserver import ROLE, RawServer, chunk, response, sse_script

COMPLETION = {
    "id": "gen_01NONSTREAM",
    "object": "chat.completion",
    "model": "openai/gpt-4.1-mini",
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Pong."}}
    ],
    "usage": {"prompt_tokens": 9, "completion_tokens": 2, "cost": 0.0000042},
}


async def test_complete_returns_the_whole_answer() -> None:
    async with RawServer() as server:
        server.add(response(200, COMPLETION))
        async with client_for(server.profile()) as client:
            completion = await client.complete(REQUEST)
    assert completion.text == "Pong."
    assert completion.usage is not None and completion.usage.cost == Decimal("0.0000042")
    assert completion.generation_id == "gen_01NONSTREAM"
    sent = server.requests[0]
    assert sent.json()["stream"] is False
    assert sent.headers["authorization"] == f"Bearer {KEY.reveal()}"


async def test_complete_raises_typed_errors() -> None:
    async with RawServer() as server:
        server.add(
            response(401, {"error": {"message": "Invalid API key", "type": "authentication_error"}})
        )
        async with client_for(server.profile()) as client:
            with pytest.raises(AuthError, match=r"^The gateway rejected the API key \(401\)"):
                await client.complete(REQUEST)


async def test_get_json_with_and_without_auth() -> None:
    async with RawServer() as server:
        server.add(response(200, {"object": "list", "data": []}), response(200, {"data": [1]}))
        async with client_for(server.profile()) as client:
            assert await client.get_json("/models", auth=False) == {"object": "list", "data": []}
            assert await client.get_json("models/openai/gpt-4.1-mini/endpoints") == {"data": [1]}
    first, second = server.requests
    assert first.path == "/v1/models" and "authorization" not in first.headers
    assert second.path == "/v1/models/openai/gpt-4.1-mini/endpoints"
    assert second.headers["authorization"] == f"Bearer {KEY.reveal()}"


async def test_get_json_retries_5xx_and_rejects_non_json() -> None:
    sleeps = Sleeps()
    async with RawServer() as server:
        server.add(response(503, b""), response(200, {"ok": True}))
        server.add(response(200, b"<html>hello</html>", content_type="text/html"))
        server.add(*(response(500, {"error": {"message": "down"}}) for _ in range(3)))
        async with client_for(server.profile(), sleeps=sleeps) as client:
            assert await client.get_json("models") == {"ok": True}
            with pytest.raises(ProtocolError, match="with something that is not JSON: hello"):
                await client.get_json("models")
            with pytest.raises(ServerError, match=r"\(500\): down"):
                await client.get_json("models")
    assert sleeps.calls == [0.5, 0.5, 1.0]


async def test_warm_opens_the_connection_that_the_first_prompt_reuses() -> None:
    async with RawServer() as server:
        server.add(response(200, {"data": []}), sse_script([ROLE, chunk("hi", finish="stop")]))
        async with client_for(server.profile()) as client:
            await client.warm()
            events = await collect(client)
    assert server.requests[0].path == "/v1/models"
    assert "authorization" not in server.requests[0].headers  # warming never sends the key
    assert next(e for e in events if isinstance(e, Connected)).reused
    assert len(server.connections) == 1


async def test_warm_ignores_every_error() -> None:
    async with RawServer() as server:
        url = server.url
    async with GatewayClient(Profile("gone", "vercel", url), api_key=None) as client:
        await client.warm()  # nothing listens there: no exception


async def test_headers_reveal_the_key_only_there_and_mask_it_in_reprs() -> None:
    async with client_for(Profile("p", "vercel", "https://ai-gateway.vercel.sh/v1")) as client:
        headers = client.headers()
        assert headers["authorization"] == f"Bearer {KEY.reveal()}"
        assert KEY.reveal() not in repr(headers)
        assert KEY.reveal() not in repr(client.__dict__)
        assert client.http.base_url == "https://ai-gateway.vercel.sh/v1/"
        assert not client.http.follow_redirects
    async with client_for(
        Profile("p", "openai", "http://localhost:11434/v1"), api_key=None
    ) as client:
        assert "authorization" not in client.headers()


def _self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh self-signed certificate for 127.0.0.1, and a client
    context that trusts exactly that certificate."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_n1_tls_certificate_not_trusted(tmp_path: Path) -> None:
    server_tls, _ = _self_signed(tmp_path)
    sleeps = Sleeps()
    async with (
        RawServer(tls=server_tls) as server,
        client_for(server.profile(), sleeps=sleeps) as client,
    ):
        events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Unreachable)
    assert failed.error.message.startswith(
        f"Can't reach 127.0.0.1:{server.port}: "
        "TLS certificate check failed (self-signed certificate"
    )
    assert len(sleeps.calls) == 2  # retried before giving up, like any unreachable gateway
    assert server.requests == []


async def test_streaming_over_tls_with_a_trusted_certificate(tmp_path: Path) -> None:
    server_tls, client_tls = _self_signed(tmp_path)
    async with RawServer(tls=server_tls) as server:
        server.add(sse_script([ROLE, chunk("secure", finish="stop")]))
        async with client_for(server.profile(), verify=client_tls) as client:
            events = await collect(client)
    assert text_of(events) == "secure"
    assert isinstance(last(events), Finished)
    connected = next(e for e in events if isinstance(e, Connected))
    assert not connected.reused


def test_a_plain_http_client_trusts_no_certificate() -> None:
    client = GatewayClient(
        Profile("p", "openai", "http://127.0.0.1:9/v1"), api_key=Secret("k" * 12)
    )
    transport = client.http._transport
    pool = getattr(transport, "_pool", None)
    context = getattr(pool, "_ssl_context", None)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.get_ca_certs() == []
