"""The one place that knows every layer: resolves the profile and its key, starts the simulated
gateway when there is no key, starts runs and collects them. The UI and the CLI both call it;
neither talks to `gateway` or `store` directly.

A package rather than DESIGN.md's single ``services.py``: each concern (profiles and keys, the
simulated gateway, the catalog, runs, sessions) is a module here, and `Services` composes them.

Start-up order matters for the figures a user sees first: the simulated gateway (a child
process) is launched before the HTTP client is built, so the two overlap, and the client's
connection is warmed (``GET /models``) before the first prompt is sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from playground.core.catalog import Catalog
from playground.core.events import StreamEvent
from playground.core.pricing import Prices
from playground.core.profile import SIMULATED, Profile, ProfileKind
from playground.core.request import ChatRequest
from playground.core.run import RunBuilder
from playground.core.secret import Secret
from playground.services.profiles import ProfileChoice, choose_profile
from playground.services.runs import LiveRun, RunObserver, new_run_id
from playground.services.simulated import (
    SimulatedGatewayProcess,
    SimulatorError,
    SimulatorSettings,
)
from playground.store.config import ConfigStore
from playground.store.config_model import Config, LoadedConfig
from playground.store.key_source import KeyArgs, ResolvedKey, SourceKind, missing_key_message
from playground.store.paths import Paths

if TYPE_CHECKING:
    import httpx

    from playground.gateway.client import GatewayClient
    from playground.services.catalog import CatalogService, CatalogSource
    from playground.services.keys import KeyService, KeyTest


@dataclass(frozen=True, slots=True)
class StartOptions:
    """What the command line (or the app's start-up) asks for."""

    profile: str | None = None
    """``--profile NAME``."""
    gateway: str | None = None
    """``--gateway URL``: an ad-hoc profile for any OpenAI-compatible base URL."""
    kind: ProfileKind | None = None
    """``--kind``: the dialect of ``--gateway`` when its host does not say."""
    key_args: KeyArgs = field(default_factory=KeyArgs)
    """``--api-key-file``, ``--api-key-stdin``, ``--api-key``."""
    simulated: bool = False
    """``--simulated``: use the built-in gateway even when a key is configured."""
    simulator: SimulatorSettings = field(default_factory=SimulatorSettings)
    simulator_url: str | None = None
    """Use an already running simulated gateway (tests, screenshots) instead of a child."""
    allow_insecure: bool = False
    """Send the key over plain http to another host (asked for explicitly)."""
    use_keyring: bool = True
    """Look in the OS keyring (off for ``--no-keyring`` and where it could hang)."""


@dataclass(frozen=True, slots=True)
class KeyBadge:
    """What the header shows about the gateway and its key: never the key itself."""

    profile: str
    host: str
    source: str
    """``env AI_GATEWAY_API_KEY (…9f2c)``, ``Simulated gateway``, ``no key``."""
    simulated: bool
    missing: bool
    """The gateway needs a key and has none: the app offers the key screen."""


class Services:
    """The services of one gateway profile: its client, catalog and runs.

    Build with `Services.start`; close with `aclose()`.
    """

    def __init__(
        self,
        *,
        paths: Paths,
        config: LoadedConfig,
        profile: Profile,
        key: ResolvedKey | None,
        options: StartOptions,
        notices: tuple[str, ...] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], int] = time.perf_counter_ns,
    ) -> None:
        self.paths = paths
        self.loaded_config = config
        self.profile = profile
        """The gateway. For the simulated gateway its URL is known once `connect` started it."""
        self.key = key
        self.options = options
        self.notices = notices
        """One-line messages for the user about how the services started."""
        self.clock = clock
        self._transport = transport
        self._client: GatewayClient | None = None
        self._simulator: SimulatedGatewayProcess | None = None
        self._connecting = asyncio.Lock()
        self._catalog: CatalogService | None = None
        self._keys: KeyService | None = None
        self._retired: list[GatewayClient | SimulatedGatewayProcess] = []
        self.run_observer: RunObserver | None = None
        """Told about every run `new_run` makes (the app's recovery journal)."""

    # -- start and stop ----------------------------------------------------------------------

    @classmethod
    async def start(
        cls,
        options: StartOptions = StartOptions(),
        *,
        paths: Paths | None = None,
        environ: Mapping[str, str] | None = None,
        stdin: TextIO | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        connect: bool = True,
        clock: Callable[[], int] = time.perf_counter_ns,
    ) -> Services:
        """Resolve the profile and its key, then (unless `connect` is False) start the
        simulated gateway if that is what to use and build the client.

        With ``connect=False`` nothing is started until something needs the gateway (a
        command that may answer from the catalog cache).

        Raises:
            ProfileError: the profile named does not exist, or ``--gateway`` is not a URL.
            KeySourceError: an explicit key source (file, stdin) could not be read.
            SimulatorError: the simulated gateway did not start.
        """
        paths = paths or Paths.default()
        loaded = ConfigStore(paths).load()
        notices: list[str] = []
        if loaded.error:
            notices.append(loaded.error)
        choice: ProfileChoice = await choose_profile(
            options, loaded.config, paths=paths, environ=environ, stdin=stdin
        )
        notices.extend(choice.notices)
        profile = choice.profile
        if choice.simulated:
            profile = simulated_profile(options.simulator_url or "http://127.0.0.1/v1")
        services = cls(
            paths=paths,
            config=loaded,
            profile=profile,
            key=choice.key,
            options=options,
            notices=tuple(notices),
            transport=transport,
            clock=clock,
        )
        if connect:
            await services.connect()
        return services

    async def connect(self) -> GatewayClient:
        """Start the simulated gateway if it is the one to use, and build the client (once).

        Raises:
            SimulatorError: the simulated gateway did not start.
        """
        async with self._connecting:
            if self._client is not None:
                return self._client
            if self.profile.is_simulated and not self.options.simulator_url:
                self._simulator = await SimulatedGatewayProcess.start(self.options.simulator)
                self.profile = simulated_profile(self._simulator.url)
            from playground.gateway.client import GatewayClient

            self._client = GatewayClient(
                self.profile,
                api_key=self.key.secret if self.key is not None else None,
                transport=self._transport,
                allow_insecure=self.options.allow_insecure,
                clock=self.clock,
            )
            return self._client

    @property
    def client(self) -> GatewayClient:
        """The gateway client (after `connect`)."""
        if self._client is None:
            raise RuntimeError("Services.connect() first")
        return self._client

    async def aclose(self) -> None:
        for retired in self._retired:
            await retired.aclose()
        self._retired.clear()
        if self._catalog is not None:
            await self._catalog.aclose()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._simulator is not None:
            await self._simulator.aclose()
            self._simulator = None

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- what the UI shows -------------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self.loaded_config.config

    @property
    def simulated(self) -> bool:
        return self.profile.is_simulated

    @property
    def badge(self) -> KeyBadge:
        profile = self.profile
        if profile.is_simulated:
            source = "Simulated gateway"
        elif self.key is not None and self.key.found:
            source = self.key.display
        elif profile.is_loopback and not profile.key_env:
            source = "no key needed"
        else:
            source = "no key"
        return KeyBadge(
            profile=profile.name,
            host=profile.display_host,
            source=source,
            simulated=profile.is_simulated,
            missing=self.needs_key,
        )

    @property
    def needs_key(self) -> bool:
        """The gateway needs a key and none was found."""
        if self.profile.is_simulated or self.profile.is_loopback:
            return False
        return self.key is None or not self.key.found

    @property
    def missing_key_message(self) -> str:
        return missing_key_message(self.profile)

    # -- the catalog --------------------------------------------------------------------------

    @property
    def catalog(self) -> CatalogService:
        """The catalog of this gateway (cache first, then the network, then the snapshot)."""
        if self._catalog is None:
            from playground.services.catalog import CatalogService, cache_key_for
            from playground.store.catalog_cache import CatalogCache

            profile = self.profile
            self._catalog = CatalogService(
                CatalogCache(self.paths.catalog_cache),
                source_factory=self._catalog_source,
                key=cache_key_for(profile),
                origin=cache_key_for(profile),
                kind=profile.kind,
                host="the simulated gateway" if profile.is_simulated else profile.display_host,
            )
        return self._catalog

    async def _catalog_source(self) -> CatalogSource:
        """The catalog fetcher, on the client's connection pool (started on first need)."""
        from playground.core.errors import Unreachable
        from playground.gateway.catalog_fetch import CatalogFetcher

        try:
            client = await self.connect()
        except SimulatorError as exc:
            raise Unreachable(f"Can't start the simulated gateway: {exc}") from exc
        headers = client.headers() if not self.needs_key else None
        return CatalogFetcher(client.http, client.profile.base_url, client.profile.kind, headers)

    def prices_for(self, model_id: str) -> Callable[[str | None], Prices | None]:
        """A price lookup for runs of `model_id`: the serving provider's prices when the
        catalog has its endpoints, else the model's listed prices."""

        def lookup(provider: str | None) -> Prices | None:
            current = self._catalog.current if self._catalog is not None else None
            catalog: Catalog | None = current.catalog if current is not None else None
            if catalog is None:
                return None
            return catalog.prices_for(model_id, provider)

        return lookup

    # -- runs ---------------------------------------------------------------------------------

    def stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """The raw event stream of one request (after `connect`)."""
        return self.client.stream(request)

    def new_run(
        self,
        request: ChatRequest,
        *,
        lane: str = "",
        group: str = "",
        repeat_index: int | None = None,
        warmup: bool = False,
        observer: RunObserver | None = None,
    ) -> LiveRun:
        """A run ready to `execute()`: its figures priced by the catalog, its stalls measured
        with the configured threshold."""
        builder = RunBuilder(
            request,
            run_id=new_run_id(),
            started_at=time.time(),
            price_lookup=self.prices_for(request.model),
            stall_s=self.config.stall_threshold_s,
            profile=self.profile.name,
            lane=lane,
            group=group,
            repeat_index=repeat_index,
            warmup=warmup,
        )
        return LiveRun(
            self.client, builder, clock=self.clock, observer=observer or self.run_observer
        )

    async def warm(self) -> None:
        """Open the connection before the first prompt (the client ignores errors here)."""
        await self.client.warm()

    # -- changing the key or the gateway (the key screen, a loaded session) --------------------

    @property
    def keys(self) -> KeyService:
        """The keyring (with its deadline) and the plaintext opt-in, for the key screen."""
        if self._keys is None:
            from playground.services.keys import KeyService
            from playground.store.keys import FileKeyStore, KeyringKeyStore

            store = KeyringKeyStore() if self.options.use_keyring else None
            self._keys = KeyService(store, FileKeyStore(self.paths.insecure_keys_file))
        return self._keys

    @keys.setter
    def keys(self, keys: KeyService) -> None:
        """Use another key service (a keyring backend of the caller's choosing; tests)."""
        self._keys = keys

    @property
    def key_profile(self) -> Profile:
        """The gateway a key entered now is for: this one, or the configured default when
        the simulated gateway stands in for it."""
        if self.profile.is_simulated:
            default = self.config.profile()
            if default is not None and not default.is_simulated:
                return default
        return self.profile

    async def check_key(self, key: Secret, profile: Profile | None = None) -> KeyTest:
        """One authenticated call to the gateway with `key` (see `services.keys.check_key`)."""
        from playground.services.keys import check_key

        return await check_key(
            profile or self.key_profile,
            key,
            transport=self._transport,
            allow_insecure=self.options.allow_insecure,
        )

    async def use_key(
        self,
        key: Secret,
        *,
        kind: SourceKind = "ask",
        source: str = "entered",
        profile: Profile | None = None,
    ) -> None:
        """Use `key` for `profile` (default `key_profile`) from now on: the client is
        rebuilt with it. Runs still streaming finish on the old client."""
        profile = profile or self.key_profile
        await self._rebuild(profile, ResolvedKey(profile.origin, key, kind, source))

    async def switch_profile(self, profile: Profile) -> None:
        """Talk to `profile` from now on, with the key bound to its origin (environment
        variable, keyring or plaintext file; none if there is none). Only after the user
        confirmed the host (RELIABILITY.md K7)."""
        from playground.store.key_source import aresolve_key
        from playground.store.keys import AsyncKeyStore

        store = self.keys.store
        key: ResolvedKey | None = None
        if profile.key_env or not profile.is_loopback:
            key = await aresolve_key(
                profile,
                store=AsyncKeyStore(store) if store is not None else None,
                file_store=self.keys.file_store,
            )
        await self._rebuild(profile, key)

    async def _rebuild(self, profile: Profile, key: ResolvedKey | None) -> None:
        old_origin = self.profile.origin if not self.profile.is_simulated else None
        self.profile, self.key = profile, key
        if self._client is not None:
            self._retired.append(self._client)  # a stream may still be reading from it
            self._client = None
        if profile.origin != old_origin:
            if self._simulator is not None:
                self._retired.append(self._simulator)
                self._simulator = None
            if self._catalog is not None:
                await self._catalog.aclose()
                self._catalog = None
        await self.connect()


def simulated_profile(url: str) -> Profile:
    """The profile of the built-in simulated gateway at `url` (it speaks Vercel's dialect)."""
    return Profile(SIMULATED, "vercel", url.rstrip("/"), ())


__all__ = [
    "KeyBadge",
    "LiveRun",
    "Services",
    "SimulatorSettings",
    "StartOptions",
    "simulated_profile",
]
