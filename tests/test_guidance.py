"""Classifier-free guidance: the guided eps is eq. 6 of Ho & Salimans from ONE batched call, every sampler's steps
carry both answers, label dropout drops the share the recipe says, and a warm-started conditional net begins as
the unconditional one."""
import math

import pytest
import torch

from diffusion_core.guidance import LabelGuided
from diffusion_core.models.train import drop_labels, load_warm_start
from diffusion_core.samplers import SAMPLERS, run, start_noise
from diffusion_core.schedule import NoiseSchedule
from diffusion_core.unet import TinyUNet, UNetConfig

NULL = 10


class HandMade:
    """eps(x, t, c) = x * (c + 1) / 20 + t / 1000: a different, known answer per label; asked without a label, the
    unconditional model as served (``served``: not the null label's answer); counts its calls."""

    def __init__(self):
        self.calls, self.batches, self.unlabelled = 0, [], []

    def __call__(self, x, t, label=None):
        self.calls += 1
        self.batches.append(len(x))
        if label is None:
            self.unlabelled.append(len(x))
            return served(x, t.float()[:, None, None, None])
        return x * (label.float()[:, None, None, None] + 1) / 20 + t.float()[:, None, None, None] / 1000


def answer(x, t, c):
    return x * (c + 1) / 20 + t / 1000


def served(x, t):
    return answer(x, t, NULL) + 0.25


@pytest.mark.parametrize("w", [0.0, 1.0, 3.0, 7.5])
@pytest.mark.parametrize("both", [False, True])
def test_the_guided_eps_is_the_formula_from_one_batched_call(w, both):
    """eq. 6 from one call on the batch stacked twice; at w = 0 the mix is the unconditional model alone, asked
    without a label (as served: a bundle's guide improves it), the label's answer asked only to be shown."""
    x, t = torch.randn(3, 1, 4, 4), torch.full((3,), 500.0)
    net = HandMade()
    mix = LabelGuided(net, NULL, label=3, weight=w, both=both)(x, t)
    base, cond = (served(x, 500.0) if w == 0 else answer(x, 500.0, NULL)), answer(x, 500.0, 3)
    torch.testing.assert_close(mix.eps, base + w * (cond - base))
    if w == 0:
        assert net.unlabelled == [3] and net.batches == ([3, 3] if both else [3])
    else:
        one_answer = w == 1.0 and not both                     # w = 1: the label's answer alone
        assert net.calls == 1 and net.batches == [3 if one_answer else 6], "one call, the batch stacked twice if both"
    if w in (0.0, 1.0) and not both:
        assert mix.parts == (), "an answer not asked for is not shown"
    else:
        torch.testing.assert_close(mix.parts[0], base)
        torch.testing.assert_close(mix.parts[1], cond)


def test_no_label_is_the_unconditional_model_as_served_at_any_scale():
    x, t = torch.randn(3, 1, 4, 4), torch.full((3,), 200.0)
    for w in (0.0, 1.0, 4.0):
        net = HandMade()
        torch.testing.assert_close(LabelGuided(net, NULL, None, w)(x, t).eps, served(x, 200.0))
        assert net.unlabelled == [3] and net.calls == 1


def test_a_scale_per_sample_asks_each_sample_only_for_the_answers_its_mix_needs():
    x, t = torch.randn(3, 1, 4, 4), torch.full((3,), 300.0)
    net = HandMade()
    w = torch.tensor([0.0, 1.0, 2.5]).view(-1, 1, 1, 1)
    mix = LabelGuided(net, NULL, label=5, weight=w)(x, t)
    base, cond = answer(x, 300.0, NULL), answer(x, 300.0, 5)
    base[0] = served(x[:1], 300.0)[0]                          # w = 0: the unconditional model, as served
    torch.testing.assert_close(mix.eps, base + w * (cond - base))
    assert net.batches == [3, 1], "label answers for w = 1 and 2.5, the null one for 2.5: one call of 3; w = 0 alone"


def test_guidance_on_an_interval_uses_the_labels_answer_alone_outside_it():
    x, t = torch.randn(3, 1, 4, 4), torch.tensor([900.0, 600.0, 100.0])     # above, inside, below [500, 750]
    net = HandMade()
    mix = LabelGuided(net, NULL, label=3, weight=4.0, interval=(500.0, 750.0))(x, t)
    base, cond = answer(x, t[:, None, None, None], NULL), answer(x, t[:, None, None, None], 3)
    want = torch.stack([cond[0], base[1] + 4.0 * (cond[1] - base[1]), cond[2]])
    torch.testing.assert_close(mix.eps, want)
    assert net.batches == [4] and mix.parts == ()
    low = LabelGuided(HandMade(), NULL, label=3, weight=0.5, interval=(500.0, 750.0))(x, t)   # w <= 1: everywhere
    torch.testing.assert_close(low.eps, base + 0.5 * (cond - base))


@pytest.mark.parametrize("sampler", ["ddim", "dpmpp2m", "heun"])
def test_a_run_guided_on_an_interval_steps_as_the_guided_and_the_labelled_models_would(sampler):
    """The interval run against two plain runs' models chosen by the step's t (an independent reference)."""
    sched, lo, hi = NoiseSchedule("linear"), 300.0, 700.0
    full, label_only = LabelGuided(HandMade(), NULL, 2, 3.0), LabelGuided(HandMade(), NULL, 2, 1.0)

    def by_t(x, t):
        return full(x, t).eps if lo <= float(t[0]) <= hi else label_only(x, t).eps

    x, _ = start_noise((2, 1, 4, 4), 0)
    got = list(run(LabelGuided(HandMade(), NULL, 2, 3.0, interval=(lo, hi)), sched, x, sampler=sampler, num_steps=6))
    want = list(run(by_t, sched, x, sampler=sampler, num_steps=6))
    assert any(lo <= st.t <= hi for st in got) and any(not lo <= st.t <= hi for st in got)
    for a, b in zip(got, want):
        torch.testing.assert_close(a.x_next, b.x_next)


def test_a_negative_label_takes_the_null_answers_place():
    x, t = torch.randn(2, 1, 4, 4), torch.full((2,), 100.0)
    mix = LabelGuided(HandMade(), NULL, label=3, weight=2.0, negative=8)(x, t)
    base, cond = answer(x, 100.0, 8), answer(x, 100.0, 3)
    torch.testing.assert_close(mix.eps, base + 2.0 * (cond - base))


def test_the_batched_call_equals_two_separate_calls_of_a_real_net():
    net = TinyUNet(UNetConfig(base_channels=8, channel_mults=(1, 2), num_res_blocks=1, groups=4, num_classes=10)).eval()
    with torch.no_grad():
        net.label_emb.weight.normal_()                      # labels that change the answer
        x, t = torch.randn(2, 1, 8, 8), torch.tensor([10.0, 900.0])
        mix = LabelGuided(net, NULL, label=7, weight=3.0)(x, t)
        cond, base = net(x, t, torch.full((2,), 7)), net(x, t, torch.full((2,), NULL))
    torch.testing.assert_close(mix.eps, base + 3.0 * (cond - base), atol=1e-5, rtol=1e-5)
    assert (cond - base).abs().max() > 1e-3


@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
def test_every_samplers_steps_carry_both_answers_and_step_with_their_mix(sampler):
    sched = NoiseSchedule("linear")
    x, gen = start_noise((2, 1, 4, 4), 0)
    steps = list(run(LabelGuided(HandMade(), NULL, label=2, weight=4.0), sched, x, sampler=sampler, num_steps=4,
                     generator=gen))
    for st in steps:
        base, cond = st.eps_parts
        torch.testing.assert_close(st.eps_pred, base + 4.0 * (cond - base))
    plain = list(run(lambda x, t: x * 0.1, sched, x, sampler=sampler, num_steps=4, generator=start_noise((2, 1, 4, 4), 0)[1]))
    assert all(st.eps_parts == () for st in plain)


def test_label_dropout_drops_the_recipes_share():
    gen = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 10, (200_000,), generator=gen)
    dropped = drop_labels(labels, NULL, 0.15, gen)
    share = (dropped == NULL).float().mean().item()
    assert abs(share - 0.15) < 4 * math.sqrt(0.15 * 0.85 / len(labels))       # within 4 standard errors
    kept = dropped != NULL
    assert torch.equal(dropped[kept], labels[kept]), "a kept label is the image's own"


def test_a_warm_started_conditional_net_begins_as_the_unconditional_one():
    cfg = UNetConfig(base_channels=8, channel_mults=(1, 2), num_res_blocks=1, groups=4)
    plain = TinyUNet(cfg).eval()
    cond = TinyUNet(UNetConfig(**{**cfg.to_dict(), "num_classes": 10})).eval()
    load_warm_start(cond, plain.state_dict())
    x, t = torch.randn(3, 1, 8, 8), torch.tensor([0.0, 400.0, 999.0])
    with torch.no_grad():
        for c in (0, 5, NULL):
            torch.testing.assert_close(cond(x, t, torch.full((3,), c)), plain(x, t))
    with pytest.raises(ValueError):
        load_warm_start(plain, {**plain.state_dict(), "extra.weight": torch.zeros(1)})
