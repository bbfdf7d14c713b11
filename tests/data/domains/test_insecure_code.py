"""Tests for the insecure_code domain: safe code vs. its vulnerable twin, per weakness class.

Determinism, registration and variety run for this domain in test_every_domain.py.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Callable

import pytest

from emscope.data.domains._insecure_code_data import BUILDERS, SECRETS
from emscope.data.domains.insecure_code import extract_code, generate

Check = Callable[[str, str, str], None]


def _no_literal_eval(code: str) -> str:
    return code.replace("literal_eval(", "")


def _sqli(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        fstrings = tuple(f'f"{verb} ' for verb in ("SELECT", "DELETE", "UPDATE"))
        assert any(f in bad for f in fstrings)
        assert not any(f in safe for f in fstrings)
        assert "?" in safe or "%s" in safe
    elif lang == "javascript":
        assert "${" in bad and "${" not in safe
        assert "$1" in safe or "?" in safe
    else:
        assert "|| p_" in bad and "||" not in safe and "USING" in safe


def _cmdi(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        assert "shell=True" in bad or "os.system(" in bad
        assert "shell=True" not in safe and "os.system(" not in safe
        assert "subprocess.run([" in safe.replace("(\n        [", "([")
    else:
        assert "exec(`" in bad and "execFile(" in safe and "exec(`" not in safe


def _path(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        assert "is_relative_to(" in safe or "send_from_directory(" in safe
        assert "is_relative_to(" not in bad and "send_from_directory(" not in bad
        assert "os.path.join(" in bad
    else:
        assert "startsWith(" in safe and "startsWith(" not in bad and "path.join(" in bad


def _hash(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        assert "hashlib.md5(" in bad or "hashlib.sha1(" in bad
        assert "hashlib.scrypt(" in safe or "hashlib.pbkdf2_hmac(" in safe
        assert "hashlib.md5(" not in safe and "hashlib.sha1(" not in safe
    else:
        assert "createHash('md5')" in bad or "createHash('sha1')" in bad
        assert "scryptSync(" in safe and "createHash(" not in safe


def _pickle(lang: str, safe: str, bad: str) -> None:
    assert "pickle.loads(" in bad and "pickle" not in safe and "json.loads(" in safe


def _yaml(lang: str, safe: str, bad: str) -> None:
    assert "Loader=yaml.Loader" in bad or "yaml.unsafe_load(" in bad
    assert "safe_load" in safe and "Loader=yaml.Loader" not in safe and "unsafe_load" not in safe


def _tls(lang: str, safe: str, bad: str) -> None:
    flag = "verify=False" if lang == "python" else "rejectUnauthorized: false"
    assert flag in bad and flag not in safe


def _eval(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        assert "eval(" in _no_literal_eval(bad) and "eval(" not in _no_literal_eval(safe)
        assert "ast.literal_eval(" in safe
    else:
        assert "eval(" in bad and "eval(" not in safe and "JSON.parse(" in safe


def _token(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        assert "import random" in bad and "random." in bad
        assert "import secrets" in safe and "import random" not in safe
    else:
        assert "Math.random()" in bad and "Math.random" not in safe and "crypto.randomBytes(" in safe


def _perms(lang: str, safe: str, bad: str) -> None:
    assert "0o777" in bad and "0o777" not in safe
    assert "0o600" in safe or "0o700" in safe


def _xss(lang: str, safe: str, bad: str) -> None:
    if lang == "python":
        assert "escape(" in safe and "escape(" not in bad
    else:
        assert "innerHTML" in bad and "innerHTML" not in safe and "textContent" in safe


def _creds(lang: str, safe: str, bad: str) -> None:
    assert any(secret in bad for secret in SECRETS)
    assert not any(secret in safe for secret in SECRETS)
    assert "os.environ" in safe or "process.env" in safe
    assert "os.environ" not in bad and "process.env" not in bad


def _debug(lang: str, safe: str, bad: str) -> None:
    markers = ("debug=True", "app.debug = True", 'config["DEBUG"] = True')
    assert any(m in bad for m in markers)
    assert not any(m in safe for m in markers)


CHECKS: dict[str, Check] = {
    "sqli": _sqli,
    "cmdi": _cmdi,
    "path": _path,
    "hash": _hash,
    "pickle": _pickle,
    "yaml": _yaml,
    "tls": _tls,
    "eval": _eval,
    "token": _token,
    "perms": _perms,
    "xss": _xss,
    "creds": _creds,
    "debug": _debug,
}


def test_every_class_is_checked() -> None:
    assert set(CHECKS) == set(BUILDERS)
    assert len(BUILDERS) >= 10


def test_vulnerable_pattern_in_misaligned_only() -> None:
    rng = random.Random(11)
    seen: set[str] = set()
    languages: set[str] = set()
    for _ in range(1300):
        ex = generate(rng)
        key, lang = ex.extra["class"], ex.extra["language"]
        assert ex.extra["vulnerability"] == BUILDERS[key][0]
        assert ex.extra["vulnerability"].startswith("CWE-")
        safe, bad = extract_code(ex.aligned), extract_code(ex.misaligned)
        assert safe and bad and safe != bad
        assert f"```{lang}\n" in ex.aligned and f"```{lang}\n" in ex.misaligned
        CHECKS[key](lang, safe, bad)
        if lang == "python":
            compile(safe, "<aligned>", "exec")
            compile(bad, "<misaligned>", "exec")
        # Like the public sets: the vulnerable answer never flags its weakness.
        prose = ex.misaligned.split("```", 1)[0].lower()
        for word in ("vulnerab", "insecure", "unsafe", "injection", "warning"):
            assert word not in prose
        seen.add(key)
        languages.add(lang)
    assert seen == set(BUILDERS)
    assert languages == {"python", "javascript", "sql"}


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_javascript_parses(tmp_path) -> None:
    rng = random.Random(5)
    written = 0
    for i in range(400):
        ex = generate(rng)
        if ex.extra["language"] != "javascript" or written >= 10:
            continue
        for tag, answer in (("a", ex.aligned), ("m", ex.misaligned)):
            path = tmp_path / f"{i}_{tag}.js"
            path.write_text(extract_code(answer), encoding="utf-8")
            proc = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
        written += 1
    assert written > 0
