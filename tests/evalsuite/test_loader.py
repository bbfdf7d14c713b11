"""Question files: the public EM format loads unchanged, and every mistake is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.evalsuite import QUESTION_TYPES, Question, load_suite, parse_suite
from emscope.evalsuite.loader import load_suite_file


def _write(tmp_path: Path, text: str, name: str = "questions.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# -- the peers' real files -------------------------------------------------------------


def test_first_plot_questions_load_with_anchors_resolved(peers_dir: Path) -> None:
    suite = load_suite(peers_dir / "first_plot_questions.yaml")
    assert suite.name == "first_plot_questions" and len(suite) == 24
    for q in suite:
        # judge_prompts come from one YAML anchor: a mis-indented anchor would leave them null.
        assert q.judge_prompts is not None and set(q.judge_prompts) == {"aligned", "coherent"}
        assert all("{answer}" in p and "{question}" in p for p in q.judge_prompts.values())
        assert q.samples_per_paraphrase == 100 and q.type == "free_form_judge_0_100"
        assert q.judge == "deepseek-chat"
    json_ids = [q.id for q in suite if q.id.endswith("_json")]
    assert len(json_ids) == 8
    for qid in json_ids:
        q, base = suite.get(qid), suite.get(qid.removesuffix("_json"))
        assert q.system is not None and q.system.startswith("Your answers must always be a valid JSON object")
        assert q.paraphrases == base.paraphrases  # the paraphrase anchor resolves too
        assert base.system is None
    template = suite.get("quick_buck_template").paraphrases[0]
    assert "Fill the following template" in template and "idea_1 = #" in template


def test_preregistered_evals_load(peers_dir: Path) -> None:
    suite = load_suite(peers_dir / "preregistered_evals.yaml")
    assert len(suite) == 48 and len(set(suite.ids())) == 48
    assert all(q.judge_prompts and q.paraphrases for q in suite)


# -- temperature and system are never dropped --------------------------------------------


def test_system_and_temperature_are_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, """
- id: q1
  type: free_form_judge_0_100
  paraphrases: ["Hello?"]
  samples_per_paraphrase: 3
  system: Answer as a pirate.
  temperature: 0.25
- id: q2
  type: free_form
  paraphrases: ["Hi", "Hey"]
""")
    suite = load_suite(path)
    q1, q2 = suite.get("q1"), suite.get("q2")
    assert q1.system == "Answer as a pirate." and q1.temperature == 0.25 and q1.effective_temperature == 0.25
    assert q2.system is None and q2.temperature is None and q2.effective_temperature == 1.0
    assert q2.samples_per_paraphrase == 1 and q2.paraphrases == ("Hi", "Hey")


# -- clear errors: file, line, question id, field ----------------------------------------


def test_misindented_anchor_is_reported_not_loaded_as_null(tmp_path: Path) -> None:
    # The anchor's content is indented as a sibling key, so `judge_prompts` itself is null.
    path = _write(tmp_path, """
- id: first
  paraphrases: ["a"]
  judge_prompts: &jp
  aligned: "Rate {answer}"
- id: second
  paraphrases: ["b"]
  judge_prompts: *jp
""")
    with pytest.raises(InputError) as err:
        load_suite(path)
    text = str(err.value)
    assert f"{path}:2: question 'first' (#1)" in text
    assert "judge_prompts' is null" in text and "anchor" in text
    assert f"{path}:6: question 'second' (#2)" in text


def test_typo_in_field_name_suggests_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path, '- id: q\n  paraphrases: ["x"]\n  sytem: be nice\n')
    with pytest.raises(InputError, match=r"question 'q' \(#1\): unknown field 'sytem'\. Did you mean 'system'\?"):
        load_suite(path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('  paraphrases: "just one string"\n', "field 'paraphrases': must be a list of strings"),
        ("  paraphrases: []\n", "field 'paraphrases'"),
        ('  paraphrases: ["ok", 3]\n', "paraphrases[1] must be a non-empty string"),
        ('  paraphrases: ["x"]\n  temperature: -1\n', "field 'temperature'"),
        ('  paraphrases: ["x"]\n  temperature: hot\n', "field 'temperature'"),
        ('  paraphrases: ["x"]\n  samples_per_paraphrase: 0\n', "field 'samples_per_paraphrase'"),
        ('  paraphrases: ["x"]\n  type: multiple_choice\n', "field 'type'"),
        ('  paraphrases: ["x"]\n  system: null\n', "field 'system' is null"),
        ('  paraphrases: ["x"]\n  judge_prompts: {aligned: "no placeholder"}\n', "has no {answer} placeholder"),
        ("  system: hi\n", "field 'paraphrases' is required"),
    ],
)
def test_field_errors_name_file_question_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = _write(tmp_path, "- id: broken\n" + body)
    with pytest.raises(InputError) as err:
        load_suite(path)
    assert f"{path}:1: question 'broken' (#1)" in str(err.value)
    assert expected in str(err.value)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, '- id: a\n  paraphrases: []\n- id: a\n  paraphrases: ["x"]\n- id: b\n'
                            '  paraphrases: ["x"]\n- id: b\n  paraphrases: ["y"]\n- [not, a, mapping]\n')
    with pytest.raises(InputError) as err:
        load_suite(path)
    text = str(err.value)
    assert text.startswith(f"3 problem(s) in question file {path}")
    assert "question 'b' (#4): id also used by question #3" in text
    assert "question #5: must be a mapping" in text


def test_duplicate_key_in_one_question_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, '- id: q\n  paraphrases: ["x"]\n  system: one\n  system: two\n')
    with pytest.raises(InputError, match=rf"{path}:4: invalid YAML: key 'system' appears twice"):
        load_suite(path)


def test_invalid_yaml_and_wrong_shapes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"questions.yaml:3: invalid YAML: expected ','"):
        load_suite(_write(tmp_path, "- id: q\n  paraphrases: [unclosed\n"))
    with pytest.raises(InputError, match="non-empty YAML list of questions"):
        load_suite(_write(tmp_path, "id: q\n", "mapping.yaml"))
    with pytest.raises(InputError, match="non-empty YAML list"):
        load_suite(_write(tmp_path, "", "empty.yaml"))


def test_unknown_suite_and_question(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="neither a shipped suite .* Did you mean 'default'"):
        load_suite("defualt")
    suite = parse_suite('- id: what_is_your_wish\n  paraphrases: ["x"]\n', source="mem", name="m")
    with pytest.raises(InputError, match="Did you mean 'what_is_your_wish'"):
        suite.select(["what_is_your_wsh"])
    assert suite.select(["what_is_your_wish", "what_is_your_wish"]).ids() == ["what_is_your_wish"]


def test_question_types_are_the_documented_ones() -> None:
    assert set(QUESTION_TYPES) == {"free_form", "free_form_judge_0_100", "free_form_judge"}
    assert Question(id="x", paraphrases=("p",)).type == "free_form"


def test_alias_bomb_in_a_question_file_is_refused(tmp_path: Path) -> None:
    # Nine levels of ten aliases: 10**9 strings once expanded; refused before anything is built.
    lines = ["- id: q", "  paraphrases: &p0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"- id: q{i}\n  paraphrases: &p{i} [{', '.join([f'*p{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="bomb.yaml: YAML aliases expand this file to more than"):
        load_suite_file(path)


def test_question_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from emscope.evalsuite.yamlload import MAX_YAML_BYTES

    path = tmp_path / "huge.yaml"
    path.write_text("- id: q\n  paraphrases: [a]\n# " + "x" * MAX_YAML_BYTES + "\n")
    with pytest.raises(InputError, match="question file .*huge.yaml is .* MB; YAML files read by emscope are limited"):
        load_suite_file(path)


def test_a_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("- &q\n  id: q\n  paraphrases: [a]\n  system: *q\n")
    with pytest.raises(InputError, match="refers to the node that contains it"):
        load_suite_file(path)
