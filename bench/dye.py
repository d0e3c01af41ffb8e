"""Dye tab: live training of the 2-D denoiser per preset (share of particles inside the shape) and the
reverse film's frame rate (sampling + drawing each frame with its arrows, as the tab streams it).

python bench/dye.py [--seconds 20] [--presets heart,kuo,spiral,moons] [--batch 512] [--lr 0.01]
Goals (2 cores): >= 90% inside within 20 s of training, per preset; film of 2,000 particles x 100 steps >= 10 fps.
"""
from __future__ import annotations

import argparse
import time

from common import save, table

from diffusion_core.lessons import points
from diffusion_core.media.render import points_picture
from diffusion_core.schedule import NoiseSchedule

PARTICLES, STEPS, TOL = 2000, 100, 0.06


def one_preset(name: str, seconds: float, seed: int, **train_kw) -> dict:
    schedule = NoiseSchedule("linear")
    mask = points.preset_mask(name)
    model = points.PointDenoiser()
    last = None
    for last in points.train_points(model, points.sample_mask(mask, 20000, seed), schedule, seconds=seconds,
                                    seed=seed, **train_kw):
        pass
    t0 = time.perf_counter()
    for step, t_now, pts in points.reverse_film(model, schedule, PARTICLES, STEPS, seed):
        points_picture(pts, extent=2.5, size=360, arrows=points.field(model, t_now, extent=2.4))
    film_s = time.perf_counter() - t0
    return {"preset": name, "train_s": round(last.seconds, 1), "steps": last.step, "loss": round(last.loss, 4),
            "inside": round(points.inside_share(pts, mask, TOL), 3), "film_fps": round((STEPS + 1) / film_s, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--presets", default=",".join(points.PRESETS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--lr", type=float)
    args = ap.parse_args()
    kw = {k: v for k, v in (("batch", args.batch), ("lr", args.lr)) if v is not None}
    rows = [one_preset(p, args.seconds, args.seed, **kw) for p in args.presets.split(",")]
    print(table(rows, ["preset", "train_s", "steps", "loss", "inside", "film_fps"]))
    print(f"goal: inside >= 0.90 (tolerance {TOL}) after {args.seconds:.0f} s; film >= 10 fps "
          f"({PARTICLES} particles, {STEPS} steps)")
    save("dye", {"seconds": args.seconds, "train_kw": kw, "rows": rows})


if __name__ == "__main__":
    main()
