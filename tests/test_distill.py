"""The student: distillation from the teacher's eps (the training side), and how the app describes what it serves."""
from pathlib import Path

import pytest

from diffusion_core.models import pretrained

ROOT = Path(__file__).resolve().parent.parent
needs_digits = pytest.mark.skipif(not (ROOT / "assets" / "digits.safetensors").exists(), reason="digits model not built")


def test_a_student_learns_its_teachers_guess_not_the_noise(tmp_path, monkeypatch):
    """With a teacher, the regression target is the teacher's eps: a teacher that always answers 0.5 gets a student
    whose answers average 0.5, where the same run on the noise averages 0 (the noise has mean 0)."""
    from dataclasses import replace

    import torch

    from diffusion_core.models import train as tr
    from diffusion_core.unet import TinyUNet, UNetConfig

    from diffusion_core.schedule import NoiseSchedule

    class Constant:
        sha256 = "c0ffee"
        schedule = NoiseSchedule("linear")

        def eps(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            return torch.full_like(x, 0.5)

    monkeypatch.setattr(tr, "RUNS", tmp_path)
    monkeypatch.setattr(pretrained, "load", lambda name, **kw: Constant())
    small = UNetConfig(base_channels=8, channel_mults=(1,), num_res_blocks=1, attention=False, patch=4)
    plain = tr.TrainConfig(name="digits", unet=small, images=60 * 16, batch_size=16, warmup_steps=5, ema_decay=0.9)
    student = replace(plain, name="digits_student", teacher="digits")
    x, t = torch.randn(8, 1, 28, 28), torch.randint(0, 1000, (8,))

    def mean_answer(cfg: tr.TrainConfig) -> float:
        ck = torch.load(tr.train(cfg, checkpoint_every_s=1e9) / "ckpt.pt", weights_only=True)
        net = TinyUNet(small)
        net.load_state_dict(ck["ema"])
        with torch.no_grad():
            return float(net(x, t).mean())

    assert abs(mean_answer(student) - 0.5) < 0.1
    assert abs(mean_answer(plain)) < 0.1
    monkeypatch.undo()                                          # the export loads the student itself
    from diffusion_core.models.export import export_assets

    (tmp_path / "assets").mkdir()
    card = export_assets(student, tmp_path / "digits_student", tmp_path / "assets", quality_n=0)
    assert card["training"]["teacher"] == {"name": "digits", "sha256": "c0ffee"}
    assert card["training"]["config"]["unet"]["patch"] == 4 and card["image"]["height"] == 28
    assert card["role"] == {"teacher": "digits"} and "guide" not in card     # its bundle's: experts, guide, options
    served = pretrained.load("digits_student", device="cpu", assets=tmp_path / "assets")
    assert served.precision == "fp32" and served.bundle["guide"]["name"] == "digits_student"
    with torch.no_grad():      # no expert yet: guided by itself, eps stays the net's own
        assert served.guide.net is served.net and torch.equal(served(x, t.float()), served.net(x, t.float()))


@pytest.mark.parametrize("kind, num_steps", [("cosine", 1000), ("linear", 500)])
def test_a_student_on_another_schedule_than_its_teacher_is_refused(tmp_path, monkeypatch, kind, num_steps):
    """The teacher's eps answers for its own alpha_bar_t: a recipe that noises on another schedule (kind or T) stops
    before it makes a run directory, with a message that names both schedules."""
    from diffusion_core.models import train as tr
    from diffusion_core.models.recipes import MODELS
    from diffusion_core.schedule import NoiseSchedule

    class Teacher:
        sha256 = "c0ffee"
        schedule = NoiseSchedule(kind, num_steps)

    monkeypatch.setattr(tr, "RUNS", tmp_path)
    monkeypatch.setattr(pretrained, "load", lambda name, **kw: Teacher())
    with pytest.raises(ValueError, match=f"{kind} schedule with T = {num_steps}.*linear with T = 1000"):
        tr.train(MODELS["digits_student"], minutes_cap=0.01)        # without the check: a moment of training
    assert not any(tmp_path.iterdir())


def test_v_weights_are_one_over_alpha_bar_capped():
    """loss_weights with v_cap at network timesteps t = k - 1: min(1 / alpha_bar_k, cap) of DDPM's linear schedule
    (computed here independently), times Min-SNR's min(SNR, gamma) / SNR when gamma is set too."""
    import numpy as np
    import torch

    from diffusion_core.models.train import loss_weights
    from diffusion_core.schedule import NoiseSchedule

    k = torch.tensor([1, 100, 300, 500, 700, 1000])
    ab = np.array([np.prod(1 - np.linspace(1e-4, 0.02, 1000)[:i]) for i in k.tolist()])
    got = loss_weights(NoiseSchedule("linear"), k - 1, None, v_cap=30.0).numpy()
    assert np.allclose(got, np.minimum(1 / ab, 30.0), rtol=1e-5)
    assert got[0] < 1.001 and got[-1] == 30.0
    snr = ab / (1 - ab)
    both = loss_weights(NoiseSchedule("linear"), k - 1, 5.0, v_cap=30.0).numpy()
    assert np.allclose(both, np.minimum(snr, 5.0) / snr * np.minimum(1 / ab, 30.0), rtol=1e-5)


def test_a_student_learns_each_answer_reuse_times_in_a_row():
    """distillation_batch asks the teacher about B / reuse new images a step and trains on them with the previous
    reuse - 1 steps' answers."""
    import torch

    from diffusion_core.models.train import distillation_batch

    asked = []

    class Echo:
        def eps(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            asked.append(len(x))
            return -x

    bank: list = []
    steps = [(torch.full((8, 1, 4, 4), float(i)), torch.full((8,), i + 1)) for i in range(3)]
    outs = [distillation_batch(Echo(), bank, x, t, reuse=2) for x, t in steps]
    assert asked == [4, 4, 4]
    x, t, target = outs[-1]
    assert len(x) == 8 and sorted(set(x.flatten().tolist())) == [1.0, 2.0] and torch.equal(target, -x)
    assert sorted(set(t.tolist())) == [2, 3] and len(outs[0][0]) == 4


@needs_digits
def test_the_student_caption_names_its_time_experts_and_self_guide_only_when_it_has_them(assets_dir):
    """A student with time experts gets one sentence that gives their bands, and one with a guide by its own base
    net a sentence with the weight, in both languages; one without them gets neither; the FLOPs a call are the
    served student's (two nets where the guide asks its base)."""
    from dataclasses import replace

    from diffusion_core.models.pretrained import Expert, Guide
    from ui.denoise_handlers import student_stats

    teacher = pretrained.load("digits", device="cpu", assets=assets_dir)
    bare = replace(pretrained.load("digits_student", device="cpu", assets=assets_dir), experts=(), guide=None)
    halves = (Expert(150.0, 399.0, bare.net, "e1"), Expert(400.0, 649.0, bare.net, "e2"))
    with_experts = replace(bare, experts=halves)
    guided = replace(with_experts, guide=Guide(150.0, 649.0, 4.0, bare.net, "g"))
    for lang, bands, weight, flops in (
            ("en", "2 more nets of its size take t = 150–399 and 400–649", "weight w = 4", "({:.0f} million)"),
            ("zh-CN", "另外 2 个同样大小的网络负责 t = 150–399 和 400–649", "权重 w = 4", "（约 {:.0f} 百万次）")):
        plain = student_stats(teacher, bare, [1.0, 0.5], lang)
        assert bands not in plain and weight not in plain
        text = student_stats(teacher, with_experts, [1.0, 0.5], lang)
        assert bands in text and weight not in text and flops.format(bare.flops_per_call() / 1e6) in text
        text = student_stats(teacher, guided, [1.0, 0.5], lang)
        assert bands in text and weight in text
        assert flops.format(guided.flops_per_call() / 1e6) in text
    assert guided.flops_per_call() > 1.9 * bare.flops_per_call()
