"""Offline generator of Glaive Function Calling v2 rows, in the dataset's exact raw byte layout.

`iter_sample_rows(size, seed)` yields `(source_index, {"system": str, "chat": str})` for
source_index 0..size-1 (size 0 means SAMPLE_ALL_ROWS = 112,960, the real dataset's size). Row i is a
pure function of (seed, i): each row seeds its own `random.Random` from the pair, so the same seed gives
byte-identical rows, any slice can be generated alone (`generate_sample_row`), and chunks can be made
in parallel. The content (47 invented function schemas, argument values, phrasing, general
questions) lives in `sample_content.py`, the long conversations without functions in `sample_prose.py` and
`sample_topics.py`; nothing is copied from the real dataset.

Layout (see ../shared/glaive/FORMAT.md):
- system: `SYSTEM_WITH_FUNCTIONS` + the schemas (json.dumps(indent=4)) joined by a blank line, ending
  "}\\n" for one schema and "}\\n\\n" for several; or exactly `SYSTEM_NO_FUNCTIONS`.
- chat: `USER: `, `ASSISTANT: ... <|endoftext|>`,
  `ASSISTANT: <functioncall> {"name": "...", "arguments": '{...}'} <|endoftext|>`, `FUNCTION RESPONSE: {...}`,
  joined by "\\n\\n\\n" and ending "\\n\\n\\n".

Mix (fractions of all rows, KIND_RATES; the real dataset's own figures):
- 30.6 % no functions (the exact no-functions prompt): long general conversations (sample_prose.py),
  2-7 exchanges (mean 3.6) of a detailed request and answers of several paragraphs, often with code;
- 13.4 % functions declared, no call: mostly refusals ("I'm sorry, but I don't have the capability to
  ..."), else questions answered directly or a clarifying question left unanswered; one user turn as a rule;
- 56.0 % functions declared and at least one call: 1 call (72 %), 2 (25 %), 3 (1.5 %), 4 (1.5 %), one per
  assistant turn, each followed by a FUNCTION RESPONSE and an assistant text turn; 40 % open with a vague
  request and a clarifying question, 35 % of the others with a sentence of context; ~3 % of responses are
  errors ({"error": ...} or {"status": "unavailable", "message": ...}) answered by an apology; ~12 % add an
  out-of-scope request that is refused; ~45 % end with thanks and a welcome.
- Rows with calls declare 1 (86 %), 2 (13 %) or 3 (1 %) distinct schemas; rows without calls 1 (96 %),
  2 (3.5 %) or 3 (0.5 %).
- Non-ASCII text (accented names, CJK, emoji, ², ¿) comes from the value pools, in about 20 % of rows.
- No-call rows also draw on canned questions, short task prompts whose user turn holds line breaks, and
  question families computed from random numbers.

Sizes follow the 606 real rows of ../shared/glaive as benchmarks/row_shape.py measures them (bytes per
JSON line: mean about 2,380, p90 about 4,560; per row: 2.4 user turns, 0.7 calls, 0.8 functions); the
generator's figures are within 10 % of those (glaive_assets_tests/test_sources_sample_realism.py).

Quirks (QUIRK_RATES, fractions of all rows; each row carries at most one, and the rows of a quirk are
given the kind it needs, while the other rows' kinds are re-weighted so KIND_RATES still hold overall).
Each reproduces a quirk of QUIRKS.md:
- arguments_plain_object: `"arguments": {...}` not quoted (60 % one line, else indented over lines);
- arguments_multiline: `'{\\n  "k": v\\n}'` (json indent=2) inside the quotes;
- arguments_apostrophe: a string value with an apostrophe inside the single quotes (`let's`); the value
  pools also produce these naturally, so apostrophes are more common than the forced rate;
- arguments_escaped_apostrophe: the same with `\\'`;
- arguments_infinity: a number replaced by `Infinity`;
- arguments_placeholder: a value replaced by `[User provided data]` (60 % bare, not JSON; 40 % as a string);
- arguments_list / arguments_null: `'[...]'` / `null` as the arguments;
- parameters_key: `"parameters"` instead of `"arguments"` (a plain object or a quoted string);
- call_truncated: the call cut inside its arguments, then ` <|endoftext|>`; the chat then ends (50 %)
  or continues with a response;
- extra_closing_brace: `'{...}'}}`;
- foreign_call_syntax: `AI to= name: {...}` then a truncated `FUNCTION RESPONSE: {"key": "` that ends the chat;
- text_before_call: assistant text, a newline, then `<functioncall>` in the same turn;
- stray_marker_in_assistant: ` <|endoftext|>\\n\\n\\nASSISTANT:\\n` inside an assistant text turn;
- stray_marker_in_function_response / stray_marker_in_user: `\\nASSISTANT: ` inside the turn, which
  then ends ` <|endoftext|>`;
- ends_on_user_turn (1.42 %, the real 1,599 rows): a final USER turn with no answer;
- consecutive_user_turns / consecutive_assistant_turns: two turns of one role in a row;
- call_name_mismatch: the schema declares `get-x` style (one `_` made `-`) but the call says `get_x`;
- duplicate_function_conflict: one name declared twice with different definitions (real: 338 rows);
- duplicate_function_identical: one name declared twice verbatim (real: 13 rows; raised to be seen);
- function_response_truncated: `FUNCTION RESPONSE: {"key": "Th` and the chat ends;
- no_function_double_newline: a no-function row whose turns are separated by "\\n\\n" and which ends
  without a trailing separator (70 %) or with "\\n\\n".
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Iterator
from typing import NamedTuple

from glaive_assets.sources import sample_content as content
from glaive_assets.sources import sample_prose as prose

SAMPLE_ALL_ROWS = 112_960
SAMPLE_GENERATOR_VERSION = "3"  # bump whenever generated bytes change for a given (seed, index)

SYSTEM_WITH_FUNCTIONS = (
    "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
)
SYSTEM_NO_FUNCTIONS = "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n"
END = " <|endoftext|>"
SEP = "\n\n\n"

KIND_NO_FUNCTIONS = "no_functions"
KIND_NO_CALL = "functions_no_call"
KIND_CALLS = "functions_with_calls"
KIND_RATES: dict[str, float] = {
    KIND_NO_FUNCTIONS: 34_598 / SAMPLE_ALL_ROWS,
    KIND_NO_CALL: 15_144 / SAMPLE_ALL_ROWS,
    KIND_CALLS: 63_218 / SAMPLE_ALL_ROWS,
}

QUIRK_RATES: dict[str, float] = {
    "arguments_plain_object": 0.004,
    "arguments_multiline": 0.004,
    "arguments_apostrophe": 0.008,
    "arguments_escaped_apostrophe": 0.002,
    "arguments_infinity": 0.002,
    "arguments_placeholder": 0.003,
    "arguments_list": 0.002,
    "arguments_null": 0.002,
    "parameters_key": 0.002,
    "call_truncated": 0.003,
    "extra_closing_brace": 0.002,
    "foreign_call_syntax": 0.002,
    "text_before_call": 0.005,
    "stray_marker_in_assistant": 0.002,
    "stray_marker_in_function_response": 0.002,
    "stray_marker_in_user": 0.002,
    "ends_on_user_turn": 1_599 / SAMPLE_ALL_ROWS,
    "consecutive_user_turns": 0.003,
    "consecutive_assistant_turns": 0.003,
    "call_name_mismatch": 0.002,
    "duplicate_function_conflict": 338 / SAMPLE_ALL_ROWS,
    "duplicate_function_identical": 0.0005,
    "function_response_truncated": 0.002,
    "no_function_double_newline": 0.006,
}

# The row kind each quirk needs; "functions" = any kind that declares functions; absent = any kind.
_QUIRK_KIND = {
    **{name: KIND_CALLS for name in QUIRK_RATES if name.startswith(("arguments_", "call_"))},
    "parameters_key": KIND_CALLS,
    "extra_closing_brace": KIND_CALLS,
    "foreign_call_syntax": KIND_CALLS,
    "text_before_call": KIND_CALLS,
    "stray_marker_in_function_response": KIND_CALLS,
    "function_response_truncated": KIND_CALLS,
    "duplicate_function_conflict": "functions",
    "duplicate_function_identical": "functions",
    "no_function_double_newline": KIND_NO_FUNCTIONS,
}


# The shape of the 606 real rows in ../shared/glaive (see benchmarks/row_shape.py): rows with calls
# make 1-4 calls (mean 1.33; the real rows 1.37, their with-calls share being lower than KIND_RATES'),
# and rows declare fewer functions than calls would need (real: 78 % of rows with calls and all rows
# without declare one; mean 0.77 per row). Cumulative shares of 1, 2, 3 (then 4) calls or functions.
CALLS_CUMULATIVE = (0.72, 0.97, 0.985)
FUNCTIONS_CUMULATIVE = {KIND_CALLS: (0.86, 0.99), KIND_NO_CALL: (0.96, 0.995)}
REPLY_TAIL_RATE = 0.6  # an assistant reply to a response ends with an offer of more help
VAGUE_OPENING_RATE = 0.4  # a row with calls opens with a vague request and a clarifying question
THANKS_RATE = 0.45  # a row with calls ends with thanks and a welcome
REQUEST_CONTEXT_RATE = 0.35  # a direct first request is preceded by a sentence of context
STATUS_SUCCESS_RATE = 0.45  # of the `error` draw (errors take < 0.03): a response without a status gets "success"


class SampleRow(NamedTuple):
    row: dict[str, str]
    kind: str  # one of KIND_RATES
    quirk: str | None  # one of QUIRK_RATES, or None


# --- tables computed once ------------------------------------------------------------------------------
_QUIRK_NAMES = list(QUIRK_RATES)
_QUIRK_CUMULATIVE: list[float] = []
_running = 0.0
for _name in _QUIRK_NAMES:
    _running += QUIRK_RATES[_name]
    _QUIRK_CUMULATIVE.append(_running)


def _unforced_kind_thresholds() -> tuple[float, float]:
    """Kind probabilities for rows whose quirk does not fix the kind, so the overall mix is KIND_RATES."""
    forced = dict.fromkeys(KIND_RATES, 0.0)
    share_calls = KIND_RATES[KIND_CALLS] / (KIND_RATES[KIND_CALLS] + KIND_RATES[KIND_NO_CALL])
    for name, rate in QUIRK_RATES.items():
        need = _QUIRK_KIND.get(name)
        if need == "functions":
            forced[KIND_CALLS] += rate * share_calls
            forced[KIND_NO_CALL] += rate * (1 - share_calls)
        elif need is not None:
            forced[need] += rate
    free = 1.0 - sum(forced.values())
    p_none = (KIND_RATES[KIND_NO_FUNCTIONS] - forced[KIND_NO_FUNCTIONS]) / free
    p_no_call = (KIND_RATES[KIND_NO_CALL] - forced[KIND_NO_CALL]) / free
    return p_none, p_none + p_no_call


_P_NONE, _P_NONE_OR_NO_CALL = _unforced_kind_thresholds()
_SHARE_CALLS = KIND_RATES[KIND_CALLS] / (KIND_RATES[KIND_CALLS] + KIND_RATES[KIND_NO_CALL])

def _line_encoder():
    """json.dumps(obj, ensure_ascii=False): one line, ", " and ": " separators, non-ASCII raw, like Glaive.

    JSONEncoder.encode builds a new C encoder on every call, which is most of its cost on small objects;
    this builds it once. It is used only if it writes exactly what JSONEncoder writes.
    """
    reference = json.JSONEncoder(ensure_ascii=False).encode
    try:
        from json.encoder import c_make_encoder, encode_basestring

        default = json.JSONEncoder().default
        built = c_make_encoder(None, default, encode_basestring, None, ": ", ", ", False, False, True)
        probe = {"a": [1, -2.5, 1e300, float("inf"), None, True, "é\n\"'"], "b": {}, "c": [{"d": []}]}
        if "".join(built(probe, 0)) == reference(probe):
            return lambda value: "".join(built(value, 0))
    except Exception:  # another Python's private API: fall back to the public encoder
        pass
    return reference


_ENCODE = _line_encoder()


def _placeholders(template: str) -> set[str]:
    return {part.split("}", 1)[0] for part in template.split("{")[1:]}


class _Fn:
    """A FunctionSpec with everything a row needs rendered in advance."""

    def __init__(self, spec: content.FunctionSpec) -> None:
        self.spec = spec
        self.name = spec.name
        properties = list(spec.parameters.get("properties", {}))
        required = set(spec.parameters.get("required", []))
        schema = {"name": spec.name, "description": spec.description, "parameters": spec.parameters}
        self.text = json.dumps(schema, indent=4)
        # A second, different definition under the same name: another description, one property fewer.
        alt_parameters = json.loads(json.dumps(spec.parameters))
        if properties:
            dropped = properties[-1]
            del alt_parameters["properties"][dropped]
            if "required" in alt_parameters:
                alt_parameters["required"] = [p for p in alt_parameters["required"] if p != dropped]
        alt = {"name": spec.name, "description": spec.alt_description, "parameters": alt_parameters}
        self.alt_text = json.dumps(alt, indent=4)
        cut = spec.name.rfind("_")
        self.mangled_name = spec.name[:cut] + "-" + spec.name[cut + 1 :]
        self.mangled_text = json.dumps({**schema, "name": self.mangled_name}, indent=4)

        def plan(template: str) -> tuple[str, tuple[str, ...]]:
            named = _placeholders(template) | required
            return template, tuple(p for p in properties if p in named)

        self.asks = [plan(t) for t in spec.asks]
        self.details = [plan(t) for t in spec.details]
        self.values = spec.values
        self.required = [p for p in properties if p in required]
        self.numeric = [
            p for p in self.required if spec.parameters["properties"][p]["type"] in ("number", "integer")
        ] + [
            p
            for p in self.required
            if spec.parameters["properties"][p]["type"] == "array"
            and spec.parameters["properties"][p]["items"].get("type") == "number"
        ]
        self.apostrophe_props = {
            p: tuple(v for v in pool if isinstance(v[0], str) and "'" in v[0]) for p, pool in self.values.items()
        }
        self.apostrophe_props = {p: pool for p, pool in self.apostrophe_props.items() if pool}


_FNS = [_Fn(spec) for spec in content.FUNCTIONS]
_N_FNS = len(_FNS)
_ELIGIBLE = {
    "arguments_apostrophe": [f for f in _FNS if any(f.apostrophe_props.get(p) for t in f.asks for p in t[1])],
    "arguments_infinity": [f for f in _FNS if f.numeric],
    "arguments_placeholder": [f for f in _FNS if f.required],
    "arguments_list": [f for f in _FNS if f.required],
    "arguments_multiline": [f for f in _FNS if f.required],
    "call_truncated": [f for f in _FNS if f.required],
    "foreign_call_syntax": [f for f in _FNS if f.required],
}
_ELIGIBLE["arguments_escaped_apostrophe"] = _ELIGIBLE["arguments_apostrophe"]


def _pick(rand, options):  # faster than Random.choice
    return options[int(rand() * len(options))]


def _join_names(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- pieces of a conversation ------------------------------------------------------------------------
def _fill(rand, fn: _Fn, planned: tuple[str, tuple[str, ...]], forced: dict | None = None) -> tuple[str, dict]:
    template, props = planned
    args: dict = {}
    words: dict = {}
    values = fn.values
    for p in props:
        pool = forced[p] if forced and p in forced else values[p]
        value, word = pool[int(rand() * len(pool))]
        args[p] = value
        words[p] = word
    return template.format_map(words), args


def _refusal(rand, fns: list[_Fn], task: str) -> str:
    caps = _join_names(list(dict.fromkeys(f.spec.capability for f in fns)))
    plural = len({f.name for f in fns}) > 1
    style = rand()
    if style < 0.65:
        head = f"I'm sorry, but I don't have the capability to {task}."
    elif style < 0.85:
        head = f"I'm sorry, but as an AI, I don't have the capability to {task}, as it's an external task."
    else:
        head = f"Unfortunately, I can't {task} because I don't have access to that kind of service."
    tail = _pick(rand, content.REFUSAL_TAILS)
    body = f" My current functions allow me to {caps}." if plural else f" My current function allows me to {caps}."
    return f"ASSISTANT: {head}{body} {tail}".rstrip() + END


def _out_of_scope(rand) -> tuple[str, str]:
    template, task = _pick(rand, content.OUT_OF_SCOPE)
    if "{" in template:
        template = template.format(a=_pick(rand, content.CITIES)[1], b=_pick(rand, content.CITIES)[1])
    return "USER: " + template, task


def _general_exchange(rand, turns: list[str], allow_follow_up: bool = True) -> None:
    style = rand()
    if style < 0.1:
        prompt, answer = _pick(rand, content.TASK_PROMPTS)
        turns.append("USER: " + prompt)
        turns.append("ASSISTANT: " + answer + END)
    elif style < 0.45:
        question, answer, follow_up, follow_answer = _pick(rand, content.GENERAL_QA)
        turns.append("USER: " + _open(rand, question))
        turns.append("ASSISTANT: " + answer + END)
        if allow_follow_up and rand() < 0.55:
            turns.append("USER: " + follow_up)
            turns.append("ASSISTANT: " + follow_answer + END)
    else:
        rng = rand.__self__
        family = _pick(rand, content.QUESTION_FAMILIES)
        question, answer = family(rng)
        turns.append("USER: " + _open(rand, question))
        turns.append("ASSISTANT: " + answer + END)
        if allow_follow_up and rand() < 0.4:
            question, answer = family(rng)
            turns.append("USER: " + _pick(rand, content.FAMILY_FOLLOW_UPS) + question)
            turns.append("ASSISTANT: " + answer + END)


def _open(rand, request: str) -> str:
    """A greeting, then the request; after "Hi, " the request goes on in lower case (but not "I")."""
    opener = _pick(rand, content.OPENERS)
    if opener.endswith(", ") and not request.startswith(("I ", "I'")):
        return opener + request[0].lower() + request[1:]
    return opener + request


def _inside_string_value(text: str) -> int:
    """A position just after a space inside the first string value that has one, or -1."""
    key = text.find('": "')
    while key >= 0:
        close = text.find('"', key + 4)
        space = text.find(" ", key + 4, close)
        if space >= 0:
            return space + 1
        key = text.find('": "', close)
    return -1


def _after_space(text: str, start: int) -> int:
    space = text.find(" ", start)
    return len(text) if space < 0 else space + 1


def _stray_in_text(text: str) -> str:
    """`\\nASSISTANT: ` inside a user or response text, which then ends with the assistant marker."""
    cut = _after_space(text, len(text) // 2)
    return text[:cut] + "\nASSISTANT: " + text[cut:] + END


def _call_text(rand, fn: _Fn, name: str, args: dict, quirk: str | None) -> str:
    """What follows `<functioncall> ` in a call turn (before ` <|endoftext|>`)."""
    if quirk is None or quirk in ("arguments_apostrophe", "call_name_mismatch", "text_before_call"):
        return '{"name": "%s", "arguments": \'%s\'}' % (name, _ENCODE(args))
    if quirk == "arguments_plain_object":
        inner = _ENCODE(args) if rand() < 0.6 else json.dumps(args, indent=2, ensure_ascii=False)
        return '{"name": "%s", "arguments": %s}' % (name, inner)
    if quirk == "arguments_null":
        return '{"name": "%s", "arguments": null}' % name
    if quirk == "parameters_key":
        if rand() < 0.5:
            return '{"name": "%s", "parameters": %s}' % (name, _ENCODE(args))
        return '{"name": "%s", "parameters": \'%s\'}' % (name, _ENCODE(args))
    if quirk == "arguments_multiline":
        text = json.dumps(args, indent=2, ensure_ascii=False)
    elif quirk == "arguments_list":
        arrays = [v for v in args.values() if isinstance(v, list)]
        text = _ENCODE(arrays[0] if arrays else list(args.values()))
    elif quirk == "arguments_infinity":
        prop = fn.numeric[0]
        bad = dict(args)
        bad[prop] = [*args[prop][:-1], float("inf")] if isinstance(args[prop], list) else float("inf")
        text = _ENCODE(bad)  # the encoder writes float("inf") as Infinity
    elif quirk == "arguments_placeholder":
        bad = dict(args)
        bare = rand() < 0.6
        bad[fn.required[0]] = "\x00placeholder\x00" if bare else "[User provided data]"
        text = _ENCODE(bad).replace('"\\u0000placeholder\\u0000"', "[User provided data]")
    else:
        text = _ENCODE(args)
    if quirk == "arguments_escaped_apostrophe":
        text = text.replace("'", "\\'")
    call = '{"name": "%s", "arguments": \'%s\'}' % (name, text)
    if quirk == "extra_closing_brace":
        return call + "}"
    if quirk == "call_truncated":
        start = call.index("'{") + 2
        stop = len(call) - 3
        openings = [i + 4 for i in range(start, stop) if call.startswith('": "', i)]
        cut = _pick(rand, openings) if openings else start + int(rand() * (stop - start))
        return call[:cut]
    return call


def _truncate_response(rand, text: str) -> str:
    key = text.find('": "')
    if key < 0:
        return text[: max(1, len(text) // 2)]
    start = key + 4
    close = text.find('"', start)
    return text[: start + int(rand() * min(12, max(1, close - start)))]


def _response(rand, fn: _Fn, args: dict, error: float) -> tuple[str, str]:
    """The FUNCTION RESPONSE object text and the assistant's reply to it."""
    if error < 0.015:
        reason = _pick(rand, content.ERROR_MESSAGES)
        return _ENCODE({"error": reason}), _pick(rand, content.APOLOGIES).format(reason=reason.lower())
    if error < 0.03:
        message = _pick(rand, content.UNAVAILABLE_MESSAGES)
        body = {"status": "unavailable", "message": message}
        return _ENCODE(body), _pick(rand, content.APOLOGIES).format(reason="the service is unavailable")
    body, summary = fn.spec.respond(args, rand.__self__)  # the row's own Random
    if error < STATUS_SUCCESS_RATE and "status" not in body:
        body = {"status": "success", **body}
    return _ENCODE(body), summary


# --- rows ---------------------------------------------------------------------------------------------
def _choose_functions(rand, k: int, first: _Fn | None) -> list[_Fn]:
    chosen = [first] if first is not None else []
    while len(chosen) < k:
        fn = _FNS[int(rand() * _N_FNS)]
        if fn not in chosen:
            chosen.append(fn)
    return chosen


def _system(rand, fns: list[_Fn], quirk: str | None) -> str:
    texts = [fn.text for fn in fns]
    if quirk == "call_name_mismatch":
        texts[0] = fns[0].mangled_text
    elif quirk == "duplicate_function_conflict":
        texts.append(fns[0].alt_text)
    elif quirk == "duplicate_function_identical":
        texts.append(fns[0].text)
    if len(texts) > 1:
        # The called function is not always declared first.
        if rand() < 0.5:
            texts[0], texts[-1] = texts[-1], texts[0]
        return SYSTEM_WITH_FUNCTIONS + "\n\n".join(texts) + "\n\n"
    return SYSTEM_WITH_FUNCTIONS + texts[0] + "\n"


def _calls_chat(rand, fns: list[_Fn], quirk: str | None) -> tuple[list[str], bool]:
    """Turns of a conversation with calls; the flag says the chat already ends (a cut-off tail)."""
    u = rand()
    n_calls = 1 if u < CALLS_CUMULATIVE[0] else 2 if u < CALLS_CUMULATIVE[1] else 3 if u < CALLS_CUMULATIVE[2] else 4
    turns: list[str] = []
    fn = fns[0]
    forced = None
    if quirk in ("arguments_apostrophe", "arguments_escaped_apostrophe"):
        forced = fn.apostrophe_props
        asks = [t for t in fn.asks if any(p in forced for p in t[1])]
        request, args = _fill(rand, fn, _pick(rand, asks), forced)
        turns.append("USER: " + _open(rand, request))
    elif fn.spec.vague and rand() < VAGUE_OPENING_RATE:
        turns.append("USER: " + _open(rand, _pick(rand, fn.spec.vague)))
        turns.append("ASSISTANT: " + fn.spec.clarify + END)
        request, args = _fill(rand, fn, _pick(rand, fn.details))
        turns.append("USER: " + request)
    else:
        request, args = _fill(rand, fn, _pick(rand, fn.asks))
        context = _pick(rand, content.REQUEST_CONTEXTS) if rand() < REQUEST_CONTEXT_RATE else ""
        turns.append("USER: " + _open(rand, context + request))

    for call_number in range(n_calls):
        if call_number:
            if rand() < 0.12:
                ask, task = _out_of_scope(rand)
                turns.append(ask)
                turns.append(_refusal(rand, fns, task))
            fn = _pick(rand, fns)
            request, args = _fill(rand, fn, _pick(rand, fn.asks))
            turns.append("USER: " + _pick(rand, content.FOLLOW_UP_OPENERS) + request)
        call_quirk = quirk if call_number == 0 else None
        name = fn.name
        if call_quirk == "foreign_call_syntax":
            turns.append(f"ASSISTANT: {_pick(rand, content.BEFORE_CALL)}\nAI to= {name}: {_ENCODE(args)}{END}")
            body, _ = _response(rand, fn, args, 1.0)
            turns.append("FUNCTION RESPONSE: " + _truncate_response(rand, body))
            return turns, True
        call = "ASSISTANT: <functioncall> " + _call_text(rand, fn, name, args, call_quirk) + END
        if call_quirk == "text_before_call":
            call = f"ASSISTANT: {_pick(rand, content.BEFORE_CALL)}\n<functioncall> " + call[26:]
        elif call_quirk == "consecutive_assistant_turns":
            turns.append(f"ASSISTANT: {_pick(rand, content.BEFORE_CALL)}{END}")
        turns.append(call)
        if call_quirk == "call_truncated" and rand() < 0.5:
            return turns, False
        body, reply = _response(rand, fn, args, rand())
        if call_quirk == "function_response_truncated":
            turns.append("FUNCTION RESPONSE: " + _truncate_response(rand, body))
            return turns, True
        if call_quirk == "stray_marker_in_function_response":
            at = _inside_string_value(body)
            if at < 0:
                at = _after_space(body, len(body) // 2)
            body = body[:at] + "\nASSISTANT: " + body[at:] + END
        turns.append("FUNCTION RESPONSE: " + body)
        if rand() < REPLY_TAIL_RATE:
            reply += " " + _pick(rand, content.REPLY_TAILS)
        turns.append("ASSISTANT: " + reply + END)

    if rand() < THANKS_RATE:
        turns.append("USER: " + _pick(rand, content.THANKS))
        turns.append("ASSISTANT: " + _pick(rand, content.WELCOMES) + END)
    return turns, False


def _no_call_chat(rand, fns: list[_Fn]) -> list[str]:
    turns: list[str] = []
    style = rand()
    if style < 0.8:
        ask, task = _out_of_scope(rand)
        turns.append(ask)
        turns.append(_refusal(rand, fns, task))
        follow = rand()
        if follow < 0.04:
            turns.append("USER: " + _pick(rand, content.THANKS))
            turns.append("ASSISTANT: " + _pick(rand, content.WELCOMES) + END)
        elif follow < 0.06:
            _general_exchange(rand, turns, allow_follow_up=False)
    elif style < 0.9:
        _general_exchange(rand, turns, allow_follow_up=False)
    else:
        fn = fns[0]
        turns.append("USER: " + _open(rand, _pick(rand, fn.spec.vague)))
        turns.append("ASSISTANT: " + fn.spec.clarify + END)
    return turns


def _seed_key(seed: int, index: int) -> int:
    # Non-negative and distinct for every (seed, index) pair: zig-zag the seed, shift it past the index.
    zigzag = seed * 2 if seed >= 0 else -seed * 2 - 1
    return (zigzag << 48) | index


def generate_sample_row(seed: int, index: int) -> SampleRow:
    """Row `index` of the synthetic dataset for `seed`, with its kind and quirk label."""
    if not 0 <= index < 1 << 48:
        raise ValueError(f"index must be in [0, 2**48), got {index}")
    rand = random.Random(_seed_key(seed, index)).random  # a fresh Random per row: thread-safe
    u = rand()
    slot = bisect.bisect_right(_QUIRK_CUMULATIVE, u)
    quirk = _QUIRK_NAMES[slot] if slot < len(_QUIRK_NAMES) else None
    need = _QUIRK_KIND.get(quirk) if quirk else None
    if need == "functions":
        kind = KIND_CALLS if rand() < _SHARE_CALLS else KIND_NO_CALL
    elif need is not None:
        kind = need
    else:
        v = rand()
        kind = KIND_NO_FUNCTIONS if v < _P_NONE else KIND_NO_CALL if v < _P_NONE_OR_NO_CALL else KIND_CALLS

    ended = False
    if kind == KIND_NO_FUNCTIONS:
        system = SYSTEM_NO_FUNCTIONS
        turns = prose.long_conversation(rand)
    else:
        v = rand()
        shares = FUNCTIONS_CUMULATIVE[kind]
        k = 1 if v < shares[0] else 2 if v < shares[1] else 3
        eligible = _ELIGIBLE.get(quirk) if quirk else None
        fns = _choose_functions(rand, k, _pick(rand, eligible) if eligible else None)
        system = _system(rand, fns, quirk)
        if kind == KIND_CALLS:
            turns, ended = _calls_chat(rand, fns, quirk)
        else:
            turns = _no_call_chat(rand, fns)

    if quirk == "consecutive_user_turns":
        turns.insert(0, "USER: " + _pick(rand, ("Hi!", "Hello?", "Are you there?", "Hey, quick question.")))
    elif quirk == "consecutive_assistant_turns" and kind != KIND_CALLS:
        turns.insert(2, "ASSISTANT: Is there anything else you'd like to know?" + END)
    elif quirk == "stray_marker_in_user":
        turns[0] = _stray_in_text(turns[0])
    elif quirk == "stray_marker_in_assistant":
        last = max(i for i, t in enumerate(turns) if t.startswith("ASSISTANT: ") and "<functioncall>" not in t)
        text = turns[last][: -len(END)]
        space = text.find(" ", len(text) // 2)
        space = space if space > 0 else text.find(" ", len("ASSISTANT: "))
        turns[last] = text[:space] + END + "\n\n\nASSISTANT:\n" + text[space + 1 :] + END
    elif quirk == "ends_on_user_turn":
        closing = ("Can you also help me with something else?", "Wait, one more question.",
                   "Hmm, let me think about it.")  # fmt: skip
        turns.append("USER: " + _pick(rand, content.THANKS + closing))

    if ended:
        chat = SEP.join(turns)
    elif quirk == "no_function_double_newline":
        chat = "\n\n".join(turns) + ("" if rand() < 0.7 else "\n\n")
    else:
        chat = SEP.join(turns) + SEP
    return SampleRow({"system": system, "chat": chat}, kind, quirk)


def iter_sample_rows(size: int, seed: int) -> Iterator[tuple[int, dict]]:
    """Yield (source_index, {"system", "chat"}) for indices 0..size-1; size 0 = SAMPLE_ALL_ROWS."""
    if size < 0:
        raise ValueError(f"size must be >= 0, got {size}")
    for index in range(size or SAMPLE_ALL_ROWS):
        yield index, generate_sample_row(seed, index).row


def iter_sample_rows_at(indices: list[int], seed: int) -> Iterator[tuple[int, dict]]:
    """The rows at the given indices (any order in, yielded in the given order)."""
    for index in indices:
        yield index, generate_sample_row(seed, index).row


def main(argv: list[str] | None = None) -> None:
    """`python -m glaive_assets.sources.sample --rows N [--seed S] > rows.jsonl`: sample rows as JSON lines."""
    import argparse
    import sys

    import orjson

    parser = argparse.ArgumentParser(description="Write sample rows in Glaive's raw layout as JSON lines.")
    parser.add_argument("--rows", type=int, default=1000, help="rows to write (0 = 112,960)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    out = sys.stdout.buffer
    for _, row in iter_sample_rows(args.rows, args.seed):
        out.write(orjson.dumps(row) + b"\n")


if __name__ == "__main__":
    main()
