"""Bundles: what is served under a name, assembled from the nets' own cards (bundles.py), and served as one model:
experts take their timesteps, a guide pushes, the options choose the precision and the freeze."""
import json
import shutil

import pytest

from diffusion_core.models import bundles, netfiles, pretrained
from diffusion_core.models.bundles import BUNDLES, Bundle, GuideUse, Options, assemble, bundle_file, write_figures
from diffusion_core.models.pretrained import ModelUnavailable
from diffusion_core.paths import assets_dir


def card(assets, name: str, sha: str, **role) -> None:
    (assets / f"{name}.json").write_text(json.dumps({"name": name, "sha256": sha, "role": role}))


SPEC = Bundle("base", experts=("mid",), guide=GuideUse("weak", 2.5, 150, 999), options=Options(mirrors=True))


def test_a_bundle_records_each_part_its_timesteps_and_options(tmp_path):
    card(tmp_path, "base", "b0")
    card(tmp_path, "mid", "m0", expert_of="base", t_range=[150, 649])
    card(tmp_path, "weak", "w0", guides="base")
    b = assemble("served", tmp_path, SPEC)
    assert b["base"] == {"name": "base", "sha256": "b0"}
    assert b["experts"] == [{"name": "mid", "sha256": "m0", "t": [150, 649]}]          # the expert's own card's range
    assert b["guide"] == {"name": "weak", "sha256": "w0", "weight": 2.5, "t": [150, 999]}
    assert b["options"] == {"cpu_precision": "auto", "mirrors": True, "time_shift": 1.0}
    assert json.loads(bundle_file("served", tmp_path).read_text()) == b


def test_a_part_not_built_yet_is_left_out_and_said_and_the_base_is_required(tmp_path, capsys):
    card(tmp_path, "base", "b0")
    b = assemble("served", tmp_path, SPEC)
    assert b["experts"] == [] and "guide" not in b
    assert "mid, weak not built yet" in capsys.readouterr().err
    (tmp_path / "base.json").unlink()
    with pytest.raises(FileNotFoundError, match="--model base"):
        assemble("served", tmp_path, SPEC)


def test_figures_stay_while_the_parts_do_and_go_when_one_is_retrained(tmp_path):
    card(tmp_path, "base", "b0")
    card(tmp_path, "mid", "m0", t_range=[150, 649])
    card(tmp_path, "weak", "w0")
    assemble("served", tmp_path, SPEC)
    write_figures("served", "quality", {"ddim_50": {"confident": 0.96}}, tmp_path)
    assert assemble("served", tmp_path, SPEC)["quality"] == {"ddim_50": {"confident": 0.96}}
    card(tmp_path, "mid", "m1", t_range=[150, 649])                                 # retrained: other weights
    assert "quality" not in assemble("served", tmp_path, SPEC), "those figures were measured on other nets"
    with pytest.raises(ValueError, match="not one of"):
        write_figures("served", "speed", {}, tmp_path)


def test_the_command_line_refuses_an_unknown_bundle(capsys):
    with pytest.raises(SystemExit):
        bundles.main(["nonsense"])
    assert "no bundle 'nonsense'" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_each_shipped_bundle_is_what_assembling_the_shipped_cards_gives(tmp_path, name):
    """assets/bundles/NAME.json is up to date: assembled again from the shipped cards it is the same file (parts,
    sha256s, timesteps, options), its measured figures kept."""
    for part in BUNDLES[name].parts():
        shutil.copy(assets_dir() / f"{part}.json", tmp_path / f"{part}.json")
    shipped = json.loads(bundle_file(name).read_text())
    bundle_file(name, tmp_path).parent.mkdir()
    shutil.copy(bundle_file(name), bundle_file(name, tmp_path))
    assert assemble(name, tmp_path) == shipped
    assert len(shipped.get("experts", [])) == len(BUNDLES[name].experts) and ("guide" in shipped) == bool(
        BUNDLES[name].guide), "every part the bundle names ships"


def _write_model(assets, name: str, seed: int, num_classes: int = 0, **extra) -> "torch.nn.Module":
    """A tiny random UNet (class-conditional with ``num_classes``) saved as assets/NAME.safetensors with its card (as
    export writes them)."""
    import torch
    from safetensors.torch import save_file

    from diffusion_core.unet import TinyUNet, UNetConfig

    torch.manual_seed(seed)
    cfg = UNetConfig(in_channels=1, base_channels=8, channel_mults=(1, 2), num_res_blocks=1, attention=False, groups=4,
                     num_classes=num_classes)
    net = TinyUNet(cfg).eval()
    if num_classes:                                     # zero at init (a warm start's "no label yet"): make it heard
        torch.nn.init.normal_(net.label_emb.weight)
    save_file(net.state_dict(), str(assets / f"{name}.safetensors"))
    card = {"unet": cfg.to_dict(), "image": {"channels": 1, "height": 8, "width": 8},
            "sha256": pretrained.sha256_of(assets / f"{name}.safetensors"), **extra}
    (assets / f"{name}.json").write_text(json.dumps(card))
    return net


def _bundle(assets, name: str, experts: tuple[str, ...] = (), guide: tuple | None = None, **options) -> dict:
    """Assemble the bundle NAME (base NAME) from the cards in ``assets``, as ``python -m diffusion_core.models.bundles``
    does: ``guide`` (net, weight, first t, last t), ``options`` bundles.Options' fields."""
    return assemble(name, assets, Bundle(name, experts, GuideUse(*guide) if guide else None, Options(**options)))


def test_a_time_expert_takes_over_its_steps_only(tmp_path):
    """The bundle's expert (its card's role: network t = 100..299) takes those t and the base net every other t,
    image by image in a batch that mixes them; a part retrained since the bundle was assembled is refused."""
    import torch

    base = _write_model(tmp_path, "base", 0)
    mid = _write_model(tmp_path, "mid", 1, role={"expert_of": "base", "t_range": [100, 299]})
    _bundle(tmp_path, "base", experts=("mid",))
    model = pretrained.load("base", device="cpu", assets=tmp_path, precision="fp32")
    x = torch.randn(5, 1, 8, 8, generator=torch.Generator().manual_seed(2))
    t = torch.tensor([0.0, 99.5, 100.0, 299.0, 300.0])
    want = torch.stack([(mid if 100 <= ti <= 299 else base)(x[i:i + 1], t[i:i + 1])[0] for i, ti in enumerate(t)])
    assert torch.allclose(model(x, t), want, atol=1e-5)
    for ti, net in ((250.0, mid), (700.0, base)):                          # a sampler's step: one t for all
        tt = torch.full((5,), ti)
        assert torch.allclose(model(x, tt), net(x, tt), atol=1e-5)
    assert model.sha256 == f"{pretrained.sha256_of(tmp_path / 'base.safetensors')}+{pretrained.sha256_of(tmp_path / 'mid.safetensors')}"
    _write_model(tmp_path, "mid", 5, role={"expert_of": "base", "t_range": [100, 299]})      # retrained
    with pytest.raises(ModelUnavailable, match="rebuilt since the bundle base was assembled"):
        pretrained.load("base", device="cpu", assets=tmp_path)
    (tmp_path / "mid.safetensors").unlink()
    with pytest.raises(ModelUnavailable, match=r"mid\.safetensors is missing"):
        pretrained.load("base", device="cpu", assets=tmp_path)


def test_a_guide_pushes_eps_away_from_the_weaker_net(tmp_path):
    """The bundle's guide (weight 2.5, network t = 100..299): eps = eps_guide + 2.5 (eps_base - eps_guide) for
    t = 100..299, image by image, the base's own eps elsewhere; unguided() drops it; a bad entry is refused."""
    import torch

    base = _write_model(tmp_path, "base", 0)
    weak = _write_model(tmp_path, "weak", 1, role={"guides": "base"})
    bundle = _bundle(tmp_path, "base", guide=("weak", 2.5, 100, 299))
    model = pretrained.load("base", device="cpu", assets=tmp_path, precision="fp32")
    x = torch.randn(5, 1, 8, 8, generator=torch.Generator().manual_seed(2))
    t = torch.tensor([0.0, 99.5, 100.0, 299.0, 300.0])
    with torch.no_grad():
        e, g = base(x, t), weak(x, t)
    inside = ((t >= 100) & (t <= 299))[:, None, None, None]
    assert torch.allclose(model(x, t), torch.where(inside, g + 2.5 * (e - g), e), atol=1e-5)
    assert not torch.allclose(model(x, t)[2:4], e[2:4], atol=1e-3), "the guide changes eps in its range"
    tt = torch.full((5,), 250.0)                                            # a sampler's step: one t for all
    with torch.no_grad():
        assert torch.allclose(model(x, tt), 2.5 * base(x, tt) - 1.5 * weak(x, tt), atol=1e-5)
        assert torch.allclose(model.unguided()(x, tt), base(x, tt), atol=1e-5)
    assert model.sha256.endswith(f"+guide:{pretrained.sha256_of(tmp_path / 'weak.safetensors')}")
    assert model.unguided().sha256 == pretrained.sha256_of(tmp_path / "base.safetensors")
    from diffusion_core.paths import write_json

    good = bundle["guide"]
    for bad in ({**good, "weight": "strong"}, {**good, "weight": float("nan")}, {k: v for k, v in good.items()
                if k != "weight"}, {**good, "t": [600, 100]}, {**good, "t": "all"}):
        write_json(bundle_file("base", tmp_path), {**bundle, "guide": bad})
        with pytest.raises(ModelUnavailable, match="malformed"):
            pretrained.load("base", device="cpu", assets=tmp_path)


def test_a_conditional_nets_guide_serves_its_unconditional_answer(tmp_path):
    """Autoguidance of a class-conditional net's unconditional answer: asked without a label, eps =
    eps_guide(x, t, null) + 2 (eps(x, t, null) - eps_guide(x, t, null)) on the guide's steps, the net's own null
    answer elsewhere; asked with labels (classifier-free guidance's two answers, the null one among them), the net's
    own answers; a guide whose labels differ is refused."""
    import torch

    base = _write_model(tmp_path, "cond", 0, num_classes=3)
    weak = _write_model(tmp_path, "weak", 1, num_classes=3)
    _bundle(tmp_path, "cond", guide=("weak", 2.0, 100, 299))
    model = pretrained.load("cond", device="cpu", assets=tmp_path, precision="fp32")
    x = torch.randn(4, 1, 8, 8, generator=torch.Generator().manual_seed(2))
    labels, null = torch.tensor([0, 1, 2, 3]), torch.full((4,), 3)                # 3: the null label
    for ti, inside in ((250.0, True), (700.0, False)):
        t = torch.full((4,), ti)
        with torch.no_grad():
            e, g = base(x, t, null), weak(x, t, null)
            assert torch.allclose(model.eps(x, t), g + 2.0 * (e - g) if inside else e, atol=1e-5)
            assert torch.allclose(model.eps(x, t, labels), base(x, t, labels), atol=1e-5)
    with torch.no_grad():
        t = torch.full((4,), 250.0)
        assert not torch.allclose(model.eps(x, t), base(x, t, null), atol=1e-4), "the guide moves the answer"
        assert not torch.allclose(base(x, t, labels), base(x, t, labels.flip(0)), atol=1e-4), "labels are heard"
    _write_model(tmp_path, "weak", 1)                                          # an unconditional guide
    _bundle(tmp_path, "cond", guide=("weak", 2.0, 100, 299))
    with pytest.raises(ModelUnavailable, match="takes 0 labels"):
        pretrained.load("cond", device="cpu", assets=tmp_path)


def test_a_bundle_can_keep_its_model_in_fp32_on_a_cpu(tmp_path):
    """Precision "auto" follows the device (bf16 autocast on a CPU with bf16) unless the bundle's options say
    "cpu_precision": "fp32"; such a model then runs fp32 in channels_last, and an explicit precision still wins."""
    import torch

    from diffusion_core.device import autocast_dtype

    _write_model(tmp_path, "plain", 0)
    _write_model(tmp_path, "small", 0)
    _bundle(tmp_path, "small", cpu_precision="fp32")
    assert pretrained.load("plain", device="cpu", assets=tmp_path).amp_dtype == autocast_dtype(torch.device("cpu"))
    small = pretrained.load("small", device="cpu", assets=tmp_path)
    assert small.amp_dtype is None and small.precision == "fp32" and small.channels_last
    assert pretrained.load("small", device="cpu", assets=tmp_path, precision="bf16").precision == "bf16"
    assert pretrained.served_dtype("fp32", torch.device("cuda")) is not None


def test_a_small_fp32_model_is_served_frozen_and_answers_as_the_net_does(tmp_path):
    """A bundle with "cpu_precision": "fp32" is served as a TorchScript freeze of its nets (experts and a guide by
    its base included) that answers as the plain nets do, at any batch size and t; frozen=False keeps the plain
    nets, and a net that does not trace stays plain."""
    import torch

    nets = {"mid": _write_model(tmp_path, "mid", 0, role={"t_range": [100, 399]}), "base": _write_model(tmp_path, "base", 1)}
    _bundle(tmp_path, "base", experts=("mid",), guide=("base", 2.0, 0, 599), cpu_precision="fp32")
    model = pretrained.load("base", device="cpu", assets=tmp_path)
    plain = pretrained.load("base", device="cpu", assets=tmp_path, frozen=False)
    assert isinstance(model.net, torch.jit.ScriptModule) and isinstance(model.experts[0].net, torch.jit.ScriptModule)
    assert model.guide.net is model.net and isinstance(plain.net, type(nets["base"]))
    for b in (1, 4, 7):
        x = torch.randn(b, 1, 8, 8, generator=torch.Generator().manual_seed(b))
        t = torch.linspace(0, 999, b) if b > 1 else torch.tensor([250.5])
        assert torch.allclose(model(x, t), plain(x, t), atol=1e-5)
    assert not isinstance(pretrained.load("base", device="cpu", assets=tmp_path, precision="bf16").net,
                          torch.jit.ScriptModule), "only fp32 is frozen"

    class Untraceable(torch.nn.Module):
        def forward(self, x, t):
            return x if float(t[0]) > 100 else -x                # data-dependent: tracing would bake one branch
    weird = Untraceable()
    assert netfiles.freeze(weird, (1, 8, 8), channels_last=False) is weird


def test_a_base_net_can_guide_its_own_experts(tmp_path):
    """A guide entry naming the bundle's base: on the guide's steps that an expert takes, eps = eps_base +
    3 (eps_expert - eps_base); where the base answers, its eps unchanged; outside the guide's steps, the expert's."""
    import torch

    base = _write_model(tmp_path, "base", 0)
    mid = _write_model(tmp_path, "mid", 1, role={"t_range": [100, 399]})
    _bundle(tmp_path, "base", experts=("mid",), guide=("base", 3.0, 200, 599))
    model = pretrained.load("base", device="cpu", assets=tmp_path, precision="fp32")
    x = torch.randn(6, 1, 8, 8, generator=torch.Generator().manual_seed(4))
    t = torch.tensor([150.0, 199.0, 200.0, 399.0, 400.0, 599.0])
    with torch.no_grad():
        e, m = base(x, t), mid(x, t)
        want = torch.stack([m[0], m[1], e[2] + 3 * (m[2] - e[2]), e[3] + 3 * (m[3] - e[3]), e[4], e[5]])
        assert torch.allclose(model(x, t), want, atol=1e-5)
        tt = torch.full((6,), 300.0)                                        # a sampler's step: one t for all
        assert torch.allclose(model(x, tt), 3 * mid(x, tt) - 2 * base(x, tt), atol=1e-5)
        assert torch.allclose(model.unguided()(x, tt), mid(x, tt), atol=1e-5)
    digest = pretrained.sha256_of(tmp_path / "base.safetensors")
    assert model.sha256.startswith(digest) and model.sha256.endswith(f"+guide:{digest}")


def test_routes_name_the_net_each_t_asks(tmp_path):
    """routes() (what the Denoise timeline shades) agrees with the routing itself: for every t, the net whose eps
    the served model returns; a later expert of the bundle wins where ranges overlap."""
    import torch

    _write_model(tmp_path, "base", 0)
    nets = [_write_model(tmp_path, name, seed, role={"t_range": t}) for seed, (name, t) in
            enumerate((("mid", [100, 299]), ("core", [200, 249])), start=1)]
    _bundle(tmp_path, "base", experts=("mid", "core"))
    model = pretrained.load("base", device="cpu", assets=tmp_path, precision="fp32")
    t = torch.arange(1000.0)
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(3)).expand(1000, -1, -1, -1)
    out = model(x, t)
    asked = {}
    for net_number, net in ((2, nets[0]), (3, nets[1])):
        same = (out - net(x, t)).flatten(1).abs().amax(1) < 1e-5                 # [1000] this net's eps
        asked.update({int(ti): net_number for ti in t[same]})
    shaded = {ti: n for first, last, n in model.routes() for ti in range(first, last + 1)}
    assert shaded == asked and model.routes() == ((100, 199, 2), (200, 249, 3), (250, 299, 2))
