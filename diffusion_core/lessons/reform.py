"""Reform a dissolved photo with a learned model (it has no record of the noise and must invent).

python -m diffusion_core.lessons.reform --model photos --t T --steps N --seed S IN.png OUT.png [--size 256]
dissolves IN to step t in one jump with the seed's noise (the same x_t as the step-by-step walk, in
distribution) and runs DDIM (eta 0) with N steps from t down to 0, asking the model about a mirror image of x_t
at three steps of four (MirrorCycle); OUT is written at the working size.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np
import torch
from torch import Tensor

from ..media.metrics import psnr, ssim
from ..samplers import Model, Step, run, trailing
from ..schedule import NoiseSchedule
from . import forward

MAX_REFORM_STEPS = 100


# The mirror images of a picture [..., H, W], as the dims torch.flip turns: as is, left-right, upside down, both.
MIRRORS: tuple[tuple[int, ...], ...] = ((), (-1,), (-2,), (-2, -1))


@dataclass(frozen=True)
class MirrorCycle:
    """A Model that asks ``model`` about step i's mirror image of x (MIRRORS[i mod 4]) and mirrors its eps back.

    A geometric self-ensemble (Timofte et al. 2016; Lim et al. 2017, EDSR: average a net's answers over flips of
    its input) spread over a sampler's steps, so it costs no extra network call: what one step gets wrong in a
    picture the next step, seeing it another way round, partly undoes. For models of pictures whose mirror images
    are as plausible as they are (the photos net learned from left-right flipped crops). Step i is the one at
    network timestep ``timesteps[i]``; any other timestep is an error (ValueError).
    """

    model: Model
    timesteps: tuple[int, ...]

    def __call__(self, x: Tensor, t: Tensor) -> Tensor:                 # x [B, C, H, W], t [B] -> eps [B, C, H, W]
        i = self.timesteps.index(int(round(float(t[0]))))
        dims = MIRRORS[i % len(MIRRORS)]
        return self.model(x.flip(dims), t).flip(dims) if dims else self.model(x, t)


def model_reform(model: Model, schedule: NoiseSchedule, x_k: Tensor, k: int, num_steps: int,
                 mirrors: bool = False) -> Iterator[Step]:
    """DDIM from step count k (network timestep k - 1) down to the clean end: x_k [B, C, H, W] -> Steps.

    With ``mirrors`` the model sees a mirror image at three steps of four (MirrorCycle). Yields nothing when k = 0
    (nothing to reform)."""
    if not 0 <= k <= schedule.num_steps:
        raise ValueError(f"k must be in [0, {schedule.num_steps}], got {k}")
    if k == 0:
        return
    ts = trailing(schedule, min(num_steps, k), t_start=schedule.timestep(k))
    if mirrors:
        model = MirrorCycle(model, tuple(int(t) for t in ts))
    yield from run(model, schedule, x_k, sampler="ddim", timesteps=ts)


@dataclass(frozen=True)
class Scores:
    psnr: float
    ssim: float


def scores(original: np.ndarray, picture: np.ndarray) -> Scores:
    """PSNR (dB) and SSIM of a uint8 picture against the original."""
    return Scores(psnr(original, picture), ssim(original, picture) if min(original.shape[:2]) > 10 else float("nan"))


def _picture(x: Tensor) -> np.ndarray:
    """A batch of one model tensor [1, 3, H, W] (any device) -> uint8 picture [H, W, 3]."""
    return forward.to_picture(x[0].double().cpu())


class Reformed(NamedTuple):
    noised: np.ndarray       # uint8 [H, W, 3]: x_k
    reformed: np.ndarray     # uint8 [H, W, 3]: the model's DDIM reform, from k down to 0
    guess: np.ndarray        # uint8 [H, W, 3]: its one-jump guess of x_0 at k (the first step's x0_pred)


def reform_image(model: Model, schedule: NoiseSchedule, image_u8: np.ndarray, k: int, num_steps: int, seed: int,
                 device: torch.device | str = "cpu", mirrors: bool = False) -> Reformed:
    """x_k, the model's reform and its one-jump guess, as uint8 [H, W, 3] pictures of a uint8 [H, W, 3] image.

    The guess estimates E[x_0 | x_k]: the average of every picture that could lie under this noise, blurry
    but the best guess in mean squared error; the reform commits to one sharp picture and invents its details."""
    x0 = forward.to_x0(image_u8)                                                  # [3, H, W] float64
    x_k = schedule.add_noise(x0, k, forward.seeded_noise(tuple(x0.shape), seed, 0))
    x, guess = x_k[None].float().to(device), None
    for st in model_reform(model, schedule, x, k, num_steps, mirrors):
        if guess is None:
            guess = st.x0_pred
        x = st.x_next
    noised = forward.to_picture(x_k)
    return Reformed(noised, _picture(x), noised if guess is None else _picture(guess))


def matching_step(noising: NoiseSchedule, k: int, model_schedule: NoiseSchedule) -> int:
    """The model schedule's step count whose alpha_bar is closest to ``noising``'s at k (the model only
    needs the noise level, so an x_t made with another schedule can be reformed from there)."""
    target = float(noising.alpha_bar[k])
    return int((model_schedule.alpha_bar - target).abs().argmin())


@dataclass(frozen=True)
class PairFrame:
    done: float                  # share of the way back to t = 0, 0..1
    record: np.ndarray           # uint8 [H, W, 3]: the exact reform with the record so far
    model: np.ndarray            # uint8 [H, W, 3]: the model's reform so far (its x_t on the way down)
    guess: np.ndarray            # uint8 [H, W, 3]: the model's one-jump guess of x_0 at k (x_k until it is made)
    record_scores: Scores | None = None   # on the last frame: against the original
    model_scores: Scores | None = None
    guess_scores: Scores | None = None


def reform_pair(model: Model, model_schedule: NoiseSchedule, image_u8: np.ndarray, k: int, noising: NoiseSchedule,
                seed: int, num_steps: int = 25, device: torch.device | str = "cpu",
                mirrors: bool = False) -> Iterator[PairFrame]:
    """Dissolve the image step by step to k (the record of the Add-noise tab), then reform the same x_k twice,
    side by side: exactly with the record, and with the model (DDIM, ``num_steps``, ``mirrors`` as in
    model_reform) that has no record."""
    x0 = forward.to_x0(image_u8)                                                   # [3, H, W] float64
    x_k = forward.dissolve_to(x0, noising, seed, k)
    k_model = matching_step(noising, k, model_schedule)
    exact = forward.reform(x_k, noising, seed, start=k)
    x_rec, x_mod = x_k, x_k[None].float().to(device)
    rec = mod = guess = forward.to_picture(x_k)
    yield PairFrame(0.0, rec, mod, guess)
    n = max(min(num_steps, k_model), 1)                                            # model steps to come
    for i, st in enumerate(model_reform(model, model_schedule, x_mod, k_model, num_steps, mirrors)):
        if i == 0:
            guess = _picture(st.x0_pred)
        goal = round(k * (1 - (i + 1) / n))                                        # record's step count to match
        for j, x in exact:
            x_rec = x
            if j <= goal:
                break
        x_mod = st.x_next
        rec, mod = forward.to_picture(x_rec), _picture(x_mod)
        yield PairFrame((i + 1) / n, rec, mod, guess)
    rest = None
    for _, rest in exact:                                                           # the rest (k_model = 0 case)
        pass
    if rest is not None:
        rec = forward.to_picture(rest)
    original = np.asarray(image_u8)
    yield PairFrame(1.0, rec, mod, guess, scores(original, rec), scores(original, mod), scores(original, guess))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="photos")
    ap.add_argument("--t", type=int, required=True, help="noising steps, 0..1000")
    ap.add_argument("--steps", type=int, default=25, help=f"DDIM steps, 1..{MAX_REFORM_STEPS}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=256, help="longest side of the working image (8..1024)")
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path)
    args = ap.parse_args(argv)
    from ..media.images import ImageError, load_image
    from ..models import pretrained

    if not 0 <= args.t <= 1000 or not 1 <= args.steps <= MAX_REFORM_STEPS or not 8 <= args.size <= 1024:
        ap.error("--t must be in 0..1000, --steps in 1..100, --size in 8..1024")
    try:
        image = load_image(args.input, size=args.size)
        model = pretrained.load(args.model)
    except (ImageError, pretrained.ModelUnavailable) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if image.ndim != 3 or image.shape[2] != model.image_shape[0]:
        print(f"error: the {args.model} model reforms {model.image_shape[0]}-channel pictures", file=sys.stderr)
        return 2
    r = reform_image(model, model.schedule, image, args.t, args.steps, args.seed, model.device,
                     mirrors=model.options.mirrors)
    from PIL import Image

    Image.fromarray(r.reformed).save(args.output)
    s_in, s_out, s_guess = scores(image, r.noised), scores(image, r.reformed), scores(image, r.guess)
    print(f"x_t: PSNR {s_in.psnr:.2f} dB, SSIM {s_in.ssim:.3f}; reformed: PSNR {s_out.psnr:.2f} dB, "
          f"SSIM {s_out.ssim:.3f}; one-jump guess: PSNR {s_guess.psnr:.2f} dB, SSIM {s_guess.ssim:.3f} "
          f"-> {args.output} ({r.reformed.shape[1]} x {r.reformed.shape[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
