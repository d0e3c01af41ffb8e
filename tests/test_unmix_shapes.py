"""The un-mix section trains the shape its radio names: a learner's strokes (not the sketchpad's white background)
and the character 扩 from its shipped mask (no font at run time; a missing mask is an error, never a heart)."""
import numpy as np
import pytest

from diffusion_core.lessons import points
from diffusion_core.paths import assets_dir
from ui.i18n import tr

gr = pytest.importorskip("gradio")
from ui.dye_handlers import shape_mask  # noqa: E402

N = 256                                                   # the sketchpad's canvas_size


def u_strokes(width: int = 40) -> np.ndarray:
    """A "U" as the brush leaves it: alpha 255 on the strokes, 0 elsewhere (left arm, right arm, bottom bar)."""
    a = np.zeros((N, N), np.uint8)
    a[40:216, 40:40 + width] = 255
    a[40:216, 216 - width:216] = 255
    a[216 - width:216, 40:216] = 255
    return a


def sketch_value(alpha: np.ndarray) -> dict:
    """The value Gradio 6's Sketchpad (type="numpy", image_mode RGBA) hands the handler, as captured from a real
    browser: an opaque white background, one layer of black strokes on transparency, and their composite
    (opaque everywhere: the background shows through wherever nothing is drawn)."""
    background = np.full((N, N, 4), 255, np.uint8)
    layer = np.zeros((N, N, 4), np.uint8)
    layer[..., 3] = alpha
    composite = background.copy()
    composite[alpha > 0, :3] = 0
    return {"background": background, "layers": [layer], "composite": composite}


def expected_u() -> np.ndarray:
    return points.mask_from_drawing(u_strokes())


def test_a_drawn_u_trains_a_u_not_the_canvas():
    m = shape_mask("drawn", sketch_value(u_strokes()), "en")
    px = lambda x, y: m[int(y * points.MASK), int(x * points.MASK)]  # noqa: E731 - fractions of the canvas
    assert px(0.5, 0.4) == px(0.5, 0.1) == px(0.05, 0.05) == px(0.95, 0.95) == 0, "inside and outside the U are empty"
    assert px(0.23, 0.5) == px(0.77, 0.5) == px(0.5, 0.77) == 1, "the arms and the bottom bar are set"
    assert (m == expected_u()).all() and 0.25 < m.mean() < 0.5


@pytest.mark.parametrize("form", ["composite only", "transparent composite", "plain array", "two layers"])
def test_the_strokes_are_read_whatever_the_value_carries(form):
    """An API caller may send only a composite, on white or on transparency, or a bare picture; or two layers."""
    full = sketch_value(u_strokes())
    see_through = np.zeros((N, N, 4), np.uint8)
    see_through[..., 3] = u_strokes()                     # black strokes, nothing under them (RGB 0 at alpha 0)
    left, rest = u_strokes().copy(), u_strokes().copy()
    left[:, 128:], rest[:, :128] = 0, 0
    value = {"composite only": {"background": None, "layers": [], "composite": full["composite"]},
             "transparent composite": {"background": None, "layers": [], "composite": see_through},
             "plain array": full["composite"][..., :3],
             "two layers": {**sketch_value(left), "layers": sketch_value(left)["layers"] + sketch_value(rest)["layers"],
                            "composite": full["composite"]}}[form]
    assert (shape_mask("drawn", value, "en") == expected_u()).all()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("value", [None, "empty", "nothing", "not a picture"])
def test_an_empty_drawing_still_says_draw_a_bigger_shape(value, lang):
    value = {"empty": sketch_value(np.zeros((N, N), np.uint8)),
             "nothing": {"background": None, "layers": [], "composite": None},
             "not a picture": {"layers": ["x"], "composite": "x"}}.get(value, value)
    with pytest.raises(gr.Error) as e:
        shape_mask("drawn", value, lang)
    assert e.value.message == tr("err_too_few_points", lang)


def shipped_kuo() -> np.ndarray:
    from PIL import Image

    with Image.open(assets_dir() / "shape_kuo.png") as im:
        return np.asarray(im.convert("L")) > 127


def test_the_character_trains_without_any_font(monkeypatch):
    """A host without a CJK font (a bare Space) trains 扩 from the shipped mask, not a silent heart."""
    from PIL import ImageFont

    from diffusion_core.media import plots

    def no_font(*a, **k):
        raise OSError("no fonts on this host")
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    monkeypatch.setattr(plots, "cjk_font_path", lambda: None)
    monkeypatch.setattr(ImageFont, "truetype", no_font)
    m = shape_mask("kuo", None, "en")
    heart = points.preset_mask("heart")
    assert (m == shipped_kuo()).all()
    assert (m & heart).sum() / (m | heart).sum() < 0.3, "not the heart"


def test_the_shipped_mask_is_the_character():
    """Two strokes groups, 扌 on the left and 广 on the right; the same pixels a CJK font draws today."""
    ndimage = pytest.importorskip("scipy.ndimage")
    m = shipped_kuo()
    assert m.shape == (points.MASK, points.MASK) and 0.1 < m.mean() < 0.2
    labels, count = ndimage.label(m)
    assert count == 2, count
    centres = sorted(np.nonzero(labels == k)[1].mean() / points.MASK for k in (1, 2))
    assert centres[0] < 0.35 and centres[1] > 0.5, centres
    try:
        font = points._cjk_font(int(points.MASK * 0.85))
    except RuntimeError:
        pytest.skip("no CJK font here to draw 扩 afresh")
    assert (points.rasterize_text("扩", font) == m).mean() > 0.99


@pytest.mark.parametrize("lang, words", [("en", "the character 扩"), ("zh-CN", "汉字“扩”")])
@pytest.mark.parametrize("damage", ["missing", "not a png"])
def test_a_missing_mask_is_an_error_never_another_shape(monkeypatch, tmp_path, lang, words, damage):
    monkeypatch.setenv("DIFFUSION_ASSETS", str(tmp_path))
    if damage == "not a png":
        (tmp_path / "shape_kuo.png").write_bytes(b"not a png")
    with pytest.raises(gr.Error) as e:
        shape_mask("kuo", None, lang)
    assert words in e.value.message and "assets/shape_kuo.png" in e.value.message and "--make-masks" in e.value.message
    assert (shape_mask("heart", None, lang) == points.preset_mask("heart")).all(), "the other shapes still train"


def test_make_masks_needs_a_font_and_says_so(monkeypatch, tmp_path):
    from diffusion_core.media import plots

    monkeypatch.setenv("DIFFUSION_ASSETS", str(tmp_path))
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.raises(RuntimeError, match="no CJK font"):
        points.make_masks()
    assert not list(tmp_path.iterdir())
