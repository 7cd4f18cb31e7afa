"""LLM settings: flag > environment > config.toml > default, with the API key kept secret.

One `Settings` object is built per command (`load_settings(**flags)`) and handed
down; nothing else reads the environment. The key is a `SecretStr` so it never
shows up in a repr, a log line, a run log or a traceback, and `api_key_for_request`
decides which key may go to which server: the OpenAI key goes only to
api.openai.com unless the user says otherwise, because a custom base URL is
somebody else's server, and never over plain http to anything but this machine.
A base URL may carry credentials (`https://user:secret@proxy/v1`, `?api-key=…`):
`scrub` and `public_base_url` mask them wherever the URL could surface. A provider
preset (data/providers.yaml) fills the base URL, key variable, model and output mode
the user did not set.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from appealagent import paths
from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml
from appealagent.errors import InputError

OPENAI_HOST = "api.openai.com"
OPENAI_BASE_URL = "https://api.openai.com/v1"
# Sent to keyless local servers (Ollama, LM Studio, vLLM without --api-key): they ignore it,
# and the openai client refuses to start without some key.
DUMMY_KEY = "sk-no-key-needed"

OutputMode = Literal["json_schema", "tools", "json_object"]
OUTPUT_MODES: tuple[OutputMode, ...] = ("json_schema", "tools", "json_object")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

# Credentials a URL may carry: the user-info part, and query parameters named like a secret.
_URL_USERINFO = patterns.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<info>[^/@\s\"'<>]+)@", re.I)
_SECRET_PARAM = r"(?:api[-_]?key|key|token|access[-_]?token|auth|password|passwd|pwd|secret|sig|signature|code)"
_URL_SECRET_QUERY = patterns.compile(r"(?P<name>[?&]" + _SECRET_PARAM + r"=)(?P<value>[^&#\s\"'<>]+)", re.I)


def mask_url_credentials(text: str) -> str:
    """Any URL in the text with its user-info and secret query values replaced by ***."""
    text = _URL_USERINFO.sub(lambda m: m.group("scheme") + "***@", text)
    return _URL_SECRET_QUERY.sub(lambda m: m.group("name") + "***", text)


def is_loopback(host: str | None) -> bool:
    """This machine: localhost or a loopback address (the only place a key may go over plain http)."""
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cache
def presets() -> dict[str, dict[str, Any]]:
    """The provider presets (data/providers.yaml), by name."""
    return dict(load_yaml("providers.yaml")["providers"])
TokenParam = Literal["auto", "max_tokens", "max_completion_tokens"]
DraftStyle = Literal["editor", "author"]


def config_file() -> Path:
    """The user's config.toml (platformdirs config dir, or $APPEALAGENT_HOME/config)."""
    return paths.user_config_dir() / "config.toml"


class Settings(BaseSettings):
    """Everything the LLM engine needs; field names double as config.toml keys."""

    model_config = SettingsConfigDict(
        env_prefix="APPEALAGENT_",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
        validate_default=True,
    )

    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key"),
        description="Key for api.openai.com (env OPENAI_API_KEY).",
    )
    api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("APPEALAGENT_API_KEY", "api_key"),
        description="Key for a custom base URL (env APPEALAGENT_API_KEY); also used for OpenAI when set.",
    )
    base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("APPEALAGENT_BASE_URL", "OPENAI_BASE_URL", "base_url"),
        description="An OpenAI-compatible server, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL).",
    )
    send_openai_key_to_base_url: bool = Field(
        False, description="Send OPENAI_API_KEY to a custom base URL too (e.g. a proxy in front of OpenAI)."
    )
    provider: str | None = Field(
        None, description="A provider preset (openai, azure, deepseek, qwen, moonshot, zhipu, openrouter, ollama, lmstudio, vllm, llamacpp)."
    )
    model: str = Field("gpt-4.1-mini", description="Model name (env APPEALAGENT_MODEL, flag -m).")
    output_mode: OutputMode = Field(
        "json_schema",
        validation_alias=AliasChoices("APPEALAGENT_OUTPUT_MODE", "APPEALAGENT_MODE", "output_mode", "mode"),
        description="json_schema (strict response_format), tools (function call) or json_object.",
    )
    style: DraftStyle = Field(
        "editor",
        validation_alias=AliasChoices("APPEALAGENT_STYLE", "style"),
        description="How the LLM engine drafts: editor (the model edits the offline letter; small and local models) or author (it writes the letter; strong models).",
    )
    timeout: float = Field(60.0, gt=0, description="Deadline for one request, whole reply included (not a read timeout).")
    budget: float = Field(
        180.0, ge=0, description="Under --engine auto: seconds the LLM may spend on one case before the offline letter is used (0: no limit)."
    )
    breaker: int = Field(3, ge=0, le=100, description="Batch: cases in a row the server could not be reached before the rest stop trying it (0: never).")
    temperature: float | None = Field(
        0.2, description="Sampling temperature of the author style, the explanation and intake's second opinion (the editor style's edits and translations use 0); 'none' to omit it everywhere (reasoning models)."
    )
    max_tokens: int = Field(3000, ge=64, description="Room for the reply; doubled when a reply is cut off.")
    max_tokens_limit: int = Field(12000, ge=64, description="Never ask for more room than this.")
    token_param: TokenParam = Field(
        "auto", description="max_completion_tokens for api.openai.com, max_tokens for other servers (auto)."
    )
    max_attempts: int = Field(4, ge=1, le=20, description="Tries per request for timeouts, 429 and 5xx.")
    retry_wait_initial: float = Field(1.0, ge=0, description="First backoff wait, seconds.")
    retry_wait_max: float = Field(20.0, ge=0, description="Longest backoff wait, seconds.")
    retry_after_max: float = Field(60.0, ge=0, description="Longest wait a server's Retry-After may impose, seconds.")
    reasks: int = Field(2, ge=0, le=5, description="Times an invalid or ungrounded draft is sent back with its errors.")
    examples: int = Field(3, ge=0, le=10, description="Corpus letters put in the prompt.")
    prompt_chars: int = Field(24000, ge=2000, description="Budget for the prompt, in characters.")
    redact: bool = Field(True, description="Replace e-mails, phones, addresses, names and order IDs before sending.")
    jobs: int = Field(4, ge=1, le=64, description="Cases drafted at once in a batch.")
    runlog: bool = Field(True, description="Save each run under the data dir (appealagent history).")
    check_workers: int | None = Field(
        None, ge=0, le=64, description="Processes running the checks in a batch (unset: automatic; 0: inline)."
    )

    @field_validator("temperature", mode="before")
    @classmethod
    def _temperature(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in {"none", "off", "omit", ""}:
            return None
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        parsed = urlparse(value)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ValueError("must be an http(s) URL such as http://localhost:11434/v1")
        return value

    @field_validator("provider")
    @classmethod
    def _provider(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip().lower().replace("-", "").replace(".", "").replace(" ", "")
        name = {"dashscope": "qwen", "kimi": "moonshot", "glm": "zhipu", "llama": "llamacpp", "llamaserver": "llamacpp"}.get(name, name)
        if name not in presets():
            raise ValueError(f"unknown provider {value!r}; one of {', '.join(presets())}")
        return name

    @model_validator(mode="after")
    def _apply_preset(self) -> Settings:
        """Fill what the user did not set from the provider preset (explicit values always win)."""
        if self.provider is None:
            return self
        preset = presets()[self.provider]
        given = self.model_fields_set
        if "base_url" not in given:
            if preset.get("base_url") is None:
                raise ValueError(f"the {preset['label']} preset needs --base-url (e.g. https://RESOURCE.openai.azure.com/openai/v1)")
            self.base_url = str(preset["base_url"])
        if "model" not in given:
            self.model = str(preset["model"])
        if "output_mode" not in given:
            self.output_mode = preset["mode"]
        key_env = preset.get("key_env")
        if self.api_key is None and key_env and key_env != "OPENAI_API_KEY" and os.environ.get(key_env):
            self.api_key = SecretStr(os.environ[key_env])
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # flag (init kwargs) > environment > config.toml > field default. No .env files:
        # a key lying in the current folder should not be picked up silently.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file()))

    # ---- derived values -------------------------------------------------------------------

    @property
    def is_openai(self) -> bool:
        return self.base_url is None or urlparse(self.base_url).hostname == OPENAI_HOST

    @property
    def effective_base_url(self) -> str:
        return self.base_url or OPENAI_BASE_URL

    @property
    def public_base_url(self) -> str:
        """The base URL as it may be shown or logged: credentials in it masked."""
        return mask_url_credentials(self.effective_base_url)

    @property
    def host(self) -> str:
        """The server's host (and port), the only part of the URL worth logging (never its user-info)."""
        netloc = urlparse(self.effective_base_url).netloc
        return netloc.rsplit("@", 1)[-1]

    @property
    def is_local(self) -> bool:
        return is_loopback(urlparse(self.effective_base_url).hostname)

    @property
    def llm_configured(self) -> bool:
        """A key for api.openai.com or a hosted preset; any other base URL (local servers need no key)."""
        preset = presets().get(self.provider or "")
        if preset is not None and not preset.get("local") and self.provider != "azure" and not self.is_openai:
            return self.api_key is not None
        if self.base_url is not None and not self.is_openai:
            return True
        return self.openai_api_key is not None or self.api_key is not None

    def api_key_for_request(self) -> str | None:
        """The key to send to this server, or None when OpenAI itself would get no key.

        Raises InputError rather than send the OpenAI key (or any key meant for api.openai.com) over
        plain http to another machine: anyone on the path could read it. A key of the user's own
        server (APPEALAGENT_API_KEY, e.g. vLLM's --api-key on a LAN) is the user's call.
        """
        openai_key = False
        if self.is_openai:
            key = self.openai_api_key or self.api_key
            value, openai_key = (key.get_secret_value() if key else None), True
        elif self.api_key is not None:
            value = self.api_key.get_secret_value()
        elif self.send_openai_key_to_base_url and self.openai_api_key is not None:
            value, openai_key = self.openai_api_key.get_secret_value(), True
        else:
            return DUMMY_KEY
        plain = urlparse(self.effective_base_url).scheme == "http" and not self.is_local
        if value is not None and openai_key and plain:
            raise InputError(
                f"base_url: refusing to send the OpenAI API key over plain http to {self.host}: use https:// (or a server on this machine)"
            )
        return value

    @property
    def tokens_field(self) -> str:
        if self.token_param != "auto":
            return self.token_param
        return "max_completion_tokens" if self.is_openai else "max_tokens"

    def url_secrets(self) -> list[str]:
        """Credentials carried by the base URL: its password (or a token as user name) and secret query values."""
        if self.base_url is None:
            return []
        parsed = urlparse(self.base_url)
        out = [parsed.password] if parsed.password else ([parsed.username] if parsed.username else [])
        out += [v for k, v in parse_qsl(parsed.query) if re.fullmatch(_SECRET_PARAM, k, re.I) and v]
        return [v for v in out if v and len(v) >= 4]

    def secrets(self) -> list[str]:
        """Every secret value, so output can be scrubbed of them as a last line of defence."""
        keys = [s.get_secret_value() for s in (self.openai_api_key, self.api_key) if s is not None and s.get_secret_value()]
        return keys + self.url_secrets()

    def scrub(self, text: str) -> str:
        text = mask_url_credentials(text)
        for secret in self.secrets():
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def public_dict(self) -> dict[str, Any]:
        """Every setting with secrets masked, for `config show` and run logs."""
        data: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "***" if value.get_secret_value() else None
            data[name] = value
        data["base_url"] = mask_url_credentials(self.base_url) if self.base_url else None
        data["llm_configured"] = self.llm_configured
        return data


def _field_label(loc: tuple[Any, ...]) -> str:
    """The setting's own name (config.toml key), even when pydantic reports an alias."""
    if not loc:
        return "(settings)"
    first = str(loc[0])
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", [alias] if alias else [])
        if first == name or first in choices:
            return name
    return ".".join(str(p) for p in loc)


class ConfigFileError(InputError):
    """config.toml cannot be used (bad TOML, an unknown key, a bad value): only the LLM engine needs it."""


class _WithoutFile(Settings):
    """Flags and environment only: what the offline engine runs with when config.toml is broken."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


def load_settings(*, use_config_file: bool = True, **flags: Any) -> Settings:
    """Settings from flags (None means 'not given'), then the environment, config.toml and defaults.

    A broken config.toml raises ConfigFileError naming the file and line; `use_config_file=False`
    leaves the file out (the offline engine's way around it)."""
    given = {k: v for k, v in flags.items() if v is not None}
    file_data = _read_config() if use_config_file else {}
    try:
        return Settings(**given) if use_config_file else _WithoutFile(**given)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        msg = first["msg"].removeprefix("Value error, ")
        name = _field_label(first["loc"])
        if name in file_data and name not in given and not _in_environment(name):
            raise ConfigFileError(f"{config_file()}: line {_line_of(name)}: {name}: {msg}") from None
        raise InputError(f"settings: {name}: {msg} (flags, APPEALAGENT_* variables or {config_file()})") from None
    except (ValueError, OSError) as exc:  # a malformed config.toml
        raise ConfigFileError(f"{config_file()}: cannot read the config file: {exc}") from None


def _in_environment(name: str) -> bool:
    import os

    alias = Settings.model_fields[name].validation_alias if name in Settings.model_fields else None
    names = [str(a) for a in getattr(alias, "choices", [])] or [f"APPEALAGENT_{name.upper()}"]
    return any(os.environ.get(n.upper()) for n in names)


def _line_of(key: str) -> int:
    """The line of config.toml that sets `key` (1 when it cannot be found)."""
    import re

    try:
        lines = config_file().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    return next((i for i, line in enumerate(lines, start=1) if pattern.match(line)), 1)


def _read_config() -> dict[str, Any]:
    """config.toml's keys and values, checked for TOML syntax and misspelt keys (which would be ignored silently)."""
    import tomllib

    path = config_file()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: cannot read the config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        import re

        msg, where = str(exc), ""
        m = re.search(r"\s*\(at line (\d+), column \d+\)", msg)
        if m:
            where, msg = f"line {m.group(1)}: ", msg[: m.start()] + msg[m.end():]
        raise ConfigFileError(f"{path}: {where}cannot read the config file (not valid TOML): {msg}") from None
    known = set(Settings.model_fields) | {"mode"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigFileError(f"{path}: line {_line_of(unknown[0])}: unknown setting {unknown[0]!r} (`appealagent config show` lists the settings)")
    return data


def settings_json(settings: Settings) -> str:
    return json.dumps(settings.public_dict(), indent=2, ensure_ascii=False)
