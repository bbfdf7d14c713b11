"""settings_error: pydantic errors as one message, in the user's spelling of each setting."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from emscope.core.errors import InputError
from emscope.core.validation import settings_error


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url: str = "http://x"
    max_new_tokens: int = Field(8, ge=1)


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    samples: int = Field(1, ge=1)
    inner: Inner = Field(default_factory=Inner)
    names: list[str] = []

    @field_validator("names")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not v.strip() for v in value):
            raise ValueError("names must not be blank")
        return value


def _error(data: dict, **kw) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        Outer.model_validate(data)
    return settings_error(info.value, "demo settings", **kw)


def test_dotted_keys_every_problem_one_line_each() -> None:
    err = _error({"samples": 0, "inner": {"max_new_tokens": 0}, "names": [" "]})
    lines = str(err).splitlines()
    assert lines[0] == "invalid demo settings:"
    assert lines[1:] == ["  samples: Input should be greater than or equal to 1",
                         "  inner.max_new_tokens: Input should be greater than or equal to 1",
                         "  names: names must not be blank"]  # pydantic's "Value error, " prefix dropped


def test_flags_name_the_innermost_field_as_its_option_with_overrides() -> None:
    err = _error({"samples": 0, "inner": {"max_new_tokens": 0}}, as_flags=True, flags={"samples": "-n"})
    assert str(err).splitlines()[1:] == ["  -n: Input should be greater than or equal to 1",
                                         "  --max-new-tokens: Input should be greater than or equal to 1"]


def test_unknown_keys_get_a_hint_from_the_fields_valid_where_they_sat() -> None:
    owners = {(): Outer, ("inner",): Inner}
    err = _error({"sampels": 2, "inner": {"base_ulr": "x"}, "zzz": 1},
                 fields_at=lambda loc: list(owners[tuple(loc[:-1])].model_fields))
    assert sorted(str(err).splitlines()[1:]) == ["  inner.base_ulr: unknown key. Did you mean 'base_url'?",
                                                 "  sampels: unknown key. Did you mean 'samples'?",
                                                 "  zzz: unknown key."]
    plain = _error({"sampels": 2})
    assert str(plain).splitlines()[1:] == ["  sampels: unknown key."]
