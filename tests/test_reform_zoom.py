"""The photo reform's "sharp against blurry" is visible: at the section's default t the model's reform has clearly
more fine detail than its one-jump guess in the zoomed square, and the zoom shows that square's own pixels."""
import numpy as np
import pytest
from PIL import Image

from diffusion_core.lessons import detail
from diffusion_core.paths import assets_dir


def textured() -> np.ndarray:
    """A flat grey 128 x 96 picture with one square of fine checkerboard at rows 40.., columns 20.."""
    pic = np.full((96, 128, 3), 128, np.uint8)
    pic[40:72, 20:52] = np.where((np.indices((32, 32)).sum(0) // 2) % 2, 40, 215)[..., None]
    return pic


def test_fine_detail_is_zero_on_flat_and_grows_with_sharpness():
    flat = np.full((64, 64, 3), 90, np.uint8)
    assert detail.fine_detail(flat) < 1e-9
    sharp = textured()[40:72, 20:52]
    blurred = np.asarray(Image.fromarray(sharp).resize((8, 8), Image.BILINEAR).resize((32, 32), Image.BILINEAR))
    assert detail.fine_detail(sharp) > 3 * detail.fine_detail(blurred) > 0


def test_single_pixel_speckle_counts_less_than_edges_of_the_same_contrast():
    """The band (G_1 - G_3) leaves out most pixel-sized noise, so a noisy guess does not pass for a sharp one."""
    rng = np.random.default_rng(0)
    speckle = np.where(rng.random((64, 64)) < 0.5, 40, 215).astype(np.uint8)
    stripes = np.where((np.arange(64) // 3) % 2, 40, 215).astype(np.uint8)[None].repeat(64, 0)
    assert detail.fine_detail(stripes) > 1.5 * detail.fine_detail(speckle)


def test_the_busiest_box_finds_the_texture_and_the_zoom_shows_its_pixels():
    pic = textured()
    top, left = detail.busiest_box(pic, size=32)
    assert abs(top - 40) <= 3 and abs(left - 20) <= 3
    z = detail.zoom(pic, (top, left), size=32, factor=4)
    assert z.shape == (128, 128, 3)
    assert np.array_equal(z[::4, ::4], pic[top:top + 32, left:left + 32])        # each pixel a 4 x 4 block
    assert np.array_equal(z[3::4, 3::4], pic[top:top + 32, left:left + 32])
    assert detail.box_around(pic.shape, 0, 0, 32) == (0, 0)
    assert detail.box_around(pic.shape, 127, 95, 32) == (64, 96)
    assert detail.box_around(pic.shape, 60, 50, 32) == (34, 44)


def test_the_outline_rings_the_box_and_leaves_its_pixels_alone():
    pic = textured()
    out = detail.outline(pic, (40, 20), size=32)
    assert np.array_equal(out[40:72, 20:52], pic[40:72, 20:52])
    assert (out[39, 19:53] == 255).all() and (out[38, 18:54] == 0).all()          # light ring, dark ring outside
    assert (out[40:72, 52] == 255).all() and (out[40:72, 53] == 0).all()
    changed = np.argwhere((out != pic).any(-1))
    assert changed[:, 0].min() >= 38 and changed[:, 0].max() <= 73 and changed[:, 1].min() >= 18
    edge = detail.outline(pic, (0, 0), size=32)                                     # at the border: no wrap-around
    assert np.array_equal(edge[:32, :32], pic[:32, :32]) and (edge[:, -1] == pic[:, -1]).all()


@pytest.mark.skipif(not (assets_dir() / "photos.safetensors").exists(), reason="photos model not built")
def test_at_the_default_t_the_reform_is_visibly_sharper_than_the_guess_in_the_zoom(client):
    """The endpoint at the section's defaults (t, 25 steps, seed 0, the default photo): in the zoomed square the
    model's fine detail is at least 1.3 times its one-jump guess's (measured 1.38; at the old t = 250, 1.06), and
    each zoom is its picture's square, enlarged, the same square in all three."""
    from ui.context import AppContext
    from ui.reform_section import DEFAULT_T

    record, model, guess, z_rec, z_mod, z_guess, text = client.predict(DEFAULT_T, "linear", 0, 25,
                                                                       api_name="/reform_photo")
    pics = [np.asarray(Image.open(p).convert("RGB")) for p in (record, model, guess)]
    zooms = [np.asarray(Image.open(p).convert("RGB")) for p in (z_rec, z_mod, z_guess)]
    photo = AppContext.create(model_names=()).default_photo
    top, left = detail.busiest_box(photo)
    squares = [p[top:top + detail.BOX, left:left + detail.BOX] for p in pics]
    assert np.array_equal(squares[0], photo[top:top + detail.BOX, left:left + detail.BOX]), "the record is exact"
    for z, sq in zip(zooms, squares):
        assert z.shape == (detail.BOX * detail.ZOOM, detail.BOX * detail.ZOOM, 3)
        assert np.array_equal(z, detail.zoom(sq, (0, 0))), "the zoom is not the outlined square's own pixels"
    dm, dg = detail.fine_detail(squares[1]), detail.fine_detail(squares[2])
    assert dm >= 1.3 * dg, (dm, dg)
    assert f"model {dm:.1f}" in text and f"one-jump guess {dg:.1f}" in text
    assert (pics[1][top - 1, left:left + detail.BOX] == 255).all(), "the zoomed square is outlined on the picture"
