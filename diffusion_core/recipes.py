"""The training recipes: ``TrainConfig`` and the named models ``python -m diffusion_core.train --model NAME``
builds (a time expert's recipe is derived from its base's)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .unet import UNetConfig


@dataclass(frozen=True)
class TrainConfig:
    name: str
    unet: UNetConfig
    data: str = ""                   # the training set ("digits" or "photos"); "": the model's name
    images: int = 1_000_000          # training images seen in total (batch * steps)
    batch_size: int = 128
    lr: float = 2e-3
    warmup_steps: int = 300
    ema_decay: float = 0.999
    schedule: str = "linear"
    min_snr_gamma: float | None = 5.0   # None: plain (unweighted) eps MSE of Ho et al.
    # warm restarts (Loshchilov & Hutter 2017): (images seen when a new cosine cycle starts, its peak lr);
    # each new cycle starts from the EMA weights with a fresh optimizer (as --init-from a shipped model does)
    restarts: tuple[tuple[int, float], ...] = ()
    steps: tuple[int, int] | None = None     # train on step counts k in [lo, hi] only (a time expert); None: 1..T
    init_from: str | None = None             # a fresh run starts from this shipped model's weights (as --init-from)
    # this net guides the model named by ``data`` (autoguidance): (weight, first step, last step); None: not a guide
    guide: tuple[float, int, int] | None = None
    # distillation (Hinton et al. 2015; of a guided model: Meng et al. 2023): regress this shipped model's served
    # eps_theta(x_t, t) (its experts and guide included) instead of the noise; None: plain DDPM training
    teacher: str | None = None
    teacher_reuse: int = 1                   # a student learns from each teacher answer this many steps in a row
    # this net guides its own time experts (autoguidance by the net they were fine-tuned from): (weight, first step,
    # last step) on its card; None: not
    self_guide: tuple[float, int, int] | None = None
    # the precision the app serves it in on a CPU: "auto" (bf16 autocast where the CPU has bf16) or "fp32" (for a
    # net so small that per-op overhead bounds it, where autocast's casts cost more than bf16 saves)
    cpu_precision: str = "auto"
    # weight the eps MSE by min(1 / alpha_bar, cap): as an error in v (Salimans & Ho 2022), capped; None: not
    v_weight_cap: float | None = None
    # the dtype of the shipped safetensors (weights.DTYPES): "float16" halves the file under the 10 MB cap (the loader
    # copies it into the net's float32 parameters; the photos reform moved by < 0.01 dB PSNR, at most 2 of 255 levels
    # a pixel); "int8" quarters it (per output channel; the base-32 photos net's reform gains moved by <= 0.04 dB)
    weights_dtype: str = "float32"
    # a class-conditional net (unet.num_classes > 0): the share of each batch whose label is replaced by the null
    # label, so the one net also learns the unconditional answer classifier-free guidance needs
    label_dropout: float = 0.0
    # what the net learns: "eps", the noise of the DDPM forward process (Ho et al. 2020), or "flow", the velocity
    # eps - x_0 along the straight path x_s = (1 - s) x_0 + s eps (flow matching, diffusion_core.flow)
    objective: str = "eps"
    seed: int = 0
    notes: dict = field(default_factory=dict)


DIGITS_UNET = UNetConfig(in_channels=1, base_channels=32, channel_mults=(1, 2, 2), num_res_blocks=1,
                         attention=True, dropout=0.0)


DIGITS_STUDENT_UNET = UNetConfig(in_channels=1, base_channels=64, channel_mults=(1,), num_res_blocks=2,
                                 attention=True, dropout=0.0, patch=4)

PHOTOS_UNET = UNetConfig(in_channels=3, base_channels=32, channel_mults=(1, 2, 4, 4), num_res_blocks=1,
                         attention=False, dropout=0.0)


def time_expert(base: TrainConfig, name: str, steps: tuple[int, int], images: int,
                start: TrainConfig | None = None) -> TrainConfig:
    """A time expert (Balaji et al. 2022, eDiff-I) served with ``base``: a net fine-tuned on step counts ``steps``
    only, from the shipped weights of ``start`` (default ``base``; they had seen ``start.images``), for ``images``
    more in one cosine cycle at 1e-3."""
    start = start or base
    return replace(base, name=name, data=base.name, images=start.images + images, restarts=((start.images, 1e-3),),
                   steps=steps, init_from=start.name, self_guide=None, notes={})


DIGITS = TrainConfig(
    name="digits",
    unet=DIGITS_UNET,
    images=1_920_000,
    min_snr_gamma=None,
    restarts=((640_000, 1e-3), (1_280_000, 1e-3)),
    notes={"history": "three cosine cycles of 640k images; the shipped weights ran the first two under "
                      "torch.compile, which trained only the 28 x 28 layers (DDIM-50: confident 0.48, "
                      "Frechet 63.8), and the third eager, continued from them with --init-from, training "
                      "every layer; rerunning the command trains every layer in every cycle"},
)
# fully convolutional (no attention), 4 levels for a wide view at 1/8 scale; trained on 64 x 64 crops, used at any
# size with sides a multiple of 8 (256 x 256: 46.6 GFLOP per call). Base 32 channels (4.1 M parameters, shipped in
# float16: 8.1 MB; float32 would be 16 MB): one cosine cycle of 250k crops, 82 min in bf16 autocast on 2 cores
# (session 25). Held-out photos, gain over the oracle blur at t = 100 / 250 / 400 / 600, bench/reform.py:
# reform +2.47 / +1.96 / +1.36 / +0.20 dB (guess +2.59 / +2.09 / +1.50 / +0.77). The nets it replaces: base 24
# (2.3 M, 400k crops) +2.35 / +1.76 / +1.00 / -0.31 (guess +2.54 / +2.10 / +1.50 / +0.55); base 16 (1.0 M, 600k)
# +1.85 / +1.39 / +0.68 / -0.50. Width, not length: base 24 after 95k crops had +1.68 at t = 250, base 32 +1.80.
# Tried and not shipped: base 24 fine-tuned on 128 x 128 crops (24k), +2.42 / +1.84 / +1.01 / -0.26; a second
# cosine cycle of 150k crops at 1e-3 from these weights (56 min, session 26): reform +2.49 / +1.88 / +1.26 / +0.04
# (guess +2.61 / +2.11 / +1.51 / +0.79): the guess gained 0.02 dB, the reform lost 0.08-0.16 dB at t >= 250;
# base 40 with mults (1, 2, 3, 3) (4.0 M, wider at full and half scale, narrower below): +1.75 at t = 250 after 96k
# crops, behind base 32's +1.80 there, so stopped (session 27); base 40 with mults (1, 2, 4, 4) in int8, +1.81 at
# t = 250 after 131k crops, was lost with its machine at 194k (session 28). Served with reform.MirrorCycle (a mirror
# image at three steps of four, no extra cost): +2.55 / +2.02 / +1.41 / +0.25 (guess unchanged; left-right mirrors
# only: +2.51 / +1.99 / +1.40 / +0.23; all four averaged at every step, 4x the cost: +2.02 at t = 250; session 30)
PHOTOS = TrainConfig(
    name="photos",
    unet=PHOTOS_UNET,
    images=250_000,
    batch_size=32,
    lr=2e-3,
    weights_dtype="float16",
)
# the served digits model (base net, its expert and its guide: 466 MFLOP a call) distilled into a small net
# on a 7 x 7 grid of 4 x 4 patches (68 MFLOP a call), trained on the teacher's guesses, not on the noise; its time
# experts below are fine-tuned from it, and it guides them (self_guide). Served in fp32 on a CPU, frozen by
# TorchScript (pretrained.load): bench/samplers.py, dpmpp2m 20 steps, 16 digits, bf16 CPU: fp32 channels_last 0.123 s,
# frozen 0.109 s (64% of the fp32 GEMM peak), bf16 autocast 0.131 s (session 23).
# DDIM 50, 256 digits, seed 1 (the export's card), confident share / Frechet: 0.52 / 320 at 256k images, 0.66 / 118
# at 660k, 0.79 / 64 at 1.06M, 0.85 / 36.0 at its end (2M: 50 min in bf16 autocast, 294 min in fp32 on AVX2);
# the goal is 0.95 / 30.5 (3x real). Plain eps MSE instead: 0.56 at 407k. Sessions 16-17 and 22's notes.
DIGITS_STUDENT = TrainConfig(name="digits_student", unet=DIGITS_STUDENT_UNET, data="digits", images=2_000_000,
                             min_snr_gamma=None, teacher="digits", teacher_reuse=2, v_weight_cap=30.0,
                             self_guide=(4.0, 151, 650), cpu_precision="fp32")
DIGITS_STUDENT_MID = time_expert(DIGITS_STUDENT, "digits_student_mid", (151, 650), images=1_000_000)
# class-conditional digits for classifier-free guidance (Ho & Salimans 2022): the shipped digits net warm-started
# with a zero label embedding (so it starts as that net), then one cosine cycle at 1e-3 with 15% of labels dropped.
# The embedding is scaled by 10 (for Adam, ten times its learning rate) and the EMA is short (0.995): at scale 1 and
# EMA 0.999, 96k images left the label all but unheard (one row of digits for every label; docs/experiments.md)
# a label embedding added to the time embedding, warm-started from the digits net: a cosine cycle at 1e-3 over 160k
# images, then a second one over 384k, which made the label heard (docs/experiments.md)
DIGITS_COND = replace(DIGITS, name="digits_cond", unet=replace(DIGITS_UNET, num_classes=10, label_scale=10.0),
                      data="digits", images=DIGITS.images + 160_000 + 384_000,
                      restarts=((DIGITS.images, 1e-3), (DIGITS.images + 160_000, 1e-3)),
                      init_from="digits", label_dropout=0.15, ema_decay=0.995, notes={})
# flow matching on the same digits with the same UNet, warm-started from the digits net's weights (its features;
# what it predicts and the path it sees differ): a cosine cycle at 1e-3, then one at 5e-4 (docs/experiments.md)
DIGITS_FLOW = replace(DIGITS, name="digits_flow", data="digits", objective="flow", init_from="digits",
                      images=DIGITS.images + 96_000 + 320_000,
                      restarts=((DIGITS.images, 1e-3), (DIGITS.images + 96_000, 5e-4)), notes={})
MODELS: dict[str, TrainConfig] = {
    "digits": DIGITS,
    # the digits net fine-tuned on the middle steps only, where bench/ideal.py shows the digits are lost;
    # sampling routes those steps to it, the rest to "digits". 128k images (1,000 steps) score as well as
    # 384k did (DDIM 50, 256 digits: confident 0.934 against 0.918, Frechet 1.12x against 1.09x the real
    # floor): the gain comes early, so the shorter recipe ships. Tried and not shipped (session 14): a third net
    # on 251-550 from these weights (128k images): `bench/quality.py --samplers ddim --n 1024 --seed 2`,
    # confident 0.897 -> 0.898 (+- 0.01), Frechet 12.3 -> 10.2;
    # a photos expert on 1-300 (35k crops) of the base-16 photos net: reform gain at t = 250 +1.39 -> +1.41 dB
    "digits_mid": time_expert(DIGITS, "digits_mid", (151, 650), images=128_000),
    "photos": PHOTOS,
    # autoguidance (Karras et al. 2024): a deliberately weaker digits net, a quarter of the FLOPs and a sixth of
    # the training, whose guess the served one is pushed away from with weight 3 on step counts 151-1000.
    # bench/quality.py's confident / stray dots per digit, DDIM 50, seed 2, 1,024 digits: no guide 0.897 / 0.08
    # (its first 512), every step 0.957 / 0.15 (guiding the last 150 steps only adds dots), 151-650 0.946 / 0.05;
    # 256 digits, seed 1: no guide 0.934, every step 0.961, 151-1000 0.965 / 0.05, 151-650 0.938 / 0.04
    "digits_guide": TrainConfig(name="digits_guide", unet=replace(DIGITS_UNET, base_channels=16), data="digits",
                                images=320_000, min_snr_gamma=None, guide=(3.0, 151, 1000)),
    "digits_student": DIGITS_STUDENT,
    "digits_cond": DIGITS_COND,
    "digits_flow": DIGITS_FLOW,
    # the student's own time experts on the steps where, served alone, it loses the digits (session 22; DDIM 50,
    # 256 digits, seed 1, the card's figures): with the teacher's eps at t 150-400 or 400-650 and the student's
    # elsewhere, confident 0.945 / 0.949 (student + the mid expert alone: 0.914). Served: the base and two halves
    # fine-tuned from the mid expert (which 256k images instead of 1M left at 0.859 / 33.8, and the card drops
    # once the halves cover it): + low 0.922 / 17.2, + high 0.945 / 16.2 (1.6x real), balance 0.990, near-copies
    # 0.8%. Guided by digits_guide instead (3x the time): weight 2 0.898 / 37.5, 3 0.910 / 45.5. Guided by the
    # base student itself on 151-650 (session 23: autoguidance whose weaker net is the one the experts were
    # fine-tuned from, two 68 MFLOP calls on those steps), weight 1.5 / 2 / 3 / 4 / 5: seed 1, 256 digits 0.949 /
    # 0.957 / 0.957 / 0.969 / 0.961; seed 2, 1,024 digits 0.924 / 0.938 / 0.947 / 0.955 / 0.966 (unguided 0.913,
    # the teacher 0.955); weight 5 worsens Frechet for DDPM, Euler and Heun, so 4 ships
    "digits_student_mid": DIGITS_STUDENT_MID,
    "digits_student_low": time_expert(DIGITS_STUDENT, "digits_student_low", (151, 400), 500_000, DIGITS_STUDENT_MID),
    "digits_student_high": time_expert(DIGITS_STUDENT, "digits_student_high", (401, 650), 500_000, DIGITS_STUDENT_MID),
}


def dataset_of(cfg: TrainConfig) -> str:
    """The training set ("digits" or "photos") of a recipe, through the model an expert or a guide is served in."""
    name = cfg.data or cfg.name
    while name in MODELS and MODELS[name].data not in ("", name):
        name = MODELS[name].data
    return name


def with_overrides(cfg: TrainConfig, images: int | None = None, lr: float | None = None,
                   restarts: list[str] = ()) -> TrainConfig:
    """The recipe with command-line changes: total images, peak lr, and extra warm restarts "IMAGES:LR"."""
    added = []
    for r in restarts:
        try:
            at, peak = r.split(":")
            added.append((int(float(at)), float(peak)))
        except ValueError:
            raise ValueError(f"--restart takes IMAGES:LR (e.g. 640000:1e-3), not {r!r}") from None
    return replace(cfg, images=images or cfg.images, lr=lr or cfg.lr, restarts=tuple(sorted(cfg.restarts + tuple(added))))
