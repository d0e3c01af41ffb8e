"""Reform with the photos model vs the best Gaussian-blur denoise, on the photos held out of its training.

python bench/reform.py [--ts 100,250,400,600] [--steps 25] [--seeds 0,1] [--assets DIR] [--no-mirrors]
For each held-out photo and t: x_t from one jump with the seed's noise; the model's DDIM reform (a mirror image
at three steps of four, reform.MirrorCycle, where the photos bundle's options say so, as the app and the CLI run
it; --no-mirrors: never); and the baseline x0 = blur_sigma(x_t) / sqrt(alpha_bar_t) with sigma picked by oracle
(best PSNR per image);
and the model's one-jump guess of x_0 at t (its estimate of E[x_0 | x_t], the best guess in mean squared error);
and, for scale, BM3D (Dabov et al. 2007; the `bm3d` package, in requirements-dev) told the true noise level;
and the guess (a Wiener filter) and DDIM reform of the Gaussian that knows the photo's own spectrum (every Fourier
magnitude, no phases: diffusion_core.ideal.gaussian_denoiser), the ideal model of a world of Gaussian pictures.
Goals: the model beats the baseline by >= 2 dB at t = 250 and never loses; 256 x 256 with 25 steps <= 5 s.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from common import save, table

from diffusion_core.ideal import gaussian_denoiser, spectrum_of
from diffusion_core.lessons import forward
from diffusion_core.lessons.reform import reform_image
from diffusion_core.media.images import load_image
from diffusion_core.media.metrics import gaussian_blur, psnr
from diffusion_core.models import pretrained
from diffusion_core.models.photo_data import HELD_OUT, photo_path

# up to 32: at t = 600 the best blur is sigma 12-24 (a grid that stopped at 6, before session 24, made the baseline
# up to 2.7 dB worse there than its oracle)
SIGMAS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0)


def best_blur(image: np.ndarray, x_k: torch.Tensor, ab: float) -> tuple[float, float]:
    """(PSNR, sigma) of the oracle-tuned Gaussian blur denoise of x_k [3, H, W]."""
    best = (-1.0, 0.0)
    for s in SIGMAS:
        radius = min(max(1, int(3.5 * s + 0.5)), min(x_k.shape[-2:]) - 1)            # reflect padding < the side
        x0 = gaussian_blur(x_k[:, None], s, radius)[:, 0] / ab**0.5
        best = max(best, (psnr(image, forward.to_picture(x0)), s))
    if best[1] == SIGMAS[-1]:
        print(f"note: the best blur is the widest tried (sigma {best[1]}); the baseline may be better still")
    return best


def bm3d_denoise(image: np.ndarray, x_k: torch.Tensor, ab: float) -> float | None:
    """PSNR of BM3D on x_k / sqrt(ab) = x_0 + sqrt((1 - ab) / ab) eps with that sigma; None without the package."""
    try:
        import bm3d
    except ImportError:
        return None
    z = (x_k / ab**0.5 + 1.0) / 2.0                               # [3, H, W] in the [0, 1] scale of the picture
    y = bm3d.bm3d_rgb(z.permute(1, 2, 0).numpy(), ((1.0 - ab) / ab) ** 0.5 / 2.0)
    return psnr(image, forward.to_picture(torch.from_numpy(np.asarray(y)).permute(2, 0, 1), 0.0, 1.0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ts", default="100,250,400,600")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--assets", type=Path, help="a candidate's model directory (printed, not saved); default: assets/")
    ap.add_argument("--no-timing", action="store_true", help="skip the 256 x 256 timing")
    ap.add_argument("--no-mirrors", action="store_true", help="the plain DDIM reform (printed, not saved)")
    args = ap.parse_args()
    model = pretrained.load("photos", assets=args.assets)
    mirrors = model.options.mirrors and not args.no_mirrors            # as the bundle serves it, unless told not
    print("served photos model:", model.sha256[:16], "+ experts", [e.sha256[:8] for e in model.experts], model.routes())
    sched = model.schedule
    rows = []
    for pkg, name in HELD_OUT:
        image = load_image(photo_path(pkg, name))
        x0 = forward.to_x0(image)
        gauss = gaussian_denoiser(*spectrum_of(x0), sched)                  # the photo's own Gaussian, made once
        for k in map(int, args.ts.split(",")):
            for seed in map(int, args.seeds.split(",")):
                x_k = sched.add_noise(x0, k, forward.seeded_noise(tuple(x0.shape), seed, 0))
                r = reform_image(model, sched, image, k, args.steps, seed, model.device, mirrors=mirrors)
                ab = float(sched.alpha_bar[k])
                blur_db, sigma = best_blur(image, x_k, ab)
                model_db, guess_db = psnr(image, r.reformed), psnr(image, r.guess)
                bm3d_db = bm3d_denoise(image, x_k, ab)
                g = reform_image(gauss, sched, image, k, args.steps, seed)
                rows.append({"photo": name, "t": k, "seed": seed, "psnr_xt": round(psnr(image, r.noised), 2),
                             "psnr_blur": round(blur_db, 2), "blur_sigma": sigma, "psnr_model": round(model_db, 2),
                             "gain_db": round(model_db - blur_db, 2), "psnr_guess": round(guess_db, 2),
                             "guess_gain_db": round(guess_db - blur_db, 2),
                             "bm3d_gain_db": None if bm3d_db is None else round(bm3d_db - blur_db, 2),
                             "gauss_gain_db": round(psnr(image, g.reformed) - blur_db, 2),
                             "gauss_guess_gain_db": round(psnr(image, g.guess) - blur_db, 2)})
    print(table(rows, ["photo", "t", "seed", "psnr_xt", "psnr_blur", "blur_sigma", "psnr_model", "gain_db",
                       "psnr_guess", "guess_gain_db", "bm3d_gain_db", "gauss_gain_db", "gauss_guess_gain_db"]))
    gains = {}
    for col, what in (("gain_db", "the reform"), ("guess_gain_db", "the one-jump guess"), ("bm3d_gain_db", "BM3D"),
                      ("gauss_gain_db", "the spectrum's Gaussian, reform"), ("gauss_guess_gain_db", "its guess")):
        if rows[0][col] is None:
            print("BM3D: pip install bm3d for this reference")
            continue
        gains[col] = {k: float(np.mean([r[col] for r in rows if r["t"] == k])) for k in sorted({r["t"] for r in rows})}
        print(f"{what}: mean gain over the best blur, by t:", {k: round(v, 2) for k, v in gains[col].items()},
              "| worst single gain:", min(r[col] for r in rows))

    if args.no_timing:
        return
    image = np.asarray(np.random.default_rng(0).integers(0, 256, (256, 256, 3)), np.uint8)
    reform_image(model, sched, image, 250, 5, 0, model.device, mirrors=mirrors)        # warm-up
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        reform_image(model, sched, image, 600, 25, 0, model.device, mirrors=mirrors)
        times.append(time.perf_counter() - t0)
    print(f"256 x 256, 25 steps: best of 3 {min(times):.2f} s, median {float(np.median(times)):.2f} s (goal <= 5 s)")
    if args.assets or not mirrors:
        return
    save("reform", {"model": model.sha256, "steps": args.steps, "mirrors": mirrors, "rows": rows, "mean_gain_by_t": gains["gain_db"], "mean_guess_gain_by_t": gains["guess_gain_db"],
                    "mean_bm3d_gain_by_t": gains.get("bm3d_gain_db"), "mean_gauss_gain_by_t": gains["gauss_gain_db"],
                    "mean_gauss_guess_gain_by_t": gains["gauss_guess_gain_db"], "seconds_256_25": times})


if __name__ == "__main__":
    main()
