"""core/parse/system.py: the instruction and the declared schemas of a system prompt, and bad prompts."""

from __future__ import annotations

import json

import pytest

from glaive_assets.core import reasons as R
from glaive_assets.core.parse import parse_system

LEAD = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
PING = {"name": "ping", "description": "Check the service", "parameters": {}}
ECHO = {
    "name": "echo",
    "description": "Repeat a word",
    "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]},
}


def pretty(schema: dict) -> str:
    return json.dumps(schema, indent=4)


def test_system_with_several_schemas():
    prompt = parse_system(LEAD + pretty(PING) + "\n\n" + pretty(ECHO) + "\n\n")
    assert prompt.instruction == "You are a helpful assistant with access to the following functions. Use them if required -"
    assert prompt.tools == (PING, ECHO)
    assert prompt.names == ("ping", "echo")
    assert prompt.signatures["echo"] == {
        "description": "Repeat a word", "parameters": ECHO["parameters"], "required": ["word"]}
    assert prompt.warnings == () and prompt.reject_reasons == ()


def test_system_without_functions():
    prompt = parse_system("SYSTEM: You are a helpful assistant, with no access to external functions.\n\n")
    assert prompt.instruction == "You are a helpful assistant, with no access to external functions."
    assert prompt.tools == () and prompt.reject_reasons == ()


def test_schema_layouts_other_than_glaive_parse_the_same():
    compact = json.dumps(ECHO)
    odd = '{\n"name": "ping", "description": "Check the service", "parameters": {\n}\n}'  # inner } at column 0
    prompt = parse_system(LEAD + compact + "\n" + odd + "\n\n" + pretty(ECHO).replace("echo", "echo2") + "\n")
    assert prompt.names == ("echo", "ping", "echo2")
    assert prompt.tools[:2] == (ECHO, PING)
    assert prompt.reject_reasons == ()


def test_text_after_the_schemas_joins_the_instruction():
    prompt = parse_system(LEAD + pretty(PING) + "\n\nAnswer in French.\n")
    assert prompt.instruction.endswith("Use them if required -\nAnswer in French.")
    assert prompt.tools == (PING,)


@pytest.mark.parametrize(
    "system, code",
    [
        ("You are a helpful assistant.", R.NOT_GLAIVE_SYSTEM),
        ("", R.NOT_GLAIVE_SYSTEM),
        (LEAD + "{\n    \"name\": \"ping\",\n", R.SYSTEM_SCHEMA_UNPARSEABLE),  # cut off
        (LEAD + "{\"description\": \"no name\"}\n", R.SYSTEM_SCHEMA_UNPARSEABLE),
        (LEAD + "{\"name\": \"x\", \"limit\": NaN}\n", R.SYSTEM_SCHEMA_UNPARSEABLE),
        (LEAD + pretty(PING) + "\nthen\n{\"name\": \"y\"}\n", R.SYSTEM_SCHEMA_UNPARSEABLE),
        (LEAD + "{\"name\": \"deep\", \"parameters\": " + "[" * 100 + "]" * 100 + "}\n", R.SYSTEM_SCHEMA_TOO_DEEP),
        (LEAD + "{\"name\": \"deeper\", \"parameters\": " + "[" * 5000 + "]" * 5000 + "}\n", R.SYSTEM_SCHEMA_TOO_DEEP),
    ],
)
def test_bad_system_prompts(system, code):
    assert parse_system(system).reject_reasons == (code,)
