"""LLM settings: flag > environment > config.toml > default, with the API key kept secret.

One `Settings` object is built per command (`load_settings(**flags)`) and handed
down; nothing else reads the environment. The key is a `SecretStr` so it never
shows up in a repr, a log line, a run log or a traceback, and `api_key_for_request`
decides which key may go to which server: the OpenAI key goes only to
api.openai.com unless the user says otherwise, because a custom base URL is
somebody else's server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from appealagent import paths
from appealagent.errors import InputError

OPENAI_HOST = "api.openai.com"
OPENAI_BASE_URL = "https://api.openai.com/v1"
# Sent to keyless local servers (Ollama, LM Studio, vLLM without --api-key): they ignore it,
# and the openai client refuses to start without some key.
DUMMY_KEY = "sk-no-key-needed"

OutputMode = Literal["json_schema", "tools", "json_object"]
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
    timeout: float = Field(60.0, gt=0, description="Seconds to wait for one reply.")
    temperature: float | None = Field(0.2, description="Sampling temperature; 'none' to omit it (reasoning models).")
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
    def host(self) -> str:
        """The server's host (and port), the only part of the URL worth logging."""
        return urlparse(self.effective_base_url).netloc

    @property
    def llm_configured(self) -> bool:
        """A key for api.openai.com, or any base URL (local servers need no key)."""
        if self.base_url is not None and not self.is_openai:
            return True
        return self.openai_api_key is not None or self.api_key is not None

    def api_key_for_request(self) -> str | None:
        """The key to send to this server, or None when OpenAI itself would get no key."""
        if self.is_openai:
            key = self.openai_api_key or self.api_key
            return key.get_secret_value() if key else None
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.send_openai_key_to_base_url and self.openai_api_key is not None:
            return self.openai_api_key.get_secret_value()
        return DUMMY_KEY

    @property
    def tokens_field(self) -> str:
        if self.token_param != "auto":
            return self.token_param
        return "max_completion_tokens" if self.is_openai else "max_tokens"

    def secrets(self) -> list[str]:
        """Every secret value, so output can be scrubbed of them as a last line of defence."""
        return [s.get_secret_value() for s in (self.openai_api_key, self.api_key) if s is not None and s.get_secret_value()]

    def scrub(self, text: str) -> str:
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


def load_settings(**flags: Any) -> Settings:
    """Settings from flags (None means 'not given'), then the environment, config.toml and defaults."""
    given = {k: v for k, v in flags.items() if v is not None}
    _check_config_keys()
    try:
        return Settings(**given)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        msg = first["msg"].removeprefix("Value error, ")
        raise InputError(f"settings: {_field_label(first['loc'])}: {msg} (flags, APPEALAGENT_* variables or {config_file()})") from None
    except (ValueError, OSError) as exc:  # a malformed config.toml
        raise InputError(f"{config_file()}: cannot read the config file: {exc}") from None


def _check_config_keys() -> None:
    """A misspelt key in config.toml would be ignored silently; name it instead."""
    import tomllib

    path = config_file()
    if not path.is_file():
        return
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read the config file: {exc}") from None
    known = set(Settings.model_fields) | {"mode"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(f"{path}: unknown setting {unknown[0]!r} (`appealagent config show` lists the settings)")


def settings_json(settings: Settings) -> str:
    return json.dumps(settings.public_dict(), indent=2, ensure_ascii=False)
