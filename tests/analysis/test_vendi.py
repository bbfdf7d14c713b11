import numpy as np
import pytest

from emscope.analysis.vendi import vendi_from_embeddings, vendi_from_kernel


@pytest.mark.parametrize("q", [0.5, 1.0, 2.0, float("inf")])
def test_identical_items_score_one(q: float) -> None:
    x = np.tile(np.array([[0.3, -1.2, 2.0]]), (7, 1))
    assert vendi_from_embeddings(x, [q])[q] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("q", [0.5, 1.0, 2.0])
def test_orthogonal_items_score_n(q: float) -> None:
    n = 12
    x = np.eye(n) * 3.0  # norms do not matter under the cosine kernel
    assert vendi_from_embeddings(x, [q])[q] == pytest.approx(n, rel=1e-9)
    assert vendi_from_kernel(np.eye(n), q) == pytest.approx(n, rel=1e-9)


def test_two_equal_clusters_score_two() -> None:
    x = np.array([[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5)
    assert vendi_from_embeddings(x, [1.0])[1.0] == pytest.approx(2.0, rel=1e-9)


@pytest.mark.parametrize("n", [5, 50, 400])  # below, near and above the embedding width
def test_gram_shortcut_matches_full_kernel(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, 32))
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    kernel = unit @ unit.T
    got = vendi_from_embeddings(x, [0.5, 1.0, 2.0])
    for q in (0.5, 1.0, 2.0):
        assert got[q] == pytest.approx(vendi_from_kernel(kernel, q), rel=1e-8)


def test_orders_are_ordered() -> None:
    # Rényi entropies decrease with q, so Vendi scores do too (strictly for non-uniform spectra).
    x = np.random.default_rng(0).normal(size=(60, 8)) + 2.0
    s = vendi_from_embeddings(x, [0.5, 1.0, 2.0])
    assert s[0.5] > s[1.0] > s[2.0] > 1.0


def test_zero_vector_is_rejected() -> None:
    with pytest.raises(ValueError, match="zero vector"):
        vendi_from_embeddings(np.array([[0.0, 0.0], [1.0, 0.0]]))
