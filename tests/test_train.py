"""The training command end to end on a tiny budget: checkpoint, resume, export, continue from shipped weights."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not (ROOT / "assets" / "digit_classifier.safetensors").exists(), reason="classifier not built")
def test_train_resume_export_and_continue(tmp_path):
    from diffusion_core.models.recipes import MODELS

    from training import train_command

    runs, assets = tmp_path / "runs", tmp_path / "assets"

    def run(*args, model="digits"):
        return train_command(model, *args, runs=runs, assets=assets)

    first = run("--images", "512", "--skip-quality")
    assert first.returncode == 0, first.stderr[-2000:]
    ck = tmp_path / "runs" / "digits" / "ckpt.pt"
    assert ck.exists()
    again = run("--images", "1024", "--skip-quality")                     # resumes at step 4, goes on to 8
    assert again.returncode == 0 and "resumed digits at step 4" in again.stdout + again.stderr
    card = json.loads((tmp_path / "assets" / "digits.json").read_text())
    assert card["training"]["steps"] == 8 and card["training"]["images_seen"] == 1024
    from diffusion_core.device import autocast_dtype, pick_device

    ran_in = "bf16 autocast" if autocast_dtype(pick_device()) else "fp32"
    assert card["training"]["precision"] == ran_in, "the card says what this machine trained in"
    # the card records the recipe that ran (--images included) with its notes on how the shipped weights were made
    assert card["training"]["config"]["images"] == 1024 and card["training"]["config"]["notes"] == MODELS["digits"].notes
    for name in ("digits.safetensors", "digits_loss.png", "digits_samples.png"):
        assert (tmp_path / "assets" / name).stat().st_size > 0
    runs = tmp_path / "runs2"
    # --images counts the whole recipe: 1024 before, 256 more (the step count carries on at 8)
    cont = run("--images", "1280", "--skip-quality", "--init-from", str(tmp_path / "assets" / "digits.safetensors"))
    assert cont.returncode == 0, cont.stderr[-2000:]
    assert "continuing from" in cont.stdout + cont.stderr and "at step 8" in cont.stdout + cont.stderr
    card2 = json.loads((tmp_path / "assets" / "digits.json").read_text())
    assert card2["training"]["images_seen"] == 1280 and card2["training"]["steps"] == 10
    assert card2["training"]["continued_from"] == "digits.safetensors"
    assert card2["training"]["precision"] == ran_in, "one precision throughout, named once"
    # the time expert starts from the digits weights next to it by itself; its export writes its own card and
    # assembles the digits bundle again, the base's card untouched
    expert = run("--images", "1536", "--skip-quality", model="digits_mid")
    assert expert.returncode == 0, expert.stderr[-2000:]
    assert "continuing from" in expert.stdout + expert.stderr and "at step 10" in expert.stdout + expert.stderr
    assert json.loads((tmp_path / "assets" / "digits.json").read_text()) == card2, "an export writes its own card"
    mid_card = json.loads((tmp_path / "assets" / "digits_mid.json").read_text())
    assert mid_card["role"] == {"expert_of": "digits", "t_range": [150, 649], "init_from": "digits"}
    assert "digits_guide not built yet" in expert.stderr                    # the bundle serves what there is
    from diffusion_core.models import pretrained
    from diffusion_core.models.bundles import BUNDLES

    served = pretrained.load("digits", device="cpu", assets=tmp_path / "assets")
    assert [(e.first, e.last) for e in served.experts] == [(150, 649)] and served.guide is None
    # the guide trains from scratch; its export assembles the bundle with it at the bundle's weight and timesteps
    guide = run("--images", "256", "--skip-quality", model="digits_guide")
    assert guide.returncode == 0, guide.stderr[-2000:]
    assert json.loads((tmp_path / "assets" / "digits.json").read_text()) == card2
    g = BUNDLES["digits"].guide
    served = pretrained.load("digits", device="cpu", assets=tmp_path / "assets")
    assert (served.guide.first, served.guide.last, served.guide.weight) == (g.first, g.last, g.weight)
    assert [(e.first, e.last) for e in served.experts] == [(150, 649)]


def test_warm_restart_keeps_the_first_run_and_starts_a_new_cosine():
    """With a restart at 640k images, the first cycle is exactly the earlier 640k-image run's schedule,
    and the second warms up to its own peak and decays to 2% of it at the end."""
    from diffusion_core.models.recipes import TrainConfig
    from diffusion_core.models.train import lr_at
    from diffusion_core.unet import UNetConfig

    first = TrainConfig(name="x", unet=UNetConfig(), images=640_000, batch_size=128, lr=2e-3, warmup_steps=300)
    both = TrainConfig(**{**first.__dict__, "images": 1_280_000, "restarts": ((640_000, 1e-3),)})
    assert all(lr_at(s, 5000, first) == lr_at(s, 10000, both) for s in range(0, 5000, 7))
    assert lr_at(5000 + 299, 10000, both) == pytest.approx(1e-3)                  # end of the second warm-up
    assert lr_at(5000, 10000, both) < 1e-5                                           # starts from (almost) zero
    assert lr_at(9999, 10000, both) == pytest.approx(0.02 * 1e-3, rel=0.01)
    later = [lr_at(s, 10000, both) for s in range(5300, 10000, 50)]
    assert all(a >= b for a, b in zip(later, later[1:]))


def test_the_ema_of_a_continued_run_forgets_the_weights_it_started_from():
    """The EMA warms up over the steps of its own run: 750 steps after continuing from another net's weights at step
    15,000, what is left of those weights in the average is what a fresh run's EMA keeps of its initialisation, not
    0.999^750 = 47% (digits_flow's first export: the digits net's eps weights inside a velocity net)."""
    from diffusion_core.models.recipes import TrainConfig
    from diffusion_core.models.train import ema_decay_at
    from diffusion_core.unet import UNetConfig

    cfg = TrainConfig(name="x", unet=UNetConfig(), ema_decay=0.999)

    def left_of_start(first: int, ema_from: int, steps: int) -> float:
        share = 1.0                                    # the starting weights' share of the EMA
        for step in range(first, first + steps):
            share *= ema_decay_at(step, ema_from, cfg)
        return share

    fresh = left_of_start(0, 0, 750)
    assert left_of_start(15_000, 15_000, 750) == pytest.approx(fresh)
    assert fresh < 0.01 < 0.4 < left_of_start(15_000, 0, 750)        # counted from the inherited step: 47% left
    assert ema_decay_at(15_000, 15_000, cfg) == pytest.approx(0.1)          # the first step all but replaces it
    assert ema_decay_at(100_000, 15_000, cfg) == 0.999


def test_a_warm_restart_starts_from_the_ema_with_a_fresh_optimizer():
    import torch

    from diffusion_core.models.recipes import TrainConfig
    from diffusion_core.models.train import new_optimizer, warm_restart
    from diffusion_core.unet import UNetConfig

    cfg = TrainConfig(name="x", unet=UNetConfig())
    model, ema = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    opt = new_optimizer(model, cfg)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    assert opt.state and not torch.equal(model.weight, ema.weight)
    before = ema.weight.detach().clone()
    opt2 = warm_restart(model, ema, cfg)
    assert torch.equal(model.weight, before) and torch.equal(model.bias, ema.bias)
    assert not opt2.state and opt2.param_groups[0]["params"][0] is model.weight
    model.weight.data.add_(1.0)
    assert torch.equal(ema.weight, before)                                 # the EMA is its own copy


def test_command_line_overrides_add_restarts_in_order():
    from diffusion_core.models.recipes import MODELS, with_overrides

    base = MODELS["photos"]
    cfg = with_overrides(base, images=400_000, restarts=["60000:2e-3", "2e5:1e-3"])
    assert cfg.images == 400_000 and cfg.lr == base.lr and cfg.unet == base.unet
    assert cfg.restarts == tuple(sorted(base.restarts + ((60_000, 2e-3), (200_000, 1e-3))))
    assert with_overrides(base) == base
    with pytest.raises(ValueError, match="IMAGES:LR"):
        with_overrides(base, restarts=["60000"])


def test_every_recipe_names_its_data_and_its_relations_in_their_own_fields():
    """``data`` is the training set and nothing else; an expert names the model it serves in and its timesteps, a
    guide the model it guides; every net a bundle serves has the role the bundle gives it."""
    from diffusion_core.models.bundles import BUNDLES
    from diffusion_core.models.recipes import MODELS

    assert {n: c.data for n, c in MODELS.items()} == {n: "photos" if n == "photos" else "digits" for n in MODELS}
    for name, b in BUNDLES.items():
        for expert in b.experts:
            assert MODELS[expert].expert_of == b.base and MODELS[expert].t_range is not None, expert
        if b.guide and b.guide.name != b.base:
            assert MODELS[b.guide.name].guides in BUNDLES and MODELS[b.guide.name].t_range is None
        assert MODELS[b.base].expert_of is None and MODELS[b.base].guides is None
    student_mid = MODELS["digits_student_mid"]
    assert student_mid.expert_of == "digits_student" and student_mid.init_from == "digits_student"
    assert student_mid.teacher == "digits" and student_mid.unet == MODELS["digits_student"].unet
    for half in ("digits_student_low", "digits_student_high"):        # fine-tuned from the mid expert, served in the student
        cfg = MODELS[half]
        assert cfg.expert_of == "digits_student" and cfg.init_from == "digits_student_mid" and cfg.teacher == "digits"
        assert cfg.restarts == ((student_mid.images, 1e-3),) and cfg.images > student_mid.images
        assert student_mid.t_range[0] <= cfg.t_range[0] <= cfg.t_range[1] <= student_mid.t_range[1]


def test_a_paused_run_does_not_count_the_pause(tmp_path, monkeypatch):
    """The card's minutes are training time: a step that took hours (the process was stopped) counts as at most
    MAX_STEP_SECONDS."""
    import time

    import torch

    from diffusion_core.models import train as tr
    from diffusion_core.unet import UNetConfig

    real, calls = time.perf_counter, []

    def clock() -> float:                      # the third reading onwards is 10,000 s later: a pause in step 1
        calls.append(1)
        return real() + (10_000.0 if len(calls) > 2 else 0.0)

    monkeypatch.setattr(tr, "RUNS", tmp_path)
    monkeypatch.setattr(tr.time, "perf_counter", clock)
    cfg = tr.TrainConfig(name="digits", unet=UNetConfig(base_channels=8, channel_mults=(1, 2), num_res_blocks=1,
                                                        attention=False), images=4 * 16, batch_size=16)
    run_dir = tr.train(cfg, checkpoint_every_s=1e9)
    seconds = torch.load(run_dir / "ckpt.pt", weights_only=True)["state"]["seconds"]
    assert tr.MAX_STEP_SECONDS <= seconds < tr.MAX_STEP_SECONDS + 60


def test_every_tensor_of_the_shipped_architecture_learns(tmp_path, monkeypatch):
    """Two training steps of the digits recipe (its UNet, its precision) move every weight and bias away from
    its initialisation: a training path that drops gradients (as torch.compile under CPU bf16 autocast did for
    every layer below the first downsample) leaves some at their initial values."""
    import torch
    from dataclasses import replace

    from diffusion_core.models import train as tr
    from diffusion_core.unet import TinyUNet

    monkeypatch.setattr(tr, "RUNS", tmp_path)
    cfg = replace(tr.MODELS["digits"], images=2 * 8, batch_size=8, warmup_steps=1, restarts=())
    torch.manual_seed(cfg.seed)
    init = TinyUNet(cfg.unet).state_dict()                       # what train() starts from (same seed)
    trained = torch.load(tr.train(cfg, checkpoint_every_s=1e9) / "ckpt.pt", weights_only=True)["model"]
    still = [name for name, w in init.items() if torch.equal(trained[name], w)]
    assert not still, f"{len(still)} of {len(init)} tensors never changed: {still[:5]}"


def test_an_expert_without_its_starting_weights_names_the_command_that_makes_them(tmp_path, monkeypatch, capsys):
    """The halves start from the mid expert, which is not shipped: without it the command says what to train first."""
    import diffusion_core.models.train as tr

    monkeypatch.setenv("DIFFUSION_ASSETS_OUT", str(tmp_path / "assets"))
    monkeypatch.setattr(tr, "RUNS", tmp_path / "runs")
    with pytest.raises(SystemExit) as stop:
        tr.main(["--model", "digits_student_low"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "digits_student_mid.safetensors is missing" in err and "--model digits_student_mid" in err


def test_float16_and_int8_weights_shrink_the_file_and_load_as_the_same_net(tmp_path, monkeypatch):
    """A recipe's weights_dtype "float16" or "int8" ships smaller safetensors; the app loads them into its float32
    net, which then answers as the float32 export does, up to the rounding of the weights."""
    from dataclasses import replace

    import torch
    from safetensors.torch import load_file

    from diffusion_core.models import pretrained
    from diffusion_core.models import train as tr
    from diffusion_core.models.export import export_assets
    from diffusion_core.unet import UNetConfig

    monkeypatch.setattr(tr, "RUNS", tmp_path / "runs")
    cfg = tr.TrainConfig(name="digits", unet=UNetConfig(base_channels=8, channel_mults=(1, 2), num_res_blocks=1,
                                                        attention=False), images=2 * 16, batch_size=16)
    run_dir = tr.train(cfg, checkpoint_every_s=1e9)
    nets = {}
    for dtype in ("float32", "float16", "int8"):
        (tmp_path / dtype).mkdir()
        export_assets(replace(cfg, weights_dtype=dtype), run_dir, tmp_path / dtype, quality_n=0)
        weights = tmp_path / dtype / "digits.safetensors"
        stored = {v.dtype for v in load_file(str(weights)).values() if v.dim() >= 2}       # the layers' weights
        assert stored == {getattr(torch, dtype)}
        nets[dtype] = pretrained.load("digits", device="cpu", assets=tmp_path / dtype, precision="fp32", frozen=False)
    size = {d: (tmp_path / d / "digits.safetensors").stat().st_size for d in nets}
    assert 0.45 < size["float16"] / size["float32"] < 0.55
    assert size["int8"] < 0.4 * size["float32"]                   # not a quarter: this tiny net's biases stay float32
    x, t = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(0)), torch.tensor([0, 300, 600, 999])
    with torch.no_grad():
        a, b, c = (nets[d](x, t) for d in ("float32", "float16", "int8"))
    assert all(p.dtype == torch.float32 for d in ("float16", "int8") for p in nets[d].net.parameters())
    assert 0 < (a - b).abs().max() < 1e-2 * a.abs().max() and 0 < (a - c).abs().max() < 5e-2 * a.abs().max()


@pytest.mark.parametrize("model", ["digits_cond", "digits_flow"])
def test_a_conditional_and_a_flow_net_warm_start_train_export_and_sample(tmp_path, model):
    """The two new kinds train from the shipped digits weights next to them, and export a card that says what the
    net answers; the loaded model samples with its own method (guided by a label / a flow solver)."""
    import torch

    from diffusion_core.flow import flow_sample
    from diffusion_core.guidance import LabelGuided
    from diffusion_core.models import pretrained
    from diffusion_core.models.recipes import MODELS
    from diffusion_core.samplers import sample

    from training import train_command

    runs, assets = tmp_path / "runs", tmp_path / "assets"
    base = train_command("digits", "--images", "256", "--skip-quality", runs=runs, assets=assets)
    assert base.returncode == 0, base.stderr[-2000:]
    done = train_command(model, "--images", "512", "--skip-quality", runs=runs, assets=assets)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "continuing from" in done.stdout + done.stderr and "at step 2" in done.stdout + done.stderr
    card = json.loads((assets / f"{model}.json").read_text())
    assert card["objective"] == MODELS[model].objective and card["unet"]["num_classes"] == MODELS[model].unet.num_classes
    m = pretrained.load(model, device="cpu", assets=assets)
    if model == "digits_flow":
        assert "velocity" in card["task"] and m.objective == "flow"
        x = flow_sample(m, sampler="heun", num_steps=3, shape=(2, 1, 28, 28), seed=0)
    else:
        assert "class-conditional" in card["task"] and m.num_classes == 10
        x = sample(LabelGuided(m.eps, 10, 4, 3.0), m.schedule, sampler="ddim", num_steps=3, shape=(2, 1, 28, 28))
    assert x.shape == (2, 1, 28, 28) and torch.isfinite(x).all()
