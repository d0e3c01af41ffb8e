"""Every awkward upload becomes a valid working image or a clear ImageError, never a crash."""
import numpy as np
import pytest

from diffusion_core.media.images import MAX_ASPECT, ImageError, load_image, read_upload
from uploads import corpus

CORPUS = corpus()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus(name, tmp_path):
    data, expected = CORPUS[name]
    path = tmp_path / name
    path.write_bytes(data)
    if expected is None:
        img = load_image(path)
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
        assert max(img.shape[:2]) == 256 and img.shape[0] % 8 == 0 and img.shape[1] % 8 == 0
        assert max(img.shape[:2]) / min(img.shape[:2]) <= MAX_ASPECT + 1e-9
    else:
        with pytest.raises(ImageError) as e:
            load_image(path)
        assert e.value.code == expected


def test_alpha_is_composited_not_dropped(tmp_path):
    p = tmp_path / "rgba.png"
    p.write_bytes(CORPUS["rgba.png"][0])
    img = load_image(p)
    corner, centre = img[2, 2], img[128, 128]
    assert tuple(corner) == (255, 255, 255), "fully transparent red must become the white background"
    assert centre[2] > 200 and centre[0] < 50, "the opaque blue square stays blue"
    pal = tmp_path / "pal.png"
    pal.write_bytes(CORPUS["palette_transparent.png"][0])
    img = load_image(pal)
    assert tuple(img[2, 2]) == (255, 255, 255) and img[128, 128, 0] > 200


def test_exif_orientation_applied(tmp_path):
    p = tmp_path / "r.jpg"
    p.write_bytes(CORPUS["exif_rotated.jpg"][0])
    h, w, _ = load_image(p).shape
    assert h > w, "a 60 x 20 picture tagged 'rotate 90' is tall once oriented"


def test_sixteen_bit_keeps_its_range(tmp_path):
    p = tmp_path / "16.png"
    p.write_bytes(CORPUS["sixteen_bit.png"][0])
    img = load_image(p)
    assert img.min() < 30 and img.max() > 200, "16-bit values are scaled, not clipped to white"


def test_size_limits():
    with pytest.raises(ImageError) as e:
        read_upload(b"x" * 2000, max_bytes=1000)
    assert e.value.code == "too_big"
    big_url = "data:image/png;base64," + "A" * 4000
    with pytest.raises(ImageError) as e:
        read_upload(big_url, max_bytes=1000)
    assert e.value.code == "too_big"


def test_data_url_and_bytes_load():
    import base64

    data = CORPUS["rgba.png"][0]
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    assert np.array_equal(load_image(url), load_image(data))
    with pytest.raises(ImageError):
        load_image("data:image/png;base64,@@@not base64@@@")
    with pytest.raises(ImageError):
        load_image(12345)  # type: ignore[arg-type]
