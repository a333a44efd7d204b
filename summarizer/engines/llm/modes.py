"""Which server is on the other end, and the structured-output mode ``auto`` uses there.

The modes themselves (``summarizer.config.Mode``) say where the schema goes and
how the answer is read; this module recognises servers and builds the parts of
a request that instructor does not build the way each server wants:

========================  ======================  ===========================================
server                    recognised by           auto's mode
========================  ======================  ===========================================
OpenAI                    host api.openai.com,    ``json_schema_strict``: structured outputs,
                          owned_by openai/system  decoding constrained to the strict schema
vLLM, Ollama (>= 0.5),    owned_by vllm /         ``json_schema``: OpenAI's response_format
LM Studio, llama-server   library / organization  form, which each turns into a grammar
                          _owner / llamacpp;      (LM Studio refuses json_object outright)
                          port 11434 / 1234
llama-cpp-python          owned_by me             ``json_grammar``: json_object + ``schema``
                                                  (it refuses type json_schema)
anything else                                     ``json`` (schema in the prompt), with a
                                                  warning in ``meta.warnings``
========================  ======================  ===========================================

Where the server constrains decoding to the schema, the schema is sent once, in
``response_format``, and not pasted into the prompt as well.
"""

from __future__ import annotations

import copy
import time
from enum import StrEnum
from functools import cache
from typing import Any, cast
from urllib.parse import urlparse

import instructor
import openai
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, TypeAdapter

from summarizer.config import MODES, Mode
from summarizer.engines.llm.transport import MIN_REQUEST_SECONDS, is_transient
from summarizer.errors import ConfigError

OPENAI_URL = "https://api.openai.com/v1"
#: Seconds for each ``GET /v1/models`` try that recognises the server in auto mode:
#: llama.cpp answers it slowly while it is generating, so the second try waits longer.
PROBE_TIMEOUTS = (10.0, 30.0)
PLAIN_JSON = "used plain JSON mode (set --mode to choose)"


class Server(StrEnum):
    """The kind of OpenAI-compatible server at the endpoint."""

    openai = "openai"
    llama_cpp_python = "llama_cpp_python"
    llama_server = "llama_server"
    ollama = "ollama"
    vllm = "vllm"
    lm_studio = "lm_studio"
    unknown = "unknown"

    @property
    def auto_mode(self) -> Mode:
        """The mode ``auto`` uses here: the strongest schema constraint the server documents."""
        return AUTO_MODES[self]


AUTO_MODES: dict[Server, Mode] = {
    # Strict structured outputs in response_format rather than strict tools: the answer
    # is data, not a function call; one reading path (JSON content) with the other
    # json_schema servers; and instructor 1.17 sends TOOLS_STRICT as plain TOOLS.
    Server.openai: Mode.json_schema_strict,
    Server.llama_server: Mode.json_schema,
    Server.ollama: Mode.json_schema,
    Server.vllm: Mode.json_schema,
    Server.lm_studio: Mode.json_schema,
    Server.llama_cpp_python: Mode.json_grammar,
    Server.unknown: Mode.json,
}
#: What ``GET /v1/models`` says in ``owned_by`` on each server.
OWNERS: dict[str, Server] = {
    "openai": Server.openai,
    "system": Server.openai,
    "me": Server.llama_cpp_python,
    "llamacpp": Server.llama_server,
    "library": Server.ollama,
    "vllm": Server.vllm,
    "organization_owner": Server.lm_studio,
}
#: Default ports, for when the listing does not say (or could not be had).
PORTS: dict[int, Server] = {11434: Server.ollama, 1234: Server.lm_studio}


def is_openai(url: str) -> bool:
    """Whether ``url`` is OpenAI's own API."""
    return urlparse(url).hostname == "api.openai.com"


def recognise(url: str, models: list[Any] | None = None) -> Server:
    """The server at ``url``, from its host, the ``owned_by`` of its models, or its port."""
    if is_openai(url):
        return Server.openai
    for model in models or []:
        owner = model.get("owned_by") if isinstance(model, dict) else model.owned_by
        if owner in OWNERS:
            return OWNERS[owner]
    try:
        port = urlparse(url).port
    except ValueError:
        port = None
    return PORTS.get(port or 0, Server.unknown)


def parse_mode(mode: str) -> Mode:
    """The ``Mode`` a setting names; ConfigError when it names none."""
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    return Mode(mode)


async def probe(
    client: openai.AsyncOpenAI, deadline: float, request_timeout: float
) -> tuple[list[Any], str | None]:
    """The models ``GET /v1/models`` lists, and why it failed (None when it did not).

    Tried again with more patience (``PROBE_TIMEOUTS``) when it timed out or failed
    with a transient error: llama.cpp answers slowly while it generates. All tries
    end within half of the time left before ``deadline``: the rest is the model's.
    """
    end = time.monotonic() + max(deadline - time.monotonic(), 0.0) / 2
    reason = "no time left to ask"
    for patience in PROBE_TIMEOUTS:
        timeout = min(patience, request_timeout, end - time.monotonic())
        if timeout < MIN_REQUEST_SECONDS:
            break
        try:
            return list((await client.models.list(timeout=timeout)).data), None
        except openai.OpenAIError as error:
            reason = probe_failure(error, timeout)
            if not is_transient(error):
                break
    return [], reason


def probe_failure(error: openai.OpenAIError, timeout: float) -> str:
    """Why a ``GET /v1/models`` try failed, in a few words."""
    if isinstance(error, openai.APITimeoutError):
        return f"no answer within {timeout:g}s"
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}"
    return "no connection"


def unrecognised(reason: str | None = None) -> str:
    """The warning for a brief made in plain JSON because the server is not known."""
    if reason is None:
        return f"server not recognised; {PLAIN_JSON}"
    return f"server not recognised ({reason}); {PLAIN_JSON}"


# --------------------------------------------------------------------------- #
# The request parts instructor does not build
# --------------------------------------------------------------------------- #


def schema_for(mode: Mode, model: type[BaseModel]) -> dict[str, Any]:
    """The typed schema the mode sends, compact; OpenAI's strict form when the mode is strict.

    ``model.model_json_schema()`` without arguments is what the prompt shows (for the
    draft, only its top-level shape); with one, pydantic's typed schema, compact.
    Strict: every property required (optional ones nullable), ``additionalProperties:
    false`` on every object, and no titles, descriptions or defaults.
    """
    if mode.strict:
        return copy.deepcopy(_strict_schema(model))
    return model.model_json_schema(mode="validation")


@cache
def _strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    # A TypeAdapter reads the fields, not a model_json_schema override.
    return _bare(to_strict_json_schema(TypeAdapter(model)))


def _bare(node: Any) -> Any:
    """``node`` without titles, descriptions and defaults (keeping properties so named)."""
    if isinstance(node, list):
        return [_bare(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: {name: _bare(sub) for name, sub in value.items()}
        if key in ("properties", "$defs")
        else _bare(value)
        for key, value in node.items()
        if key not in ("title", "description", "default")
    }


def response_format(mode: Mode, model: type[BaseModel]) -> dict[str, Any] | None:
    """The ``response_format`` carrying the schema, in the form the mode's servers read."""
    if not mode.schema_in_response_format:
        return None
    schema = schema_for(mode, model)
    if mode is Mode.json_grammar:  # llama-cpp-python: JSON mode, constrained by a grammar
        return {"type": "json_object", "schema": schema}
    form: dict[str, Any] = {"name": model.__name__, "schema": schema}
    if mode.strict:
        form["strict"] = True
    return {"type": "json_schema", "json_schema": form}


def strict_tools(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The tool definition of ``tools_strict`` (instructor 1.17 sends no strict tools)."""
    schema = schema_for(Mode.tools_strict, model)
    description = schema.pop("description", None) or model.__name__
    schema.pop("title", None)
    function = {"name": model.__name__, "description": description, "parameters": schema,
                "strict": True}  # fmt: skip
    return [{"type": "function", "function": function}]


def extra_body(mode: Mode, model: type[BaseModel]) -> dict[str, Any] | None:
    """What replaces instructor's parts of the request body (openai merges it in last)."""
    if mode is Mode.tools_strict:
        return {"tools": strict_tools(model)}
    form = response_format(mode, model)
    return None if form is None else {"response_format": form}


@cache
def schema_model(model: type[Any]) -> type[Any]:
    """``model`` as instructor's response schema, built once: instructor builds a new
    pydantic class from the response model on every call otherwise (~6 ms)."""
    return cast(type[Any], instructor.openai_schema(model))


def _check_models_once() -> None:
    """instructor checks the response model for async validators on every call (twice),
    walking every member of its classes: ~9 ms per request for the draft, the client's
    largest cost in a batch. A class's answer never changes, so each is checked once."""
    try:
        from instructor.v2.core import patch
        from instructor.v2.validation import async_validators
    except ImportError:  # another instructor layout: nothing to speed up
        return
    check = async_validators.reject_async_validators
    once = cache(check)
    for module in (async_validators, patch):
        if getattr(module, "reject_async_validators", None) is check:
            setattr(module, "reject_async_validators", once)  # noqa: B010 (mypy: undeclared)


_check_models_once()
