"""The launched app driven like a script would: named endpoints, checked arguments, still serving."""
import json
import math
import re

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from raw_api import raw_call
from uploads import corpus

EXPECTED = {"/load_photo", "/noisy_view", "/noise_initial_view", "/jump_vs_walk", "/record_film",
            "/generate", "/revisit", "/one_jump", "/eta_pair", "/guide_pair", "/student_pair", "/nearest_training",
            "/reform_digit",
            "/compare", "/compare_charts", "/drop_dye", "/model_dye", "/train_points", "/unmix_film",
            "/flow_lab_train", "/flow_lab_reflow", "/flow_lab_steps", "/guide_lab_train", "/guide_lab_view",
            "/dye_initial_view", "/reform_photo", "/expected_time", "/compare_expected", "/steer", "/steer_strip", "/lesson_check", "/lesson_next",
            "/steer_chart"}


def test_every_endpoint_is_named_on_purpose(client):
    named = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert named <= EXPECTED, f"unexpected (auto-named?) endpoints: {named - EXPECTED}"
    assert {"/noisy_view", "/load_photo", "/record_film"} <= named


def expected_weights(k: int) -> tuple[float, float]:
    """sqrt(alpha_bar_k) and sqrt(1 - alpha_bar_k) of DDPM's linear schedule, computed independently."""
    ab = float(np.prod(1 - np.linspace(1e-4, 0.02, 1000)[:k]))
    return math.sqrt(ab), math.sqrt(1 - ab)


@pytest.mark.parametrize("k", [0, 300, 1000])
def test_noisy_view(client, k):
    x_t, bars, hist, sched = client.predict(k, "linear", 0, api_name="/noisy_view")
    img = np.asarray(Image.open(x_t).convert("RGB"))
    from ui.context import AppContext
    from ui.noise_tab import slider_view

    expected = slider_view(AppContext.create(model_names=()), None, k, "linear", 0)[0]
    assert np.array_equal(img, expected), "the picture sent is not exactly x_t (lossy encoding?)"
    s, n = expected_weights(k)
    assert f"{s:.4f}" in bars and f"{n:.4f}" in bars
    assert "<svg" in hist and "<svg" in sched
    if k == 1000:
        assert 100 < img.mean() < 155 and img.std() > 60, "pure noise is grey on average and wild"


@pytest.mark.parametrize("bad", ["abc", 5000, -3, None, [1, 2], "1e999"])
def test_bad_t_is_refused_clearly(client, bad):
    with pytest.raises(AppError) as e:
        client.predict(bad, "linear", 0, api_name="/noisy_view")
    assert "t: noising steps taken" in str(e.value)
    client.predict(10, "linear", 0, api_name="/noisy_view")        # still serving


def test_bad_choice_and_seed(client):
    with pytest.raises(AppError, match="Noise schedule"):
        client.predict(10, "quadratic", 0, api_name="/noisy_view")
    with pytest.raises(AppError, match="Seed"):
        client.predict(10, "linear", -1, api_name="/noisy_view")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_over_raw_http(app_url, client, value):
    out = raw_call(app_url, "noisy_view", '{"data": [%s, "linear", 0]}' % value)
    assert "event: error" in out and "finite" in out
    client.predict(20, "linear", 0, api_name="/noisy_view")


def test_errors_speak_chinese(app_url):
    zh = Client(app_url, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with pytest.raises(AppError, match="加噪的步数"):
        zh.predict(5000, "linear", 0, api_name="/noisy_view")


def test_bad_uploads_answer_clearly(client, tmp_path):
    messages = {"empty": "empty", "not_image": "not an image", "truncated": "damaged", "too_many_pixels": "too many pixels"}
    for name, (data, expected) in corpus().items():
        p = tmp_path / name
        p.write_bytes(data)
        if expected is None:
            client.predict(handle_file(str(p)), api_name="/load_photo")
        else:
            with pytest.raises(AppError, match=messages[expected]):
                client.predict(handle_file(str(p)), api_name="/load_photo")
    client.predict(30, "linear", 0, api_name="/noisy_view")


def test_inline_base64_is_size_checked(app_url):
    big = "data:image/png;base64," + "A" * (28 * 2**20)
    body = json.dumps({"data": [{"url": big, "meta": {"_type": "gradio.FileData"}}]})
    out = raw_call(app_url, "load_photo", body)
    assert "event: error" in out


def test_record_film_streams_and_reforms(client):
    job = client.submit(120, "linear", 3, api_name="/record_film")
    film, gif, text = job.result(timeout=120)
    assert Image.open(gif).format == "GIF" and Image.open(gif).n_frames > 10
    assert "max error" in text
    err = float(text.split("max error ")[1].split(" ")[0])
    assert err < 1e-4


def test_jump_vs_walk(client):
    jump, walk, table = client.predict(200, "linear", 0, api_name="/jump_vs_walk")
    assert np.asarray(Image.open(jump)).shape == np.asarray(Image.open(walk)).shape
    theory = expected_weights(200)[1]
    assert f"{theory:.4f}" in table
    stds = [float(row.split("|")[3]) for row in table.splitlines()[2:4]]
    assert all(abs(sd - theory) < 0.02 for sd in stds), "jump and walk both have the theory's spread"


from diffusion_core.models import pretrained  # noqa: E402
from diffusion_core.models.bundles import bundle_file  # noqa: E402
from diffusion_core.paths import assets_dir as shipped_assets  # noqa: E402

needs_digits = pytest.mark.skipif(not (shipped_assets() / "digits.safetensors").exists(), reason="digits model not built")


@needs_digits
def test_denoise_endpoints(client):
    xt, x0, eps, status, line, scrub, gif = client.predict("dpmpp2m", 4, 0, 3, 2, "teacher", api_name="/generate")
    assert "4 steps" in status and "4 network calls" in status and "<svg" in line
    # the timeline ends at the arrival: one point past the last step, at t = 0 (the x axis), the cursor on it
    from ui.charts import H, PAD_B

    points = re.search(r'<polyline points="([^"]*)"', line).group(1).split()
    x_end, y_end = map(float, points[-1].split(","))
    assert len(points) == 5 and abs(y_end - (H - PAD_B)) < 0.1
    assert abs(float(re.search(r'<line x1="([\d.]+)"[^>]*stroke-dasharray', line).group(1)) - x_end) < 0.1
    # each run of network timesteps a time expert takes is a band named by its net (tests/test_pretrained.py
    # checks routes() against the routing); the served card has experts, so there is at least one
    routes = pretrained.load("digits", device="cpu").routes()
    served = json.loads(bundle_file("digits", shipped_assets()).read_text())                  # what the app serves
    assert line.count("fill-opacity") == len(routes) >= len(served["experts"])
    assert all(f"net {n}: t = {lo} to {hi}" in line for lo, hi, n in routes)
    assert Image.open(gif).format == "GIF"
    assert "step 2" in client.predict(1, api_name="/revisit")[3]
    # the run ends on its result: after the last step the sample is the clean estimate (x_next = x0_pred at t = 0)
    assert scrub["value"] == 4 and np.array_equal(np.asarray(Image.open(xt)), np.asarray(Image.open(x0)))
    arrived = client.predict(4, api_name="/revisit")[3]
    assert "After the last step" in arrived and "x₀" in arrived and "-1" not in arrived
    step4 = client.predict(3, api_name="/revisit")
    assert "step 4" in step4[3] and not np.array_equal(np.asarray(Image.open(step4[0])), np.asarray(Image.open(xt)))
    ideal, net_guess, full, why = client.predict("ddim", 5, 0, 3, 2, api_name="/one_jump")
    assert {np.asarray(Image.open(p)).shape for p in (ideal, net_guess, full)} == {np.asarray(Image.open(full)).shape}
    assert "speckle, not blur" in why and "√ᾱ = 0.0064" in why
    pic, ideal, text = client.predict("ddim", 5, 0, 3, 2, api_name="/nearest_training")
    assert "nearest training digit" in text
    model_d, ideal_d = (re.findall(r"\d+\.\d", part) for part in text.split("ideal denoiser")[:2])
    assert max(map(float, ideal_d[:2])) < 0.5 < min(map(float, model_d)), "the ideal denoiser copies, the model does not"
    *pics, stats = client.predict(3, 0, 0, api_name="/reform_digit")
    assert np.array_equal(np.asarray(Image.open(pics[0])), np.asarray(Image.open(pics[3]))), "t = 0 changes nothing"


def run_of(model, sampler: str, steps: int, seed: int, n: int) -> np.ndarray:
    """The digits [H, W] a run of ``model`` arrives at, sampled here, outside the app."""
    from diffusion_core.lessons import denoise

    return list(denoise.run_frames(model, model.schedule, sampler=sampler, num_steps=steps, seed=seed, n=n,
                                   keep=1))[-1].arrived


def same_picture(path: str, want: np.ndarray) -> bool:
    return np.abs(np.asarray(Image.open(path).convert("L"), float) - want.astype(float)).mean() < 1.0


@needs_digits
@pytest.mark.parametrize("key", ["teacher", "student"])
def test_guide_pair_is_the_same_seed_without_and_with_the_guide(client, assets_dir, key):
    """On the picked model (both bundles have a guide): /guide_pair's pictures are the same seed's digits from its nets
    alone and guided (sampled here independently), and its caption gives the bundle's confident shares of both."""
    from ui.nets import model_name

    model = pretrained.load(model_name(key), device="cpu", assets=assets_dir)
    off, on, text = client.predict("ddim", 10, 0, 3, 4, key, api_name="/guide_pair")
    for got, net in ((off, model.unguided()), (on, model)):
        assert same_picture(got, run_of(net, "ddim", 10, 3, 4)), "the picture is this seed's digits from that model"
    assert np.abs(np.asarray(Image.open(off), float) - np.asarray(Image.open(on), float)).mean() > 3, "guidance shows"
    guide = model.bundle["guide"]
    first, last = guide["t"]                                          # network timesteps, as the timeline shows t
    assert f"w = {guide['weight']:g}, on t = {first} to {last}." in text
    q = model.figures("quality")                                      # a test-built student has none
    if key == "teacher" or "ddim_50_without_guide" in q:
        assert f"{q['ddim_50_without_guide']['confident']:.0%}" in text and f"{q['ddim_50']['confident']:.0%}" in text


@needs_digits
def test_the_learner_picks_teacher_or_student(client, assets_dir):
    """Every digits endpoint runs the model the learner picked: the same seed's digits from the teacher and from the
    student (sampled here independently) differ, and each endpoint's picture is that model's."""
    from diffusion_core.lessons import denoise

    nets = {"teacher": pretrained.load("digits", device="cpu", assets=assets_dir),
            "student": pretrained.load("digits_student", device="cpu", assets=assets_dir)}
    wants = {key: run_of(m, "ddim", 6, 5, 3) for key, m in nets.items()}
    assert np.abs(wants["teacher"].astype(float) - wants["student"]).mean() > 3, "two different models"
    for key, want in wants.items():
        assert same_picture(client.predict("ddim", 6, 0, 5, 3, key, api_name="/generate")[0], want), key
        assert same_picture(client.predict("ddim", 6, 0, 5, 3, key, api_name="/one_jump")[2], want), key
        assert same_picture(client.predict("ddim", 6, 0, 5, 3, key, api_name="/eta_pair")[0], want), key
        reformed = denoise.reform_digit(nets[key], nets[key].schedule, 7, 300, 2).by_model
        assert same_picture(client.predict(7, 300, 2, key, api_name="/reform_digit")[2], reformed), key
    teacher_pic, student_pic, text = client.predict("ddim", 6, 0, 5, 3, api_name="/student_pair")
    assert same_picture(teacher_pic, wants["teacher"]) and same_picture(student_pic, wants["student"])
    tf, sf = (nets[k].flops_per_call() / 1e6 for k in ("teacher", "student"))
    assert f"({tf:.0f} million operations a network call)" in text and f"({sf:.0f} million)" in text
    assert f"{tf / sf:.1f}× less arithmetic" in text
    with pytest.raises(AppError, match="Model"):
        client.predict("ddim", 6, 0, 5, 3, "assistant", api_name="/generate")


@needs_digits
@pytest.mark.parametrize("args,word", [(("nope", 5, 0, 0, 2), "Sampler"), (("ddim", 0, 0, 0, 2), "Steps"),
                                       (("ddim", 5, 2.0, 0, 2), "η"), (("ddim", 5, 0, 0, 17), "How many"),
                                       (("ddim", 5, 0, -1, 2), "Seed")])
def test_denoise_bad_arguments(client, args, word):
    with pytest.raises(AppError, match=word):
        client.predict(*args, api_name="/generate")


@needs_digits
def test_compare_streams_and_stop_cancels(client):
    import time

    job = client.submit(["dpmpp2m:5", "ddpm:1000"], 0, 2, api_name="/compare")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(isinstance(o[0], list) and o[0] for o in job.outputs()):
        time.sleep(0.05)
    first = [o for o in job.outputs() if isinstance(o[0], list) and o[0]]
    assert first, "the fast cell shows up before the slow one finishes"
    assert "DPM-Solver++(2M) · 5" in str(first[0][0][0]), "a thumbnail's caption names its cell"
    assert "| DPM-Solver++(2M) | 5 | 5 |" in first[0][3], "the table under the grid: steps, network calls, seconds"
    job.cancel()
    t0 = time.monotonic()
    client.predict(40, "linear", 0, api_name="/noisy_view")
    assert time.monotonic() - t0 < 30, "the server keeps answering after a cancelled race"


@needs_digits
def test_compare_refuses_bad_cells(client):
    with pytest.raises(AppError):
        client.predict([], 0, 2, api_name="/compare")
    with pytest.raises(AppError):
        client.predict(["ddim:9999"], 0, 2, api_name="/compare")
    with pytest.raises(AppError, match="Model"):
        client.predict(["ddim:5"], 0, 2, "assistant", api_name="/compare")


@needs_digits
def test_on_one_grid_the_race_draws_ddims_digits_with_euler(client):
    """"One grid for all": DDIM and Euler at the same step count visit the same timesteps and draw the same digits
    (DDIM is Euler's method on the probability-flow ODE); each on its own grid they do not. A grid that is not
    offered is refused with the control's name."""
    def pictures(grid):
        job = client.submit(["ddim:6", "euler:6"], 2, 2, "teacher", grid, api_name="/compare")
        job.result()
        gallery = [o[0] for o in job.outputs() if isinstance(o[0], list) and len(o[0]) == 2][-1]
        return [np.asarray(Image.open(g["image"]).convert("L"), dtype=int) for g in gallery]

    ddim, euler = pictures("trailing")
    assert np.abs(ddim - euler).max() <= 2
    ddim, euler = pictures("own")
    assert np.abs(ddim - euler).mean() > 3
    with pytest.raises(AppError, match="Where the samplers call the network"):
        client.predict(["ddim:5"], 0, 2, "teacher", "sideways", api_name="/compare")


@needs_digits
def test_compare_races_the_picked_model(client, assets_dir):
    """The race runs on the model the learner picked (without a guide): each cell's picture is that model's race,
    run here outside the app, and the teacher's and the student's differ."""
    from diffusion_core.lessons import compare

    pictures = {}
    for key, name in (("teacher", "digits"), ("student", "digits_student")):
        m = pretrained.load(name, device="cpu", assets=assets_dir).unguided()
        want = [e.result.picture for e in compare.race(m, m.schedule, [("ddim", 5)], seed=4, n=2) if e.result][0]
        job = client.submit(["ddim:5"], 4, 2, key, api_name="/compare")
        job.result()                                    # the race ends on a status line; the gallery came before it
        gallery = [o[0] for o in job.outputs() if isinstance(o[0], list) and o[0]][-1]
        assert same_picture(gallery[0]["image"], want), key
        pictures[key] = want
    assert np.abs(pictures["teacher"].astype(float) - pictures["student"]).mean() > 3, "two different models"


@needs_digits
def test_a_flow_cell_races_the_flow_net_from_the_same_noise(client, assets_dir):
    """A "Flow · Euler" cell's picture is the flow net's Euler run from the race's x_T, run here outside the app,
    whichever diffusion net is picked; a flow cell with a bad step count is refused."""
    from diffusion_core.lessons import compare

    if not (assets_dir / "digits_flow.safetensors").exists():
        pytest.skip("digits_flow does not ship")
    flow = pretrained.load("digits_flow", device="cpu", assets=assets_dir).unguided()      # raced alone, on its grid
    want = [e.result.picture for e in compare.race(None, None, [("flow_euler", 4)], seed=4, n=2, flow_model=flow,
                                                   flow_shift=flow.time_shift) if e.result][0]
    job = client.submit(["flow_euler:4"], 4, 2, "teacher", api_name="/compare")
    job.result()
    gallery = [o[0] for o in job.outputs() if isinstance(o[0], list) and o[0]][-1]
    assert same_picture(gallery[0]["image"], want)
    with pytest.raises(AppError):
        client.predict(["flow_euler:0"], 0, 2, api_name="/compare")


def test_dye_endpoints_and_their_checks(app_url, client):
    glass, heat, chart, status, cloud, hist = client.predict(0.25, 0.75, 120, 1000, 0, 300, api_name="/drop_dye")
    assert "0.25" in status and "<svg" in chart and "<svg" in hist
    for bad in ((1.5, 0.5, 10, 1000, 0, 10), (0.5, 0.5, 10, 10**9, 0, 10), (0.5, 0.5, -1, 1000, 0, 10)):
        with pytest.raises(AppError):
            client.predict(*bad, api_name="/drop_dye")
    out = raw_call(app_url, "drop_dye", '{"data": [NaN, 0.5, 10, 1000, 0, 10]}')
    assert "event: error" in out and "finite" in out
    with pytest.raises(AppError, match="draw a bigger shape"):
        client.predict("drawn", None, 2, 0, api_name="/train_points")
    with pytest.raises(AppError, match="Training seconds"):
        client.predict("heart", None, 3600, 0, api_name="/train_points")


def test_unmix_needs_training_first(app_url):
    fresh = Client(app_url, verbose=False)
    with pytest.raises(AppError, match="Train the denoiser first"):
        fresh.predict(0, api_name="/unmix_film")


@pytest.mark.skipif(not (shipped_assets() / "photos.safetensors").exists(), reason="photos model not built")
def test_reform_photo_shows_record_model_and_one_jump_guess(client):
    record, model, guess, *zooms, text = client.predict(150, "linear", 0, 4, api_name="/reform_photo")
    pics = [np.asarray(Image.open(p).convert("RGB")) for p in (record, model, guess)]
    assert pics[0].shape == pics[1].shape == pics[2].shape
    assert not np.array_equal(pics[1], pics[2]), "the one-jump guess is not the 4-step reform"
    assert "record** PSNR ∞" in text and "one-jump guess** PSNR" in text
