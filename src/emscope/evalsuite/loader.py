"""Load and validate question suites: emscope's shipped suites or any file in the public format.

Every problem is reported as `file:line: question 'id' (#n): field 'x': what is wrong`, all
of them at once, so a researcher fixes a file in one pass. YAML anchors and aliases resolve
as YAML defines them, within the size and alias-expansion limits of `yamlload` (an alias
bomb is refused, not expanded); a duplicated key inside one question is an error rather than
"the last one wins", since PyYAML would otherwise silently drop one of the two values.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from emscope.core.errors import InputError
from emscope.core.registry import closest
from emscope.evalsuite.models import Question, Suite
from emscope.evalsuite.yamlload import MAX_YAML_BYTES, check_expansion, read_yaml_text

__all__ = ["SHIPPED_SUITES", "load_suite", "load_suite_file", "parse_suite", "shipped_suite_path"]

SHIPPED_SUITES = ("default",)
_MAX_SHOWN = 20
_FIELDS = list(Question.model_fields)


class _Loader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice in one mapping (YAML merge keys excepted)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def shipped_suite_path(name: str) -> Path:
    """The YAML file of a suite shipped inside the package."""
    return Path(str(resources.files("emscope.evalsuite") / "suites" / f"{name}.yaml"))


def load_suite(spec: str | Path) -> Suite:
    """A shipped suite by name (`default`) or a question file by path."""
    text = str(spec)
    if text in SHIPPED_SUITES:
        return load_suite_file(shipped_suite_path(text), name=text)
    path = Path(spec)
    if not path.is_file():
        raise InputError(f"suite '{spec}' is neither a shipped suite ({', '.join(SHIPPED_SUITES)})"
                         f" nor an existing file.{closest(text, list(SHIPPED_SUITES))}")
    return load_suite_file(path)


def load_suite_file(path: str | Path, name: str | None = None) -> Suite:
    """Read and validate one question file; the suite is named after the file unless `name` is given."""
    path = Path(path)
    text = read_yaml_text(path, "question file")
    return parse_suite(text, source=str(path), name=name or path.stem)


def parse_suite(text: str, source: str, name: str) -> Suite:
    """Validate YAML text in the question-file format; `source` names it in error messages."""
    if len(text) > MAX_YAML_BYTES:  # text handed over directly rather than read by load_suite_file
        raise InputError(f"{source}: question file over {MAX_YAML_BYTES / 1e6:.0f} MB; split it")
    data, lines = _parse_yaml(text, source)
    if not isinstance(data, list) or not data:
        raise InputError(f"{source}: a question file is a non-empty YAML list of questions "
                         f"(each with id, paraphrases, ...), got {type(data).__name__}")
    questions: list[Question] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data):
        where = f"{source}:{lines[i]}" if i < len(lines) else source
        qid = item.get("id") if isinstance(item, dict) else None
        label = f"question '{qid}' (#{i + 1})" if isinstance(qid, str) else f"question #{i + 1}"
        if not isinstance(item, dict):
            problems.append(f"{where}: {label}: must be a mapping with id, paraphrases, ...")
            continue
        try:
            question = Question.model_validate(item)
        except ValidationError as exc:
            problems.extend(f"{where}: {label}: {_describe(err)}" for err in exc.errors())
            continue
        if question.id in seen:
            problems.append(f"{where}: {label}: id also used by question #{seen[question.id] + 1}")
            continue
        seen[question.id] = i
        questions.append(question)
    if problems:
        shown = problems[:_MAX_SHOWN]
        if len(problems) > _MAX_SHOWN:
            shown.append(f"... and {len(problems) - _MAX_SHOWN} more")
        raise InputError(f"{len(problems)} problem(s) in question file {source}:\n" + "\n".join(shown))
    return Suite(name=name, source=source, questions=tuple(questions))


def _parse_yaml(text: str, source: str) -> tuple[Any, list[int]]:
    """The document and the 1-based line of each top-level list item."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        check_expansion(node, source)  # before constructing: a bomb must never be expanded
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{source}{line}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    lines = [item.start_mark.line + 1 for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    return data, lines


def _describe(err: Any) -> str:
    """One pydantic error as `field 'x': message`, with a hint for unknown fields."""
    loc = [str(p) for p in err.get("loc", ())]
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden" and loc:
        return f"unknown field '{loc[0]}'.{closest(loc[0], _FIELDS)} Known fields: {', '.join(_FIELDS)}"
    if not loc:  # a model-level check (our null check) already names its field
        return msg.removeprefix("Value error, ")
    if err.get("type") == "missing":
        return f"field '{loc[0]}' is required"
    field = loc[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc[1:])
    return f"field '{field}': {msg.removeprefix('Value error, ')}"
