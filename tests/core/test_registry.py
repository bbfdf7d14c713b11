import pytest

from emscope.core.errors import InputError
from emscope.core.registry import Registry


def test_register_get_and_names_sorted() -> None:
    reg: Registry[int] = Registry("thing")
    reg.register("beta", 2)
    reg.register("alpha", 1)
    assert reg.get("alpha") == 1
    assert reg.names() == ["alpha", "beta"]
    assert "beta" in reg and len(reg) == 2


def test_duplicate_name_is_an_error() -> None:
    reg: Registry[int] = Registry("thing")
    reg.register("a", 1)
    with pytest.raises(ValueError, match="registered twice"):
        reg.register("a", 2)


def test_unknown_name_suggests_closest() -> None:
    reg: Registry[int] = Registry("domain")
    reg.register("insecure_code", 1)
    with pytest.raises(InputError, match="Did you mean 'insecure_code'"):
        reg.get("insecure_cod")
