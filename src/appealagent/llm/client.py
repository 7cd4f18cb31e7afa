"""The OpenAI-compatible client: one request, retried once at one layer, with faults explained.

Every server the seller may point at — OpenAI, Azure's v1 endpoint, Ollama, vLLM,
LM Studio, Chinese providers — speaks chat.completions, so that is the only API
used. Transient faults (timeouts, dropped connections, 429, 5xx) are retried here
with tenacity, exponential backoff with jitter, honouring Retry-After up to a cap;
the openai client's own retries are off (`max_retries=0`) so there is exactly one
retry layer and the attempt count in the run log is true. Faults a retry cannot
fix (400, 401, 403, 404, an exhausted quota) stop at once with one line naming the
cause and the fix. The API key never appears in a message: every text leaving this
module is scrubbed (URL credentials included).

Time is bounded twice. `timeout` is a deadline for one request — the whole
exchange, so a server trickling its body is cut off — not httpx's per-read
timeout. A draft's `CallStats.deadline` (the `budget` under `--engine auto`) caps
every request, backoff and Retry-After wait: when what is left cannot cover the
next wait the request gives up and `auto` falls back. In a batch, a circuit
breaker stops sending after `breaker` cases in a row found the server unreachable.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from appealagent.errors import EngineError
from appealagent.settings import DUMMY_KEY, Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = {408, 409, 429}
QUOTA_CODES = {"insufficient_quota", "billing_hard_limit_reached", "insufficient_balance", "quota_exceeded"}
MIN_ATTEMPT_SECONDS = 0.5  # below this, another attempt cannot finish: give up instead


class LLMError(EngineError):
    """The server could not give a usable reply; `kind` says which fault (for run logs and fallbacks)."""

    def __init__(self, message: str, *, kind: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass
class Reply:
    """What one successful request returned, reduced to what the engine needs."""

    content: str | None
    finish_reason: str | None
    usage: dict[str, int]
    tool_call_id: str | None = None
    refusal: str | None = None
    model: str | None = None


@dataclass
class Attempt:
    """One HTTP request as the run log records it."""

    n: int
    status: int | None
    outcome: str  # ok, timeout, connection, http_429, http_500, bad_reply…
    seconds: float
    waited: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "status": self.status, "outcome": self.outcome, "seconds": round(self.seconds, 3), "waited": round(self.waited, 3)}


@dataclass
class CallStats:
    """Attempts and token usage across every request made for one draft."""

    attempts: list[Attempt] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0})
    deadline: float | None = None  # time.monotonic() after which no request may run (the auto budget)
    budget: float | None = None  # the budget's length in seconds, for messages

    def remaining(self) -> float | None:
        """Seconds left of the budget (None: no budget)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def add_usage(self, usage: dict[str, int]) -> None:
        for k, v in usage.items():
            self.usage[k] = self.usage.get(k, 0) + int(v or 0)

    @property
    def requests(self) -> int:
        return len(self.attempts)


def _transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.APIResponseValidationError, _Deadline)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return not _is_quota(exc) and (exc.status_code in RETRY_STATUSES or exc.status_code >= 500)
    return isinstance(exc, _BadReply)


def _is_quota(exc: BaseException) -> bool:
    """OpenAI's insufficient_quota 429 (and 402 Payment Required elsewhere): waiting will not help."""
    status = getattr(exc, "status_code", None)
    if status == 402:
        return True
    if status != 429:
        return False
    body = getattr(exc, "body", None)
    err = body.get("error", body) if isinstance(body, dict) else None
    values = [str(err.get(k, "")).lower() for k in ("code", "type")] if isinstance(err, dict) else []
    return any(v in QUOTA_CODES for v in values) or "exceeded your current quota" in _server_message(exc).lower()


class _Deadline(Exception):
    """The request's deadline (timeout, or what is left of the budget) passed before the whole reply arrived."""


class _BudgetSpent(Exception):
    """The draft's time budget is spent: no further request or wait fits in it."""


class _BadReply(Exception):
    """A 200 whose body is not a chat completion (a broken proxy, an HTML error page)."""


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The server's own wait, from retry-after-ms or Retry-After (seconds or an HTTP date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _outcome(exc: BaseException) -> tuple[int | None, str]:
    import openai

    if isinstance(exc, (openai.APITimeoutError, _Deadline)):
        return None, "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return None, "connection"
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code, f"http_{exc.status_code}"
    return None, "bad_reply"


class LLMClient:
    """An `openai.AsyncOpenAI` for one server, with this project's retry policy around it."""

    def __init__(self, settings: Settings, *, max_in_flight: int | None = None) -> None:
        import openai

        self.settings = settings
        # In a batch, at most `max_in_flight` requests are at the server at once (the --jobs bound);
        # a request waiting out a backoff holds no slot.
        self._limit = asyncio.Semaphore(max_in_flight) if max_in_flight else None
        key = settings.api_key_for_request()
        if key is None:
            raise LLMError(
                "no API key: set OPENAI_API_KEY (or --base-url for a local server) or use --engine offline",
                kind="no_key",
            )
        self._keyless = key == DUMMY_KEY
        # Circuit breaker (batches): cases in a row whose requests could not reach the server.
        self.unreachable_streak = 0
        self.breaker_open = False
        self._client = openai.AsyncOpenAI(
            api_key=key,
            base_url=settings.effective_base_url,
            max_retries=0,
            timeout=settings.timeout,
        )
        if not settings.is_openai:
            # The client picks these up from OPENAI_ORG_ID/OPENAI_PROJECT_ID; they are OpenAI's, not this server's.
            self._client.organization = None
            self._client.project = None

    @property
    def raw(self) -> Any:
        """The underlying openai client, for calls outside chat.completions (models.list in the probe)."""
        return self._client

    async def aclose(self) -> None:
        await self._client.close()

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _wait(self, state: RetryCallState) -> float:
        s = self.settings
        # Exponential backoff with full jitter on top (tenacity's wait_exponential_jitter, whose
        # argument names changed between versions).
        base = s.retry_wait_initial * (2 ** (state.attempt_number - 1))
        backoff = min(s.retry_wait_max, base + random.uniform(0, s.retry_wait_initial))
        exc = state.outcome.exception() if state.outcome else None
        server = retry_after_seconds(exc)
        return min(server, s.retry_after_max) if server is not None else backoff

    def _note_outcome(self, reachable: bool) -> None:
        """Count cases in a row that could not reach the server; open the breaker at `breaker`."""
        if reachable:
            self.unreachable_streak = 0
            return
        self.unreachable_streak += 1
        limit = self.settings.breaker
        if limit and self.unreachable_streak >= limit and not self.breaker_open:
            self.breaker_open = True
            log.warning("%s: unreachable for %d case(s) in a row; no more requests go to it in this run", self.settings.host, self.unreachable_streak)

    async def _send(self, body: dict[str, Any], limit: float) -> Any:
        """One HTTP exchange that must be over within `limit` seconds, reply body included."""
        try:
            async with asyncio.timeout(limit):
                if self._limit is None:
                    return await self._client.chat.completions.create(**body, timeout=limit)
                async with self._limit:
                    return await self._client.chat.completions.create(**body, timeout=limit)
        except TimeoutError:
            raise _Deadline(f"no complete reply within {limit:.3g} s") from None

    async def complete(self, body: dict[str, Any], stats: CallStats) -> Reply:
        """Send one chat.completions request, retrying transient faults; raise LLMError otherwise."""
        s = self.settings
        if self.breaker_open:
            raise LLMError(
                s.scrub(f"{s.host} was unreachable for {self.unreachable_streak} case(s) in a row; not sending more requests in this run (check --base-url and the server, or use --engine offline)"),
                kind="circuit_open",
            )
        pending_wait = 0.0
        first = len(stats.attempts)
        over_budget = False

        def stop(state: RetryCallState) -> bool:
            nonlocal over_budget
            if state.attempt_number >= s.max_attempts:
                return True
            left = stats.remaining()
            # Retry-After and backoff are capped by what is left of the budget: a wait that leaves
            # no time for the next attempt ends the request now.
            over_budget = left is not None and left - state.upcoming_sleep < MIN_ATTEMPT_SECONDS
            return over_budget

        def before_sleep(state: RetryCallState) -> None:
            nonlocal pending_wait
            pending_wait = state.upcoming_sleep
            exc = state.outcome.exception() if state.outcome else None
            status, outcome = _outcome(exc) if exc else (None, "?")
            label = f"HTTP {status}" if status else {"timeout": f"no reply within {s.timeout:g} s", "connection": "connection failed"}.get(outcome, outcome.replace("_", " "))
            log.warning("%s: %s; retrying in %.1f s (attempt %d of %d)", s.host, label, state.upcoming_sleep, state.attempt_number + 1, s.max_attempts)

        retrying = AsyncRetrying(
            stop=stop,
            wait=self._wait,
            retry=retry_if_exception(_transient),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    started = time.monotonic()
                    waited, pending_wait = pending_wait, 0.0
                    n = len(stats.attempts) + 1
                    left = stats.remaining()
                    if left is not None and left < MIN_ATTEMPT_SECONDS:
                        raise _BudgetSpent()
                    limit = s.timeout if left is None else min(s.timeout, left)
                    try:
                        response = await self._send(body, limit)
                        reply = self._reply(response)
                    except Exception as exc:
                        status, outcome = _outcome(exc)
                        stats.attempts.append(Attempt(n, status, outcome, time.monotonic() - started, waited))
                        raise
                    stats.attempts.append(Attempt(n, 200, "ok", time.monotonic() - started, waited))
                    stats.add_usage(reply.usage)
                    self._note_outcome(True)
                    return reply
        except Exception as exc:  # every failure becomes one scrubbed line
            error = self._explain(_BudgetSpent(self._last_fault(exc)) if over_budget else exc, stats, len(stats.attempts) - first)
            mine = stats.attempts[first:]
            if mine:
                self._note_outcome(mine[-1].outcome not in {"timeout", "connection"})
            if error.kind == "not_found":
                error = await self._with_model_names(error)
            raise error from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _last_fault(self, exc: BaseException) -> str:
        """A few words on the fault that used up the budget, e.g. 'HTTP 429, Retry-After 100 s'."""
        status, outcome = _outcome(exc)
        words = f"HTTP {status}" if status else outcome.replace("_", " ")
        wait = retry_after_seconds(exc)
        return f"{words}, Retry-After {wait:g} s" if wait is not None else words

    async def _with_model_names(self, error: LLMError) -> LLMError:
        """A wrong model name is the usual 404 on Ollama/vLLM/LM Studio: say which models the server has."""
        try:
            page = await self._client.models.list()
            names = sorted(str(m.id) for m in page.data)
        except Exception:  # a server without /models: the plain message stands
            return error
        if not names:
            return error
        shown = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
        return LLMError(self.settings.scrub(f"{error.message}; models on this server: {shown}"), kind=error.kind, status=error.status)

    def _reply(self, response: Any) -> Reply:
        choices = getattr(response, "choices", None)
        if not choices:
            raise _BadReply("the reply has no choices")
        choice = choices[0]
        message = choice.message
        content = message.content
        tool_call_id = None
        if message.tool_calls:
            call = message.tool_calls[0]
            content = call.function.arguments
            tool_call_id = call.id
        usage = {}
        if getattr(response, "usage", None) is not None:
            u = response.usage
            usage = {
                "prompt_tokens": u.prompt_tokens or 0,
                "completion_tokens": u.completion_tokens or 0,
                "total_tokens": u.total_tokens or 0,
            }
        return Reply(
            content=content,
            finish_reason=choice.finish_reason,
            usage=usage,
            tool_call_id=tool_call_id,
            refusal=getattr(message, "refusal", None),
            model=getattr(response, "model", None),
        )

    def _explain(self, exc: BaseException, stats: CallStats | None = None, tried: int | None = None) -> LLMError:
        """One line: what went wrong and what to do about it."""
        import openai

        s = self.settings
        host, model = s.host, s.model
        tried = s.max_attempts if tried is None else tried
        attempts = f" after {tried} attempt(s)" if _transient(exc) else ""
        budget_left = stats.remaining() if stats is not None else None
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, _BudgetSpent) or (budget_left is not None and budget_left < MIN_ATTEMPT_SECONDS and _transient(exc)):
            spent = f"{stats.budget:g} s " if stats is not None and stats.budget else ""
            last = f" (last: {exc})" if isinstance(exc, _BudgetSpent) and str(exc) else ""
            return LLMError(
                s.scrub(f"{host} did not give a usable reply within the {spent}time budget after {tried} attempt(s){last}: raise --budget, or use --engine offline"),
                kind="budget",
            )
        if _is_quota(exc):
            return LLMError(
                s.scrub(f"{host} says the account has no quota or credit left (HTTP {getattr(exc, 'status_code', '?')}: {_server_message(exc)}): add credit or raise the limit in the provider's billing settings, or use --engine offline"),
                kind="quota", status=getattr(exc, "status_code", None),
            )
        if isinstance(exc, openai.AuthenticationError):
            if self._keyless and s.openai_api_key is not None:
                msg = (f"{host} refused the request (HTTP 401): OPENAI_API_KEY is not sent to a custom base URL; "
                       "set APPEALAGENT_API_KEY (or api_key in config.toml), or send_openai_key_to_base_url = true")
            elif self._keyless:
                msg = f"no API key: {host} wants one (HTTP 401); set APPEALAGENT_API_KEY, or use --engine offline"
            else:
                msg = f"{host} refused the API key (HTTP 401): check OPENAI_API_KEY / APPEALAGENT_API_KEY, or use --engine offline"
            return LLMError(s.scrub(msg), kind="auth", status=401)
        if isinstance(exc, openai.PermissionDeniedError):
            return LLMError(s.scrub(f"{host} denied access (HTTP 403): the key may not be allowed to use model {model!r}; check the key's project and --model"), kind="forbidden", status=403)
        if isinstance(exc, openai.NotFoundError):
            return LLMError(s.scrub(f"model not found: check --model ({model!r}) and that --base-url ({s.public_base_url}) ends in /v1 (HTTP 404)"), kind="not_found", status=404)
        if isinstance(exc, openai.APIStatusError) and exc.status_code in {400, 413, 422}:
            detail = _server_message(exc)
            hint = "; if the server does not support structured output, try --mode tools or --mode json_object"
            if "context" in detail.lower() or "too long" in detail.lower() or exc.status_code == 413:
                hint = "; the prompt is too long for this model: lower prompt_chars or --examples"
            return LLMError(s.scrub(f"{host} rejected the request (HTTP {exc.status_code}: {detail}){hint}"), kind="bad_request", status=exc.status_code)
        if isinstance(exc, (openai.APITimeoutError, _Deadline)):
            return LLMError(s.scrub(f"{host} did not send a complete reply within {s.timeout:g} s{attempts}: raise --timeout, try again later, or use --engine offline"), kind="timeout")
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(s.scrub(f"cannot reach {host}{attempts}: check --base-url and your connection, or use --engine offline"), kind="connection")
        if isinstance(exc, openai.RateLimitError):
            return LLMError(s.scrub(f"{host} kept rate-limiting the requests (HTTP 429){attempts}: {_server_message(exc)}; wait, lower --jobs, or check your quota"), kind="rate_limit", status=429)
        if isinstance(exc, openai.APIStatusError):
            return LLMError(s.scrub(f"{host} failed (HTTP {exc.status_code}){attempts}: {_server_message(exc)}; try again later or use --engine offline"), kind="server", status=exc.status_code)
        return LLMError(s.scrub(f"{host} sent a reply that is not a chat completion{attempts} ({type(exc).__name__}): is --base-url an OpenAI-compatible /v1 endpoint?"), kind="bad_reply")


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    message = None
    if isinstance(body, dict):
        err = body.get("error", body)
        message = err.get("message") if isinstance(err, dict) else str(err)
    message = message or getattr(exc, "message", "") or type(exc).__name__
    message = " ".join(str(message).split())
    return message[:200] + ("…" if len(message) > 200 else "")
