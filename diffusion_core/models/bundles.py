"""What the app serves under a name: a base net with its time experts, its guide and its options, assembled from the
nets' own cards into assets/bundles/NAME.json, the way diffusers composes a pipeline from ``model_index.json``.

    python -m diffusion_core.models.bundles [NAME ...]        (no NAME: every bundle)

A net's card (assets/NET.json, written when it is trained) says only what that net is: its recipe, its role (the
network timesteps an expert learned, the model a guide was made for) and its training. A bundle says how nets serve
together. Assembling checks that every part is there and records each part's sha256, so ``pretrained.load`` refuses
a bundle whose parts were retrained since; the served figures (bench/quality.py --card, bench/guidance.py --card) go
on the bundle, and are kept when it is assembled again from the same parts.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import assets_dir, write_json

FIGURES = ("quality", "guidance")       # measured on the served bundle: kept while its parts stay the same


@dataclass(frozen=True)
class GuideUse:
    """Autoguidance (Karras et al. 2024, eq. 2): the served eps is pushed away from net ``name``'s, eps_guide +
    weight (eps - eps_guide), on network timesteps first..last (0-based, inclusive). ``name`` may be the base itself:
    its experts, fine-tuned from it, are then pushed away from it."""

    name: str
    weight: float
    first: int
    last: int


@dataclass(frozen=True)
class Options:
    # the precision on a CPU: "auto" (bf16 autocast where the CPU has it) or "fp32" (nets so small that per-op
    # overhead bounds them, where autocast's casts cost more than bf16 saves; served frozen by TorchScript)
    cpu_precision: str = "auto"
    mirrors: bool = False       # a photo reform asks about a mirror image at three steps of four (reform.MirrorCycle)
    time_shift: float = 1.0     # a flow net's grid shift k (flow.shifted_grid); 1: the even grid


@dataclass(frozen=True)
class Bundle:
    base: str
    experts: tuple[str, ...] = ()       # nets that each take the timesteps their card's role names
    guide: GuideUse | None = None
    options: Options = Options()

    def parts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.base, *self.experts, *((self.guide.name,) if self.guide else ()))))


BUNDLES: dict[str, Bundle] = {
    "digits": Bundle("digits", experts=("digits_mid",), guide=GuideUse("digits_guide", 3.0, 150, 999)),
    "digits_student": Bundle("digits_student", experts=("digits_student_low", "digits_student_high"),
                             guide=GuideUse("digits_student", 4.0, 150, 649), options=Options(cpu_precision="fp32")),
    "digits_cond": Bundle("digits_cond", guide=GuideUse("digits_cond_guide", 4.0, 150, 999)),
    "digits_flow": Bundle("digits_flow", guide=GuideUse("digits_guide", 2.5, 150, 999), options=Options(time_shift=3.0)),
    "photos": Bundle("photos", options=Options(mirrors=True)),
}


def bundle_file(name: str, assets: Path | None = None) -> Path:
    return (assets or assets_dir()) / "bundles" / f"{name}.json"


def bundles_with(net: str) -> list[str]:
    """The bundles that serve ``net`` (as base, expert or guide)."""
    return [name for name, b in BUNDLES.items() if net in b.parts()]


def read_card(net: str, assets: Path) -> dict[str, Any] | None:
    path = assets / f"{net}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def assemble(name: str, assets: Path | None = None, spec: Bundle | None = None) -> dict[str, Any]:
    """Write assets/bundles/NAME.json from the cards of BUNDLES[NAME]'s parts (or ``spec``'s); a part not built yet
    is left out, and said. The base must be there."""
    assets = assets or assets_dir()
    spec = spec or BUNDLES[name]
    cards = {net: read_card(net, assets) for net in spec.parts()}
    if cards[spec.base] is None:
        raise FileNotFoundError(f"{spec.base}.json is missing from {assets}: train it first with "
                                f"`python -m diffusion_core.models.train --model {spec.base}`")
    missing = [net for net, card in cards.items() if card is None]
    if missing:
        print(f"bundle {name}: {', '.join(missing)} not built yet, served without "
              f"(`python -m diffusion_core.models.train --model {missing[0]}`)", file=sys.stderr)
    experts = []
    for net in spec.experts:
        if cards[net] is not None:
            first, last = cards[net]["role"]["t_range"]                 # the timesteps the expert learned
            experts.append({"name": net, "sha256": cards[net]["sha256"], "t": [int(first), int(last)]})
    g = spec.guide
    guide = ({"name": g.name, "sha256": cards[g.name]["sha256"], "weight": float(g.weight), "t": [g.first, g.last]}
             if g is not None and cards[g.name] is not None else None)
    bundle: dict[str, Any] = {
        "name": name,
        "base": {"name": spec.base, "sha256": cards[spec.base]["sha256"]},
        "experts": experts,
        **({"guide": guide} if guide else {}),
        "options": asdict(spec.options),
        "assembled_by": f"python -m diffusion_core.models.bundles {name}",
    }
    path = bundle_file(name, assets)
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    same = all(old.get(k) == bundle.get(k) for k in ("base", "experts", "guide", "options"))
    bundle.update({k: old[k] for k in FIGURES if k in old and same})    # figures of other parts are not these
    write_json(path, bundle)
    return bundle


def write_figures(name: str, key: str, figures: dict[str, Any], assets: Path | None = None) -> None:
    """Record a measured figure block (``key`` in FIGURES) on the served bundle NAME."""
    if key not in FIGURES:
        raise ValueError(f"{key!r} is not one of {FIGURES}")
    path = bundle_file(name, assets)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    write_json(path, {**bundle, key: figures})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(BUNDLES)}; default: every bundle")
    args = ap.parse_args(argv)
    if unknown := [n for n in args.names if n not in BUNDLES]:
        ap.error(f"no bundle {unknown[0]!r}; the bundles: {', '.join(BUNDLES)}")
    for name in args.names or BUNDLES:
        b = assemble(name)
        print(f"{name}: {b['base']['name']} + experts {[e['name'] for e in b['experts']]}"
              f" + guide {b.get('guide', {}).get('name')} -> {bundle_file(name)}")


if __name__ == "__main__":
    main()
