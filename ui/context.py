"""AppContext: what every tab shares (device, schedules, loaded models), built once and passed in."""
from __future__ import annotations

import functools
import inspect
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image

from diffusion_core.device import MODEL_NICE, pick_device
from diffusion_core.lessons.denoise import RunCache
from diffusion_core.media.frames import save_gif
from diffusion_core.media.images import example_photos, load_image
from diffusion_core.schedule import NoiseSchedule
from diffusion_core.serving.costs import CallCosts
from diffusion_core.serving.engine import Engine

from .pools import ModelGate, RunGate


DIGITS_BATCH = 16                   # digits a Denoise run makes by default: the batch its call costs are timed at
OPTIONAL = ("digits_student", "digits_cond", "digits_flow")   # its absence switches off only its part, quietly said


@dataclass
class AppContext:
    device: Any
    schedules: dict[str, NoiseSchedule]
    examples: list[Path]
    default_photo: np.ndarray
    models: dict[str, Any] = field(default_factory=dict)          # name -> pretrained.Pretrained
    model_errors: dict[str, str] = field(default_factory=dict)    # name -> why it is unavailable
    gate: ModelGate = field(default_factory=ModelGate)              # one training / film / photo job at a time
    engine: Engine = field(default_factory=lambda: Engine(nice=MODEL_NICE))   # every sampling run's calls, batched
    runs: RunCache = field(default_factory=RunCache)                # recent digits runs' results, by settings
    costs: CallCosts = field(default_factory=CallCosts)             # seconds per network call, measured here
    tmp_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="diffusion-classroom-")))
    run_gate: RunGate = field(init=False)                           # sampling runs let in by their cost

    def __post_init__(self) -> None:
        self.run_gate = RunGate(self.costs, DIGITS_BATCH)

    def gif(self, frames: list[np.ndarray], kind: str, fps: int) -> str:
        """``frames`` saved as a GIF under a fresh name in the app's temporary folder (Gradio serves the file from
        there); its path."""
        return str(save_gif(frames, self.tmp_dir / f"{kind}-{uuid.uuid4().hex[:8]}.gif", fps=fps))

    def png(self, picture: np.ndarray, kind: str) -> str:
        """``picture`` (uint8) saved once as a PNG under a fresh name in the app's temporary folder; its path. A stream
        that shows the same picture again yields this path: Gradio copies a file into its cache once, but re-saves an
        array on every yield, rewriting the file a browser may be reading (a picture left blank)."""
        path = self.tmp_dir / f"{kind}-{uuid.uuid4().hex[:8]}.png"
        Image.fromarray(picture).save(path, compress_level=1)
        return str(path)

    @classmethod
    def create(cls, model_names: tuple[str, ...] = ("digits", "photos", *OPTIONAL),
               assets: Path | None = None) -> "AppContext":
        """Load what the tabs share; a model that fails to load switches off its part (said at start-up too)."""
        from diffusion_core.lessons import points
        from diffusion_core.models import pretrained

        points.warm_up()

        examples = example_photos()
        default = load_image(examples[0]) if examples else np.full((256, 256, 3), 128, np.uint8)
        ctx = cls(pick_device(), {k: NoiseSchedule(k) for k in ("linear", "cosine")}, examples, default)
        for name in model_names:
            try:
                ctx.models[name] = pretrained.load(name, device=ctx.device, assets=assets)
            except Exception as e:  # a missing model disables its tab, never the app
                ctx.model_errors[name] = str(e)
                what = " (optional: its part of the app appears once it is built)" if name in OPTIONAL else ""
                print(f"[diffusion-classroom] the {name} model is unavailable{what}: {e}", file=sys.stderr)
        for name, m in ctx.models.items():       # what a run will take, told before it starts (a second in all)
            if name.startswith("digits"):
                for served in {m.sha256: m, m.unguided().sha256: m.unguided()}.values():   # Denoise's, Compare's
                    for batch in (1, DIGITS_BATCH):
                        ctx.costs.measure(served.sha256, served, batch, m.image_shape)
        # runs are let in by the network's own time, as measured now: a run's wall time under load would count its
        # wait for the others as its work
        ctx.run_gate = RunGate(ctx.costs.snapshot(), DIGITS_BATCH)
        return ctx


def bound(fn: Callable, ctx: AppContext, *given: Any) -> Callable:
    """A module-level handler ``fn(ctx, *given, *values, request, ...)`` with the app's context (and any other
    leading arguments the wiring knows, ``given``) filled in, as a plain function Gradio reads like the one written
    out: the same signature less those (so it still finds gr.Request and gr.Progress), the same annotations, and a
    generator stays a generator (Gradio streams only those). functools.partial would hide all three."""
    if inspect.isgeneratorfunction(fn):
        def handler(*args: Any, **kwargs: Any) -> Any:
            yield from fn(ctx, *given, *args, **kwargs)
    else:
        def handler(*args: Any, **kwargs: Any) -> Any:
            return fn(ctx, *given, *args, **kwargs)
    functools.update_wrapper(handler, fn)
    sig = inspect.signature(fn)
    handler.__signature__ = sig.replace(parameters=list(sig.parameters.values())[1 + len(given):])
    return handler
