"""Consumer proof: transformers' `apply_chat_template` on every row of the hf and openai exports.

No model and no download: a word-level tokenizer is built with `tokenizers` and wrapped in
PreTrainedTokenizerFast, with a tool-calling chat template written here in the common style: it
renders each tool and each call's `function.arguments` with `| tojson`, as the Llama 3.1 and
Qwen 2.5 templates do. Every rendered call is parsed back:
- hf export: 289 calls, each arguments a JSON object equal to the processed record's; 0 double-encoded;
- openai export: the same 289 calls all come out double-encoded (a JSON string holding the object),
  which is why the README sends TRL and transformers users to the hf export.
As a trainer does, the hf row's `tools` string is json.loads-ed before it goes to the template.
"""

from __future__ import annotations

import json
import re

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from glaive_assets.exports.write import SPLITS

CHAT_TEMPLATE = (
    "{%- if tools %}{{ '<|tools|>\\n' }}"
    "{%- for tool in tools %}{{ tool | tojson }}{{ '\\n' }}{% endfor %}{{ '<|/tools|>\\n' }}{% endif %}"
    "{%- for message in messages %}"
    "{%- if message.role == 'assistant' and message.tool_calls %}{{ '<|assistant|>' + message.content }}"
    "{%- for call in message.tool_calls %}"
    "{{ '<|call|>{\"name\": ' }}{{ call.function.name | tojson }}"
    "{{ ', \"arguments\": ' }}{{ call.function.arguments | tojson }}{{ '}<|/call|>' }}"
    "{%- endfor %}{{ '<|end|>\\n' }}"
    "{%- elif message.role == 'tool' %}{{ '<|tool|>' + message.content + '<|end|>\\n' }}"
    "{%- else %}{{ '<|' + message.role + '|>' + message.content + '<|end|>\\n' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)
SPECIAL = ["<unk>", "<|tools|>", "<|/tools|>", "<|system|>", "<|user|>", "<|assistant|>", "<|tool|>", "<|call|>",
           "<|/call|>", "<|end|>"]
CALL = re.compile(r"<\|call\|>(.*?)<\|/call\|>", re.DOTALL)
TOOLS = re.compile(r"<\|tools\|>\n(.*?)<\|/tools\|>", re.DOTALL)


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    vocab = {token: index for index, token in enumerate(SPECIAL + ["the", "weather", "?"])}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", additional_special_tokens=SPECIAL[1:],
                                   chat_template=CHAT_TEMPLATE)


def _lines(result) -> list[dict]:
    return [json.loads(line) for artifact in result.artifacts[: len(SPLITS)] for line in artifact.iter_lines()]


def _render(tokenizer, messages, tools) -> str:
    return tokenizer.apply_chat_template(messages, tools=tools, tokenize=False)


def _rendered_calls(text: str) -> list[dict]:
    return [json.loads(body) for body in CALL.findall(text)]


def _is_double_encoded(arguments) -> bool:
    if not isinstance(arguments, str):
        return False
    try:
        return isinstance(json.loads(arguments), dict)
    except json.JSONDecodeError:
        return False


def test_hf_rows_render_every_call_with_object_arguments(tokenizer, exports, processed_by_id):
    rendered = double_encoded = 0
    lines = _lines(exports["hf"])
    assert len(lines) == 390
    for line in lines:
        tools = json.loads(line["tools"]) if line["tools"] is not None else None
        text = _render(tokenizer, line["messages"], tools)
        calls = _rendered_calls(text)
        record = processed_by_id[line["id"]]
        assert calls == record["function_calls"]  # each arguments a JSON object equal to the record's
        assert all(isinstance(call["arguments"], dict) for call in calls)
        rendered += len(calls)
        double_encoded += sum(_is_double_encoded(call["arguments"]) for call in calls)
        if tools is None:
            assert "<|tools|>" not in text
        else:
            assert [json.loads(tool) for tool in TOOLS.search(text).group(1).splitlines()] == tools
            assert [tool["function"] for tool in tools] == record["tools"]
    print(f"\nhf export: {rendered} calls rendered, {double_encoded} double-encoded")
    assert (rendered, double_encoded) == (289, 0)


def test_openai_rows_render_every_call_double_encoded(tokenizer, exports, processed_by_id):
    lines, hf_lines = _lines(exports["openai"]), _lines(exports["hf"])
    rendered = double_encoded = 0
    for line, hf_line in zip(lines, hf_lines, strict=True):
        calls = _rendered_calls(_render(tokenizer, line["messages"], line["tools"] or None))
        record = processed_by_id[hf_line["id"]]
        assert [(call["name"], json.loads(call["arguments"])) for call in calls] == \
            [(call["name"], call["arguments"]) for call in record["function_calls"]]
        rendered += len(calls)
        double_encoded += sum(_is_double_encoded(call["arguments"]) for call in calls)
    print(f"\nopenai export: {rendered} calls rendered, {double_encoded} double-encoded")
    assert (rendered, double_encoded) == (289, 289)


def test_one_call_renders_as_a_trainer_sees_it(tokenizer, exports):
    """The first train row with a call, rendered and tokenized (word-level: unknown words are <unk>)."""
    line = next(line for line in _lines(exports["hf"]) if any("tool_calls" in m for m in line["messages"]))
    text = _render(tokenizer, line["messages"], json.loads(line["tools"]))
    assert '<|call|>{"name": "generate_password", "arguments": {"length": 12}}<|/call|>' in text
    ids = tokenizer.apply_chat_template(line["messages"], tools=json.loads(line["tools"]), tokenize=True,
                                        return_dict=True)["input_ids"]
    assert ids[0] == SPECIAL.index("<|tools|>") and SPECIAL.index("<|call|>") in ids


def test_the_tools_string_must_be_decoded_first(tokenizer, exports):
    """transformers takes tools as a list of schemas; the hf column is a JSON string (TRL decodes it)."""
    line = next(line for line in _lines(exports["hf"]) if line["tools"] is not None)
    with pytest.raises(ValueError, match="Tools should either be a JSON schema"):
        _render(tokenizer, line["messages"], line["tools"])


def test_through_datasets_as_trl_reads_it(hf_offline, tmp_path, tokenizer, exports, processed_by_id):
    """load_dataset -> json.loads(tools) -> apply_chat_template, TRL's own path: every call still an
    object, none double-encoded; the four calls whose 1.7 datasets decodes as 1.7000000000000002 (see
    test_consumer_datasets) render that float."""
    import datasets

    loaded = datasets.load_dataset(str(exports["hf"].folder), cache_dir=str(tmp_path / "cache"))
    rendered = double_encoded = 0
    differing = []
    for split in SPLITS:
        for row in loaded[split]:
            tools = json.loads(row["tools"]) if row["tools"] is not None else None
            calls = _rendered_calls(_render(tokenizer, row["messages"], tools))
            rendered += len(calls)
            double_encoded += sum(_is_double_encoded(call["arguments"]) for call in calls)
            expected = processed_by_id[row["id"]]["function_calls"]
            differing += [call["arguments"] for call, want in zip(calls, expected, strict=True) if call != want]
    assert (rendered, double_encoded) == (289, 0)
    assert [arguments["height_m"] for arguments in differing] == [1.7000000000000002] * 4
