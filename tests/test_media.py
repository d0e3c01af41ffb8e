"""The GIFs a learner downloads show the frames they watched: every frame, in order, close to the original pixels."""
import numpy as np
from PIL import Image

from diffusion_core.lessons import forward
from diffusion_core.media.frames import save_gif
from diffusion_core.media.images import load_image
from diffusion_core.media.metrics import psnr
from diffusion_core.paths import assets_dir
from diffusion_core.schedule import NoiseSchedule


def gif_frames(path) -> tuple[list[np.ndarray], list[int]]:
    with Image.open(path) as g:
        frames, durations = [], []
        for i in range(g.n_frames):
            g.seek(i)
            frames.append(np.asarray(g.convert("RGB")))
            durations.append(g.info["duration"])
    return frames, durations


def test_the_record_films_gif_shows_each_noisy_frame_faithfully(tmp_path):
    photo = load_image(sorted((assets_dir() / "examples").glob("*.jpg"))[0])
    film = [f.picture for f in forward.record_film(photo, 300, NoiseSchedule("linear"), seed=0)]
    shown, durations = gif_frames(save_gif(film, tmp_path / "film.gif", fps=12))
    assert len(shown) == len(film)
    # a palette of 255 colours for a noisy photo: ~23 dB at the noisiest frame, ~34 dB for the clean ones (median
    # cut measured 22.8 / 34.1); a frame out of order or from another picture is below 12 dB
    quality = [psnr(s, f) for s, f in zip(shown, film)]
    assert min(quality) > 21, quality
    assert quality[0] > 30 and quality[-1] > 30
    assert psnr(shown[1], film[-5]) < quality[1]
    # 12 a second (a GIF keeps hundredths: 80 ms), the last held a second
    assert all(abs(d - 1000 / 12) < 10 for d in durations[:-1]) and durations[-1] == 1000


def test_grey_frames_are_kept_exactly(tmp_path):
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (30, 40), dtype=np.uint8) for _ in range(3)]
    shown, _ = gif_frames(save_gif(frames, tmp_path / "grey.gif"))
    for s, f in zip(shown, frames):
        assert np.array_equal(s[..., 0], f)
