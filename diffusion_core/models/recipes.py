"""The training recipes: ``TrainConfig`` and the named nets ``python -m diffusion_core.models.train --model NAME`` builds.

A recipe says what its net learns and its relations to other nets, each in a field of its own: the data set it trains
on (``data``), the shipped weights it starts from (``init_from``), the net it distils (``teacher``), the model it is a
time expert of and on which timesteps (``expert_of``, ``t_range``), the model it is made to guide (``guides``). How
nets serve together (experts, a guide's weight, options) is the bundles' (bundles.py). Why each recipe is what it is,
with the figures that chose it and what was tried instead: docs/experiments.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..unet import UNetConfig


@dataclass(frozen=True)
class TrainConfig:
    name: str
    unet: UNetConfig
    data: str = "digits"             # the training set: "digits" or "photos"
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
    init_from: str | None = None             # a fresh run starts from this shipped net's weights (as --init-from)
    # a time expert (eDiff-I, Balaji et al. 2022): served inside the model ``expert_of`` on the network timesteps
    # t_range = (first, last), 0-based and inclusive, which are all it trains on; None: every t
    expert_of: str | None = None
    t_range: tuple[int, int] | None = None
    guides: str | None = None                # made to guide this model (autoguidance: deliberately weaker)
    # distillation (Hinton et al. 2015; of a guided model: Meng et al. 2023): regress this shipped model's served
    # eps_theta(x_t, t) (its experts and guide included) instead of the noise; None: plain DDPM training
    teacher: str | None = None
    teacher_reuse: int = 1                   # a student learns from each teacher answer this many steps in a row
    # weight the eps MSE by min(1 / alpha_bar, cap): as an error in v (Salimans & Ho 2022), capped; None: not
    v_weight_cap: float | None = None
    # the dtype of the shipped safetensors (weights.DTYPES): "float16" halves the file under the 10 MB cap (the loader
    # copies it into the net's float32 parameters); "int8" quarters it (per output channel)
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
DIGITS_GUIDE_UNET = replace(DIGITS_UNET, base_channels=16)          # a quarter of the FLOPs
DIGITS_STUDENT_UNET = UNetConfig(in_channels=1, base_channels=64, channel_mults=(1,), num_res_blocks=2,
                                 attention=True, dropout=0.0, patch=4)
# fully convolutional (no attention), 4 levels for a wide view at 1/8 scale; trained on 64 x 64 crops, used at any
# size with sides a multiple of 8
PHOTOS_UNET = UNetConfig(in_channels=3, base_channels=32, channel_mults=(1, 2, 4, 4), num_res_blocks=1,
                         attention=False, dropout=0.0)


def time_expert(base: TrainConfig, name: str, t_range: tuple[int, int], images: int,
                start: TrainConfig | None = None) -> TrainConfig:
    """A time expert of ``base``: a net fine-tuned on the network timesteps ``t_range`` only, from the shipped
    weights of ``start`` (default ``base``; they had seen ``start.images``), for ``images`` more in one cosine cycle
    at 1e-3."""
    start = start or base
    return replace(base, name=name, expert_of=base.name, t_range=t_range, images=start.images + images,
                   restarts=((start.images, 1e-3),), init_from=start.name, notes={})


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
PHOTOS = TrainConfig(name="photos", unet=PHOTOS_UNET, data="photos", images=250_000, batch_size=32, lr=2e-3,
                     weights_dtype="float16")
# the served digits model distilled into a small net on a 7 x 7 grid of 4 x 4 patches, trained on its guesses
DIGITS_STUDENT = TrainConfig(name="digits_student", unet=DIGITS_STUDENT_UNET, images=2_000_000, min_snr_gamma=None,
                             teacher="digits", teacher_reuse=2, v_weight_cap=30.0)
DIGITS_STUDENT_MID = time_expert(DIGITS_STUDENT, "digits_student_mid", (150, 649), images=1_000_000)
# class-conditional digits for classifier-free guidance (Ho & Salimans 2022), warm-started from the digits net with
# a zero label embedding scaled by 10 (so it starts as that net), then two cosine cycles with 15% of labels dropped
DIGITS_COND = replace(DIGITS, name="digits_cond", unet=replace(DIGITS_UNET, num_classes=10, label_scale=10.0),
                      images=DIGITS.images + 160_000 + 384_000,
                      restarts=((DIGITS.images, 1e-3), (DIGITS.images + 160_000, 1e-3)),
                      init_from="digits", label_dropout=0.15, ema_decay=0.995, notes={})
# flow matching on the same digits with the same UNet, warm-started from the digits net's weights
DIGITS_FLOW = replace(DIGITS, name="digits_flow", objective="flow", init_from="digits",
                      images=DIGITS.images + 96_000 + 320_000,
                      restarts=((DIGITS.images, 1e-3), (DIGITS.images + 96_000, 5e-4)), notes={})
MODELS: dict[str, TrainConfig] = {
    "digits": DIGITS,
    "digits_mid": time_expert(DIGITS, "digits_mid", (150, 649), images=128_000),
    "photos": PHOTOS,
    # autoguidance (Karras et al. 2024): a deliberately weaker digits net, a quarter of the FLOPs, a sixth of the
    # training
    "digits_guide": TrainConfig(name="digits_guide", unet=DIGITS_GUIDE_UNET, images=320_000, min_snr_gamma=None,
                                guides="digits"),
    "digits_student": DIGITS_STUDENT,
    "digits_cond": DIGITS_COND,
    # the same for the conditional net: its labels and label dropout, so its null answer is a weaker version of the
    # conditional net's
    "digits_cond_guide": TrainConfig(name="digits_cond_guide", images=320_000, min_snr_gamma=None,
                                     unet=replace(DIGITS_GUIDE_UNET, num_classes=10, label_scale=10.0),
                                     label_dropout=0.15, guides="digits_cond"),
    "digits_flow": DIGITS_FLOW,
    # the student's time experts on the steps where, served alone, it loses the digits: two halves fine-tuned from
    # the mid one (which is not served)
    "digits_student_mid": DIGITS_STUDENT_MID,
    "digits_student_low": time_expert(DIGITS_STUDENT, "digits_student_low", (150, 399), 500_000, DIGITS_STUDENT_MID),
    "digits_student_high": time_expert(DIGITS_STUDENT, "digits_student_high", (400, 649), 500_000, DIGITS_STUDENT_MID),
}


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
