"""Reading a model's answer leniently: near-misses become the draft format, with a note each.

``canonical(data, notes)`` takes the JSON object a model wrote and returns it
in the draft format (``summarizer.engines.llm.draft``) as far as it can be
read without guessing:

* a single wrapping object (``{"brief": {...}}``) is unwrapped;
* the older flat key names are read (``source_id``, ``party_id``,
  ``evidence``, ``open_questions``) and so are common synonyms;
* enum values in any case, British spellings and obvious synonyms
  (``"Organisation"``, ``"Direct quote"``), number words (``"two"``), yes/no
  strings, a bare string where a list of strings belongs;
* the JSON Schema itself, echoed back, holds no brief.

Every change that loses or guesses something is a note (a warning in the
brief); spelling fixes that lose nothing are silent. Items are not validated
here: that is ``DraftBrief``'s job, one item at a time.
"""

from __future__ import annotations

import re
from typing import Any

PARTY_KINDS = ("person", "organization", "government", "country", "group", "media", "other")
ATTRIBUTIONS = ("direct_quote", "paraphrase", "narration")
LISTS = ("parties", "sources", "claims", "unknowns", "questions")
ID_PREFIX = {"parties": "p", "sources": "s", "claims": "c", "unknowns": "u"}

_KIND_SYNONYMS = {
    "organisation": "organization", "org": "organization", "company": "organization",
    "business": "organization", "institution": "organization", "party": "organization",
    "agency": "government", "governmentagency": "government", "ministry": "government",
    "state": "country", "nation": "country", "people": "group", "individual": "person",
    "politician": "person", "outlet": "media", "newsoutlet": "media", "newspaper": "media",
    "press": "media", "news": "media",
}  # fmt: skip
_ATTRIBUTION_SYNONYMS = {
    "directquote": "direct_quote", "quote": "direct_quote", "quoted": "direct_quote",
    "direct": "direct_quote", "quotation": "direct_quote", "paraphrased": "paraphrase",
    "reported": "paraphrase", "reportedspeech": "paraphrase", "indirect": "paraphrase",
    "indirectquote": "paraphrase", "narrated": "narration", "narrative": "narration",
    "article": "narration", "assertion": "narration",
}  # fmt: skip
_NUMBER_WORDS = {
    "one": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_TRUE = {"true", "yes", "y", "1", "anonymous"}
_FALSE = {"false", "no", "n", "0", "named", ""}

#: Key synonyms per list, canonical name first.
_ITEM_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "parties": {"id": ("party_id",), "name": ("label", "party"), "kind": ("type", "category"),
                "aliases": ("alias", "other_names", "names")},
    "sources": {"id": ("source_id",), "label": ("name", "source", "description"),
                "anonymous": ("anon", "is_anonymous"),
                "count": ("number", "how_many", "people"),
                "anonymity_reason": ("reason", "why_anonymous", "anonymity"),
                "party": ("party_id", "is_party", "party_ids"),
                "quotes": ("evidence", "quote", "spans")},
    "claims": {"id": ("claim_id",), "statement": ("claim", "text", "proposition"),
               "source": ("source_id", "by", "said_by", "sources"),
               "attribution": ("attribution_kind", "kind", "type", "how"),
               "quotes": ("evidence", "quote", "spans")},
    "unknowns": {"id": ("unknown_id",), "statement": ("unknown", "text", "what"),
                 "quotes": ("evidence", "quote", "spans")},
    "questions": {"question": ("text", "q"),
                  "based_on": ("from", "refs", "ids", "follows_from", "based_on_ids")},
}  # fmt: skip
_LIST_KEYS = {
    "parties": ("actors", "entities", "people"),
    "sources": ("attributions",),
    "claims": ("key_claims", "facts"),
    "unknowns": ("unknown", "gaps"),
    "questions": ("open_questions", "follow_up_questions"),
}
_STRING_LISTS = {"aliases", "quotes", "based_on"}
_KNOWN_TOP = {"summary", *LISTS, *(k for keys in _LIST_KEYS.values() for k in keys)}


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def unwrap(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The brief inside ``{"brief": {...}}`` (one level or two), else ``data`` itself."""
    for _ in range(2):
        if set(data) & _KNOWN_TOP:
            return data
        nested = [v for v in data.values() if isinstance(v, dict)]
        if len(nested) != 1 or not set(nested[0]) & (_KNOWN_TOP | {"brief"}):
            return data
        (name,) = [k for k, v in data.items() if v is nested[0]]
        notes.append(f"read the brief inside the answer's {name!r} object")
        data = nested[0]
    return data


def is_schema(data: dict[str, Any]) -> bool:
    """Whether ``data`` is a JSON Schema (a model echoing it back) rather than an answer."""
    return "properties" in data or "$defs" in data or data.get("type") == "object"


def canonical(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """``data`` in the draft format as far as it can be read; see the module docstring."""
    if not is_schema(data):
        data = unwrap(data, notes)
    if is_schema(data):
        notes.append("the answer is the JSON Schema, not a brief")
        return {}
    out: dict[str, Any] = {}
    summary = data.get("summary")
    if isinstance(summary, list):
        summary = " ".join(str(s) for s in summary if isinstance(s, str))
    if isinstance(summary, (str, int, float)):
        out["summary"] = str(summary)
    elif summary is not None:
        notes.append("the summary is not text; left out")
    for name in LISTS:
        value = next((data[k] for k in (name, *_LIST_KEYS[name]) if data.get(k) is not None), None)
        if value is None:
            continue
        out[name] = [_item(name, item, number, notes)
                     for number, item in enumerate(_as_list(value, name), start=1)]  # fmt: skip
    return out


def _as_list(value: Any, name: str) -> list[Any]:
    """A list of items: a lone item, or a map of id to item, read as a list."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        items = list(value.values())
        if items and all(isinstance(v, dict) for v in items):
            prefix = name[0] if name != "questions" else ""
            return [{**v, "id": v.get("id", k)} if prefix else v for k, v in value.items()]
        return [value]
    return [value]


def _item(name: str, item: Any, number: int, notes: list[str]) -> Any:
    """One item with canonical keys and near-miss values mended."""
    if isinstance(item, str) and name == "questions":
        item = {"question": item}
    if not isinstance(item, dict):
        return item
    keys = _ITEM_KEYS[name]
    out: dict[str, Any] = {}
    for canon, synonyms in keys.items():
        for key in (canon, *synonyms):
            if key in item and item[key] is not None:
                out[canon] = item[key]
                break
    known = {k for canon, synonyms in keys.items() for k in (canon, *synonyms)}
    extra = sorted(k for k in item if k not in known)
    if extra:
        notes.append(f"{name} item {number}: ignored {', '.join(map(repr, extra))}")
    for key in _STRING_LISTS & set(out):
        out[key] = _strings(out[key])
    for key, prefix in (("id", ID_PREFIX.get(name, "")), ("source", "s"), ("party", "p")):
        value = out.get(key)
        if isinstance(value, list):  # ["s1"]: the first
            value = next(iter(_strings(value)), None)
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{prefix}{value}"  # a bare number: the position it names
        if key in out:
            out[key] = str(value).strip() if isinstance(value, (str, int, float)) else None
            if not out[key]:
                del out[key]
    for key in ("name", "label", "statement", "question", "anonymity_reason"):
        if isinstance(out.get(key), (int, float)) and not isinstance(out[key], bool):
            out[key] = str(out[key])
    if name == "parties" and "kind" in out:
        out["kind"] = _enum(out["kind"], PARTY_KINDS, _KIND_SYNONYMS, "other",
                            f"party {number}", notes)  # fmt: skip
    if name == "claims" and "attribution" in out:
        out["attribution"] = _enum(out["attribution"], ATTRIBUTIONS, _ATTRIBUTION_SYNONYMS,
                                   None, f"claim {number}", notes)  # fmt: skip
    if name == "sources":
        _source_values(out, number, notes)
    return {k: v for k, v in out.items() if v is not None}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        found = []
        for v in value:
            if isinstance(v, dict):  # {"text": "..."} or {"quote": "..."}
                v = next((x for x in v.values() if isinstance(x, str)), None)
            if isinstance(v, (str, int, float)) and str(v).strip():
                found.append(str(v))
        return found
    return []


def _enum(
    value: Any,
    allowed: tuple[str, ...],
    synonyms: dict[str, str],
    fallback: str | None,
    owner: str,
    notes: list[str],
) -> str | None:
    text = str(value).strip().casefold().replace("-", "_").replace(" ", "_")
    if text in allowed:
        return text
    mended = synonyms.get(_key(text))
    if mended is not None:
        return mended
    notes.append(f"{owner}: unknown value {value!r}, read as {fallback or 'unset'}")
    return fallback


def _source_values(out: dict[str, Any], number: int, notes: list[str]) -> None:
    anonymous = out.get("anonymous")
    if isinstance(anonymous, str):
        text = anonymous.strip().casefold()
        out["anonymous"] = True if text in _TRUE else False if text in _FALSE else None
    elif isinstance(anonymous, (int, float)) and not isinstance(anonymous, bool):
        out["anonymous"] = bool(anonymous)
    count = out.get("count")
    if count is not None:
        out["count"] = _number(count)
        if out["count"] is None:
            notes.append(f"source {number}: count {count!r} is not a number, left out")


def _number(value: Any) -> int | None:
    """A positive count from 2, "2", "two", "two sources"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 1 and float(value).is_integer() else None
    text = str(value).strip().casefold()
    if text.isdigit():
        return int(text) if int(text) >= 1 else None
    words = text.split()
    for n in (2, 1):
        if " ".join(words[:n]) in _NUMBER_WORDS:
            return _NUMBER_WORDS[" ".join(words[:n])]
    return int(words[0]) if words and words[0].isdigit() and int(words[0]) >= 1 else None
