"""The one place a chat.completions body is built from the settings (model, token field, temperature).

Drafting, the Chinese explanation, intake's second opinion and the eval judge all
send the same kind of request; only the messages, the room for the reply and the
output format differ. Building the body here keeps the server-specific details
(`max_tokens` versus `max_completion_tokens`, an omitted temperature for reasoning
models) in one function.
"""

from __future__ import annotations

from typing import Any

from appealagent.settings import Settings

# A request body is JSON for the openai SDK: its values are as varied as the API's.
Body = dict[str, Any]
Message = dict[str, Any]


def chat_body(
    settings: Settings,
    messages: list[dict[str, str]],
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    output: Body | None = None,
) -> Body:
    """A chat.completions body: `output` adds response_format or tools; None leaves a value out."""
    body: Body = {"model": settings.model, "messages": messages}
    body.update(output or {})
    body[settings.tokens_field] = max_tokens if max_tokens is not None else settings.max_tokens
    if temperature is not None:
        body["temperature"] = temperature
    return body


def json_schema_output(name: str, schema: Body) -> Body:
    """response_format for a strict JSON schema (OpenAI's structured outputs)."""
    return {"response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}}


def json_object_output() -> Body:
    """response_format for any JSON object (servers without json_schema)."""
    return {"response_format": {"type": "json_object"}}


def tool_output(name: str, description: str, schema: Body) -> Body:
    """A forced function call whose arguments are the reply (servers that do tools better than schemas)."""
    return {
        "tools": [{"type": "function", "function": {"name": name, "description": description, "parameters": schema, "strict": True}}],
        "tool_choice": {"type": "function", "function": {"name": name}},
    }


def structured_output(settings: Settings, *, name: str, tool: str, description: str, schema: Body) -> Body:
    """The reply format the configured output mode asks for: a forced tool call, any JSON object, or a strict schema."""
    if settings.output_mode == "tools":
        return tool_output(tool, description, schema)
    if settings.output_mode == "json_object":
        return json_object_output()
    return json_schema_output(name, schema)
