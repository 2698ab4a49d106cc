"""The README stays true to the code: every reason code and every environment variable is documented."""

import re
from pathlib import Path

from glaive_assets.core import reasons

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_reason_code_is_in_the_readme():
    assert [code for code in sorted(reasons.ALL_REASONS) if f"`{code}`" not in README] == []


def test_every_environment_variable_the_package_reads_is_in_the_readme():
    code = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "glaive_assets").rglob("*.py"))
    names = set(re.findall(r'"((?:GLAIVE|SLACK)_[A-Z_]+)"', code))
    assert {"GLAIVE_SOURCE", "GLAIVE_DATA_DIR", "SLACK_BOT_TOKEN"} <= names
    assert sorted(name for name in names if f"`{name}`" not in README) == []
