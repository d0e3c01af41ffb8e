"""Bundles: what is served under a name, assembled from the nets' own cards (bundles.py)."""
import json
import shutil

import pytest

from diffusion_core.models import bundles
from diffusion_core.models.bundles import BUNDLES, Bundle, GuideUse, Options, assemble, bundle_file, write_figures
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
