"""The Lesson's experiments (issue 44): each step of the guided path asks the learner to predict, then runs one of
these, built from the same functions the tabs use, and what it measures decides which answer was right.

A step's choices and the learners' questions it answers are data (``STEPS``); the words are the UI's."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import torch

from ..media.render import points_picture
from ..models.data import mnist_digits, to_model_range, to_uint8
from ..samplers import Model, run, start_noise
from ..schedule import NoiseSchedule
from . import denoise, dye, forward, points

# the eight questions learners asked under the source lesson (../shared/seeds), by the lesson step that answers them
QUESTIONS = ("stones", "t_near_0", "batch", "one_jump", "renoise", "steps_1000_vs_20", "sampler_vs_noising",
             "unet_only")


@dataclass(frozen=True)
class Step:
    key: str                          # the step's name (its strings are lesson_<key>_*)
    choices: tuple[str, ...]          # the predictions offered, in order
    answers: tuple[str, ...] = ()     # the learners' questions (QUESTIONS) it answers
    tab: str = ""                     # the tab that explores it fully (its id in app.py)


STEPS = (
    Step("stones", ("exact", "close", "lost"), ("stones",), "denoise"),
    Step("dye", ("drop", "even", "stays"), (), "dye"),
    Step("jump", ("clear", "barely", "gone"), (), "noise"),
    Step("near_zero", ("almost_all", "half", "little"), ("t_near_0",), "noise"),
    Step("guess", ("clean", "noise", "next"), ("batch",), "denoise"),
    Step("one_jump", ("sharp", "blur", "other"), ("one_jump",), "denoise"),
    Step("renoise", ("digits", "blur", "noise"), ("renoise",), "denoise"),
    Step("steps", ("much_worse", "close", "same"), ("steps_1000_vs_20",), "compare"),
    Step("grids", ("changes", "same"), ("sampler_vs_noising",), "compare"),
    Step("mlp", ("only_unet", "any_net"), ("unet_only",), "dye"),
    Step("steer", ("steered", "unchanged", "broken"), (), "steer"),
    Step("flow", ("digit", "blur", "noise"), (), "compare"),
)
STEP_KEYS = tuple(s.key for s in STEPS)
JUMP_T, NEAR_T = 500, 10    # the steps the forward-process questions ask about
STEER_LABEL, STEER_STEPS, STEER_N = 3, 8, 6     # the steer step's digit, DPM-Solver++ steps, digits a scale
FLOW_STEPS = 20             # Euler steps of the flow step's many-step run
DIGIT = 7                   # the training digit the stones step buries and rebuilds
N = 8                       # digits a step's experiment samples


@dataclass(frozen=True)
class Outcome:
    answer: str                                   # the choice the measurement makes right
    pictures: tuple[np.ndarray, ...]              # uint8 pictures, shown side by side
    facts: dict[str, float] = field(default_factory=dict)     # numbers the explanation cites (its fields)


def stones(model: Model, schedule: NoiseSchedule, seed: int) -> Outcome:
    """Bury a training digit under 1000 recorded steps of noise, then rebuild it with the record and, without it,
    with the model: the record gives it back exactly (PSNR infinite), the model gives *a* digit."""
    r = denoise.reform_digit(model, schedule, DIGIT, schedule.num_steps, seed)
    diff = int(np.abs(r.by_record.astype(int) - r.original.astype(int)).max())     # pixel levels, 0..255
    return Outcome("exact" if diff == 0 else "close" if r.psnr_record >= 25 else "lost",
                   (r.original, r.noised, r.by_record, r.by_model), {"diff": diff, "model": r.psnr_model})


def dye_spread(seed: int, n: int = 3000) -> Outcome:
    """A drop left for the longest time the Dye tab shows: its particles' entropy (1 = even) says where it went."""
    s = dye.dye_at(0.25, 0.75, dye.MAX_STEPS, n, seed)
    first = dye.dye_at(0.25, 0.75, 0, n, seed)
    return Outcome("even" if s.entropy >= 0.9 else "stays", (first.picture, s.picture),
                   {"entropy": s.entropy, "steps": dye.MAX_STEPS})


def jump(photo: np.ndarray, schedule: NoiseSchedule, seed: int, k: int = JUMP_T) -> Outcome:
    """The photo at step k in one jump; whether it is recognisable follows from the photo's weight a against the
    noise's b: a >= 0.7 clear, a >= 0.15 barely, else gone."""
    a, b = schedule.signal_weight(k), schedule.noise_weight(k)        # x_k = a x_0 + b eps, in one jump
    view = forward.noisy_view(photo, k, schedule, seed)
    return Outcome("clear" if a >= 0.7 else "barely" if a >= 0.15 else "gone", (photo, view.x_t),
                   {"k": k, "a": a, "b": b})


def near_zero(photo: np.ndarray, schedule: NoiseSchedule, seed: int, k: int = NEAR_T) -> Outcome:
    """x_k at a small k: alpha_bar_k, the share of x_k's variance that is the photo, is close to 1."""
    share = schedule.signal_weight(k) ** 2
    return Outcome("almost_all" if share >= 0.9 else "half" if share >= 0.3 else "little",
                   (photo, forward.noisy_view(photo, k, schedule, seed).x_t),
                   {"k": k, "share": 100 * share, "beta": 100 * schedule.beta(k)})


@torch.inference_mode()
def guess(model: Model, schedule: NoiseSchedule, seed: int, k: int = 300, n: int = N) -> Outcome:
    """What the network answers for a batch of n noised training digits: its output correlates with the noise that
    was added (corr ~ 1), not with the clean digits; all n in one call, as training does with its batches."""
    gen = torch.Generator().manual_seed(seed)
    rows = torch.randperm(len(mnist_digits()[0]), generator=gen)[:n].numpy()
    x0 = to_model_range(mnist_digits()[0][rows])                                    # [n, 1, 28, 28]
    eps = torch.randn(x0.shape, generator=gen)
    steps = torch.full((n,), k, dtype=torch.long)
    x_t = schedule.add_noise(x0, steps, eps).float()
    pred = model(x_t, schedule.timestep(steps).float()).float().cpu()

    def corr(a: torch.Tensor, b: torch.Tensor) -> float:
        a, b = a.flatten() - a.mean(), b.flatten() - b.mean()
        return float(a @ b / (a.norm() * b.norm()))

    c_noise, c_clean = corr(pred, eps), corr(pred, x0)
    pics = tuple(denoise.digit_grid(v, *r, cols=4) for v, r in ((x0, (-1, 1)), (x_t, (-2, 2)), (eps, (-3, 3)),
                                                                 (pred, (-3, 3))))
    return Outcome("noise" if c_noise > max(c_clean, 0.5) else "clean", pics,
                   {"k": k, "n": n, "noise": c_noise, "clean": c_clean})


def one_jump(model: Model, schedule: NoiseSchedule, seed: int, n: int = N) -> Outcome:
    """x_0 guessed in one jump from pure noise, by the ideal denoiser and by the network (denoise.one_jump): the
    ideal guess is the average of every digit the noise could hide, with less detail than a real digit."""
    j = denoise.one_jump(model, schedule, seed, n)
    return Outcome("blur" if j.ideal_speckle < 0.5 else "sharp", (j.ideal, j.net),
                   {"ideal": j.ideal_speckle, "net": j.net_speckle, "m": 1 / j.sqrt_ab})


def renoise(model: Model, schedule: NoiseSchedule, seed: int, steps: int = 20, n: int = N) -> Outcome:
    """DDIM with and without fresh noise each step (eta 1, eta 0), same start: whether the run without it still
    makes digits, by the results' detail against real digits' (denoise.speckle: 1 = a real digit's)."""
    finals = [list(denoise.run_frames(model, schedule, sampler="ddim", num_steps=steps, seed=seed, n=n, keep=1,
                                      eta=eta))[-1] for eta in (1.0, 0.0)]
    detail = [denoise.speckle(to_model_range(f.final)) for f in finals]
    plain = detail[1]
    return Outcome("digits" if 0.5 <= plain <= 2.0 else "blur" if plain < 0.5 else "noise",
                   tuple(f.arrived for f in finals), {"with": detail[0], "without": plain, "steps": steps})


@dataclass(frozen=True)
class Progress:
    """A long experiment on its way: the pictures so far, and how far it has gone."""
    pictures: tuple[np.ndarray, ...]
    done: int
    total: int


def race(model: Model, schedule: NoiseSchedule, seed: int, frechet: dict[tuple[str, int], float],
         n: int = 2, every: int = 20) -> Iterator[Progress | Outcome]:
    """DDIM 20 against DDPM 1000 from the same noise, timed, and the measured verdict: Frechet distance to real
    digits (bench/quality_vs_steps.py, 512 digits), within 1.05x "same", within 3x (bench/quality.py's goal for
    digits that look real) "close", else "much worse". While DDPM walks, a Progress every ``every`` frames of
    its x_t (the wait is part of the lesson); the Outcome last."""
    t0 = time.perf_counter()
    *_, ddim = denoise.run_frames(model, schedule, sampler="ddim", num_steps=20, seed=seed, n=n, keep=1)
    ddim_s, t0 = time.perf_counter() - t0, time.perf_counter()
    for f in denoise.run_frames(model, schedule, sampler="ddpm", num_steps=1000, seed=seed, n=n, keep=every):
        if f.arrived is None:
            yield Progress((ddim.arrived, f.x_t), f.index + 1, f.num_steps)
            continue
        ddpm_s = time.perf_counter() - t0
        ratio = frechet[("ddim", 20)] / frechet[("ddpm", 1000)]
        yield Outcome("same" if ratio <= 1.05 else "close" if ratio <= 3.0 else "much_worse", (ddim.arrived, f.arrived),
                      {"ddim": frechet[("ddim", 20)], "ddpm": frechet[("ddpm", 1000)], "ratio": ratio,
                       "ddim_s": ddim_s, "ddpm_s": ddpm_s})


def grids(schedule: NoiseSchedule) -> tuple[Outcome, dict[str, list[float]]]:
    """The noise levels t each sampler visits (compare.timesteps), and whether every one of them is a level of the
    training's schedule: a sampler picks among the levels the network learned; it does not change the noising."""
    from .compare import timesteps

    rows = {f"{name} · {k}": timesteps(name, schedule, k) for name, k in (("ddpm", 1000), ("ddim", 20),
                                                                          ("dpmpp2m", 20), ("ddim", 5))}
    inside = all(0 <= t <= schedule.num_steps - 1 for ts in rows.values() for t in ts)
    return Outcome("same" if inside else "changes", (), {"levels": schedule.num_steps}), rows


def mlp(schedule: NoiseSchedule, seed: int, seconds: float = 1.0, particles: int = 600) -> Outcome:
    """A three-layer MLP (no UNet, no convolution) learns to remove noise from 2-D points of a heart in a few
    seconds; sampled from noise, the share of its particles inside the heart says it learned the shape."""
    mask = points.preset_mask("heart")
    data = points.sample_mask(mask, 20000, seed)
    model = points.PointDenoiser()
    for _ in points.train_points(model, data, schedule, seconds=seconds, seed=seed):
        pass
    *_, (_, _, pts) = points.reverse_film(model, schedule, particles, 50, seed)
    share = points.inside_share(pts, mask)
    return Outcome("any_net" if share >= 0.6 else "only_unet",
                   (points_picture(data[:particles], extent=1.2, size=240, mask=mask),
                    points_picture(pts, extent=1.2, size=240, mask=mask)), {"share": 100 * share, "seconds": seconds})


@torch.inference_mode()
def steer(model: Any, seed: int, weight: float, label: int = STEER_LABEL, n: int = STEER_N,
          steps: int = STEER_STEPS) -> Outcome:
    """A class-conditional net asked for ``label`` from the same noise at three scales: w = 0 (its no-label answer
    alone), w = 1 (its labelled answer alone) and ``weight`` (classifier-free guidance, past the labelled answer);
    the share of each scale's digits the project's classifier reads as the label. One batch for all three (the same
    n noises three times, a scale per row; DPM-Solver++ adds no noise), ``steps`` steps."""
    from ..guidance import LabelGuided
    from ..models.quality import read_as

    x_T, gen = start_noise((n, *model.image_shape), seed, model.device)
    ws = (0.0, 1.0, weight)
    scales = torch.tensor([w for w in ws for _ in range(n)], device=model.device).view(-1, 1, 1, 1)   # [3n, 1, 1, 1]
    guided = LabelGuided(model.eps, model.num_classes, label, scales)
    *_, last = run(guided, model.schedule, x_T.repeat(len(ws), 1, 1, 1), sampler="dpmpp2m", num_steps=steps,
                   generator=gen)
    finals = last.x_next.float().cpu().split(n)                                     # w = 0, 1, weight
    plain, labelled, guided_share = (100 * float((read_as(to_uint8(x)) == label).mean()) for x in finals)
    answer = "steered" if guided_share >= 75 and guided_share - plain >= 25 else \
        "unchanged" if abs(guided_share - plain) < 25 else "broken"
    return Outcome(answer, tuple(denoise.digit_grid(x, cols=3) for x in finals),
                   {"label": label, "w": weight, "plain": plain, "labelled": labelled, "guided": guided_share,
                    "steps": steps})


@torch.inference_mode()
def flow(model: Any, seed: int, n: int = N, steps: int = FLOW_STEPS) -> Outcome:
    """A flow-matching net (trained on straight lines from noise to digits) from the same noise in one Euler step
    and in ``steps``: each result's detail against a real digit's (denoise.speckle) says whether one straight step
    reaches a digit. From pure noise the net's velocity points at the average digit, so one step lands on a blur."""
    from ..flow import flow_euler, shifted_grid

    x_T, _ = start_noise((n, *model.image_shape), seed, model.device)
    finals = [list(flow_euler(model, x_T, shifted_grid(k, model.time_shift)))[-1].x_next.clamp(-1, 1)
              for k in (1, steps)]
    one, many = (denoise.speckle(x) for x in finals)
    answer = "blur" if one < 0.5 else "digit" if one <= 2.0 else "noise"
    return Outcome(answer, tuple(denoise.digit_grid(x, cols=4) for x in finals),
                   {"one": one, "many": many, "steps": steps})


def start_of(step: str) -> int:
    """The index of a step by its key (ValueError for an unknown one)."""
    return STEP_KEYS.index(step)

