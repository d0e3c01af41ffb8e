"""The Lesson tab's words (issue 44), English and Simplified Chinese; merged into strings_en / strings_zh.
Per step KEY: lesson_KEY_title, _story, _q (the prediction asked), _CHOICE (each answer), _pics (picture titles,
" | " between them), _why (what the experiment showed, with its measured {fields}), _math (the formula)."""

LESSON_EN = {
    "tab_lesson": "0 · Lesson",
    "lesson_intro": "**Twelve short steps from a drop of dye to a sampler.** In each, first say what you expect, "
                    "then run the experiment: the app measures what happens and tells you whether you were right.",
    "lesson_step": "Step {i} of {n}",
    "lesson_check": "Run the experiment",
    "lesson_back": "← Back",
    "lesson_next": "Next →",
    "lesson_open": "Open in the full tab",
    "lesson_right": "✓ **You predicted it.**",
    "lesson_wrong": "✗ **Not what happened:** the answer is “{answer}”.",
    "lesson_pick": "Pick the answer you expect first, then run the experiment.",
    "lesson_bad_step": "There is no lesson step {step}; the steps go from 1 to {n}.",
    "lesson_link": "A link to this step (for a class): `{link}`",
    "lesson_step_no": "lesson step",
    "lesson_no_model": "This step needs the digits model and its measured quality file, which this copy of the app "
                       "does not have yet.",
    "lesson_end": "That was the last step. The tabs above let you try every part with your own settings.",
    "lesson_score": "Predicted right so far: {right} of {asked}.",
    "lesson_running": "Running: DDPM step {done} of {total}…",

    "lesson_stones_title": "Michelangelo's stones, recorded",
    "lesson_stones_story": "Michelangelo said he only removed the stone that was not David. But how do you know "
                           "which stone is extra? Diffusion turns it round: *add* the extra stones yourself, one "
                           "small step at a time, **and write each one down**. Here a digit is buried under 1000 "
                           "steps of noise.",
    "lesson_stones_q": "With the record of every step, can the digit be rebuilt?",
    "lesson_stones_exact": "Yes, exactly the same digit",
    "lesson_stones_close": "Almost, a little blurred",
    "lesson_stones_lost": "No, it is lost in the noise",
    "lesson_stones_pics": "The digit | Under 1000 steps of noise | Rebuilt with the record | Rebuilt by the model, no record",
    "lesson_stones_why": "With the record every step is undone exactly: the rebuilt digit differs from the original by "
                         "{diff} pixel levels of 255. Without the record, the model can only guess which “stones” "
                         "were added: it makes *a* digit, not this one ({model:.1f} dB from it). A network trained on "
                         "many such records learns what is extra.",
    "lesson_stones_math": "Each step: x_k = √(1−β_k)·x_(k−1) + √β_k·ε_k. With ε_k recorded, "
                          "x_(k−1) = (x_k − √β_k·ε_k) / √(1−β_k), exactly.",

    "lesson_dye_title": "A drop of dye in water",
    "lesson_dye_story": "Each particle of dye takes small random steps. Watch one drop.",
    "lesson_dye_q": "Left long enough, where does the dye end up?",
    "lesson_dye_drop": "It gathers back into a drop",
    "lesson_dye_even": "Spread evenly through the glass",
    "lesson_dye_stays": "Roughly where it fell",
    "lesson_dye_pics": "The drop | After 800 steps",
    "lesson_dye_why": "After {steps} random steps the dye fills the glass evenly: its entropy is {entropy:.2f} of the "
                      "maximum (1 = perfectly even). Nothing pulls it back together. A diffusion model's forward "
                      "process does this to a picture, pixel by pixel, until only noise is left.",
    "lesson_dye_math": "Each particle: position += √(2D·Δt)·z, z ~ N(0, 1), reflected at the walls.",

    "lesson_jump_title": "The forward process in one jump",
    "lesson_jump_story": "Training adds noise to a photo in 1000 small steps. Walking 500 of them one by one is slow; "
                         "a closed form jumps straight to any step t.",
    "lesson_jump_q": "At t = 500 of 1000, is the photo still recognisable?",
    "lesson_jump_clear": "Yes, clearly",
    "lesson_jump_barely": "Barely: outlines only",
    "lesson_jump_gone": "No, pure noise",
    "lesson_jump_pics": "The photo x₀ | x_500, in one jump",
    "lesson_jump_why": "In one jump x_{k} = {a:.2f} × photo + {b:.2f} × noise: the photo's weight is only {a:.2f}, "
                       "so its outlines show through the noise, barely.",
    "lesson_jump_math": "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, with ᾱ_t = (1−β₁)(1−β₂)…(1−β_t).",

    "lesson_near_zero_title": "Why t near 0 is the original",
    "lesson_near_zero_story": "t counts how many noise steps have been taken.",
    "lesson_near_zero_q": "At t = 10, how much of x_t is still the photo?",
    "lesson_near_zero_almost_all": "Almost all (over 90%)",
    "lesson_near_zero_half": "About half",
    "lesson_near_zero_little": "Very little",
    "lesson_near_zero_pics": "The photo x₀ | x_10",
    "lesson_near_zero_why": "At t = {k} the photo is still {share:.1f}% of x_t (its share of the variance): each step "
                            "adds only a little noise, here β = {beta:.3f}% of the variance. At t = 0 no step has been "
                            "taken: x₀ is the photo itself.",
    "lesson_near_zero_math": "Share of the photo = ᾱ_t; with β_t from 0.0001 to 0.02, ᾱ_10 ≈ 1 − 10 × 0.0002.",

    "lesson_guess_title": "What the network is trained to guess",
    "lesson_guess_story": "Training takes clean digits, picks a step t for each, mixes in known noise, and shows the "
                          "network only the noisy x_t and t.",
    "lesson_guess_q": "What does the network answer?",
    "lesson_guess_clean": "The clean picture x₀",
    "lesson_guess_noise": "The noise ε that was added",
    "lesson_guess_next": "The picture one step less noisy",
    "lesson_guess_pics": "Clean digits x₀ | Noised, x_t (t = 300) | The noise ε added | The network's answer",
    "lesson_guess_why": "Its answer for these {n} digits at t = {k} correlates {noise:.2f} with the noise and "
                        "{clean:.2f} with the clean digits: it guesses the noise. All {n} digits went through the "
                        "network in one call, a batch, as in training (128 noised images a step, each with its own t).",
    "lesson_guess_math": "Loss = ‖ε − ε_θ(x_t, t)‖², averaged over a batch of images, steps t and noises ε.",

    "lesson_one_jump_title": "Why not jump back in one step?",
    "lesson_one_jump_story": "If the network guesses the noise, we could subtract all of it at once, straight from "
                             "pure noise.",
    "lesson_one_jump_q": "Would the one-jump guess be sharp or blurry?",
    "lesson_one_jump_sharp": "Sharp digits",
    "lesson_one_jump_blur": "A blur",
    "lesson_one_jump_other": "Random other pictures",
    "lesson_one_jump_pics": "Best possible one-jump guess | The network's one-jump guess",
    "lesson_one_jump_why": "From pure noise the best possible guess is the average of every digit the noise could "
                           "hide: a blur, with {ideal:.2f}× a real digit's detail. The network's own guess is worse: "
                           "its small noise error is multiplied {m:.0f}× and shows as speckle ({net:.1f}×). Many small "
                           "steps commit to a little more of one digit each time.",
    "lesson_one_jump_math": "x̂₀ = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t: an error in ε̂ grows by 1/√ᾱ_t, about 157 at t = 1000.",

    "lesson_renoise_title": "Why the sampler adds noise back",
    "lesson_renoise_story": "DDPM, after each denoising step, adds a little fresh noise (η = 1). DDIM can switch "
                            "that off (η = 0). Same starting noise, 20 steps each.",
    "lesson_renoise_q": "Without the fresh noise, what do 20 steps make?",
    "lesson_renoise_digits": "Still digits",
    "lesson_renoise_blur": "A smooth blur",
    "lesson_renoise_noise": "Noise",
    "lesson_renoise_pics": "With fresh noise (η = 1) | Without (η = 0)",
    "lesson_renoise_why": "Both make digits: detail {with:.2f}× (η = 1) and {without:.2f}× (η = 0) a real digit's. "
                          "DDPM's fresh noise puts x_t back at the noise level the network expects next, as in "
                          "training, and washes out earlier mistakes; DDIM instead follows the network's own noise "
                          "guess deterministically and gets there without it.",
    "lesson_renoise_math": "x_(t−1) = √ᾱ_(t−1)·x̂₀ + √(1−ᾱ_(t−1)−σ_t²)·ε̂ + σ_t·z; η scales σ_t (η = 1: DDPM).",

    "lesson_steps_title": "1000 training steps, 20 sampling steps",
    "lesson_steps_story": "The network learned all 1000 noise levels. Here DDIM visits 20 of them, DDPM all 1000, "
                          "from the same noise (DDPM adds fresh noise as it goes, so it ends on other digits).",
    "lesson_steps_q": "Will 20 DDIM steps look worse than 1000 DDPM steps?",
    "lesson_steps_much_worse": "Much worse (a blur or noise)",
    "lesson_steps_close": "Close: the same kind of digits",
    "lesson_steps_same": "Exactly as good",
    "lesson_steps_pics": "DDIM, 20 steps | DDPM, 1000 steps",
    "lesson_steps_why": "Measured on 512 digits, the distance to real digits is {ddim:.1f} for DDIM 20 and "
                        "{ddpm:.1f} for DDPM 1000 ({ratio:.1f}×): close, a little less faithful. Just now DDIM 20 "
                        "took {ddim_s:.2f} s and DDPM 1000 {ddpm_s:.1f} s. A sampler only chooses which levels to "
                        "visit and how big a step to take.",
    "lesson_steps_math": "Fewer, larger steps: DDIM jumps t → t′ with x_(t′) = √ᾱ_(t′)·x̂₀ + √(1−ᾱ_(t′))·ε̂.",

    "lesson_grids_title": "The sampler and the noising",
    "lesson_grids_story": "The marks below are the noise levels each sampler visits when it generates.",
    "lesson_grids_q": "Does changing the sampler change how the training noise was added?",
    "lesson_grids_changes": "Yes, each sampler needs its own noising",
    "lesson_grids_same": "No, the noising is the same for every sampler",
    "lesson_grids_pics": "The noise levels each sampler visits",
    "lesson_grids_why": "Every mark is one of the {levels} levels of the one schedule the network was trained on. "
                        "The noising is fixed by that schedule; the sampler is chosen only when generating, so one "
                        "trained network serves DDPM, DDIM, Euler and DPM-Solver.",
    "lesson_grids_math": "Training: q(x_t | x₀) = N(√ᾱ_t·x₀, (1−ᾱ_t)·I) for t = 1…1000; sampling picks t₁ > t₂ > … .",

    "lesson_mlp_title": "Is a UNet the only choice?",
    "lesson_mlp_story": "Images use a UNet. Here the “picture” is a cloud of 2-D points shaped like a heart, and the "
                        "network is a small MLP trained for a few seconds.",
    "lesson_mlp_q": "Can a network that is not a UNet learn to remove noise?",
    "lesson_mlp_only_unet": "Only a UNet can",
    "lesson_mlp_any_net": "Any network that sees x_t and t",
    "lesson_mlp_pics": "The heart's points (data) | Noise, un-mixed by the MLP",
    "lesson_mlp_why": "A three-layer MLP, no UNet anywhere, trained for {seconds:g} s, brought {share:.0f}% of the "
                      "noise particles back inside the heart. Any network that takes x_t and t and answers with a "
                      "noise guess can be the denoiser: UNets suit images, Transformers (DiT) serve Stable Diffusion "
                      "3 and Sora.",
    "lesson_mlp_math": "ε_θ(x_t, t) = MLP([x_t, embed(t)]); the loss is the same ‖ε − ε_θ‖².",

    "lesson_steer_title": "Steering with a label",
    "lesson_steer_story": "Image generators follow a prompt. The simplest prompt is a label: here a network that has "
                          "learned all ten digits is asked for a **3**. A scale w says how hard the label pushes.",
    "lesson_steer_q": "From the same noise, what happens when the push w is turned up from 0?",
    "lesson_steer_steered": "They turn into 3s",
    "lesson_steer_unchanged": "Nothing: the same digits",
    "lesson_steer_broken": "They fall apart into noise",
    "lesson_steer_pics": "w = 0: no label | w = 1: the label's answer alone | w turned up: guided past it",
    "lesson_steer_why": "At w = 0 the network answers without the label and draws any digit: {plain:.0f}% of these "
                        "are read as a {label} (by the app's digit classifier). At w = 1, its answer told the label "
                        "alone: {labelled:.0f}%. At w = {w:g}, guidance goes past that answer: {guided:.0f}%, from the "
                        "very same noise. Each step the label nudges the noise guess toward what a {label} needs; "
                        "over {steps} steps (DPM-Solver++) that decides the digit. A text prompt steers Stable "
                        "Diffusion the same way.",
    "lesson_steer_math": "ε̂ = ε̂(x_t, ∅) + w·(ε̂(x_t, c) − ε̂(x_t, ∅)) (classifier-free guidance, Ho & Salimans "
                         "2022): w = 0 gives ε̂(x_t, ∅), w = 1 gives ε̂(x_t, c).",

    "lesson_flow_title": "Straight paths: flow matching",
    "lesson_flow_story": "Newer image models (Stable Diffusion 3, Flux) are trained by **flow matching**: the network "
                         "is trained on *straight lines* from noise to a picture. If the lines are straight, "
                         "why not cross in one step?",
    "lesson_flow_q": "With a flow-matching net, what does a single step from pure noise give?",
    "lesson_flow_digit": "A clean digit: the line is straight",
    "lesson_flow_blur": "A blurry average digit",
    "lesson_flow_noise": "Still noise",
    "lesson_flow_pics": "One step | Twenty steps",
    "lesson_flow_why": "One step lands on a blur, with {one:.2f}× a real digit's detail; {steps} steps reach "
                       "{many:.2f}×. Each training line is straight, but from one noise start lines to every digit, "
                       "and the network can only learn their average direction: at the start it points at the "
                       "average digit. The path it follows bends as the digit is decided, so it still needs steps.",
    "lesson_flow_math": "x_s = (1−s)·x₀ + s·ε, target v = ε − x₀, loss ‖v − v_θ(x_s, s)‖²; Euler: "
                        "x_(s−Δ) = x_s − Δ·v_θ(x_s, s).",
}

LESSON_ZH = {
    "tab_lesson": "0 · 课程",
    "lesson_intro": "**十二个小步骤，从一滴颜料走到采样器。** 每一步先说出你的预测，再运行实验："
                    "应用会测量发生了什么，并告诉你猜得对不对。",
    "lesson_step": "第 {i} 步，共 {n} 步",
    "lesson_check": "运行实验",
    "lesson_back": "← 上一步",
    "lesson_next": "下一步 →",
    "lesson_open": "在完整的标签页中打开",
    "lesson_right": "✓ **你猜对了。**",
    "lesson_wrong": "✗ **实际结果不同：** 答案是“{answer}”。",
    "lesson_pick": "请先选出你预期的答案，再运行实验。",
    "lesson_bad_step": "没有第 {step} 步课程；课程从第 1 步到第 {n} 步。",
    "lesson_link": "本步骤的链接（可在课堂上分享）：`{link}`",
    "lesson_step_no": "课程步骤",
    "lesson_no_model": "这一步需要数字模型及其质量测量文件，这份应用还没有。",
    "lesson_end": "这是最后一步。上方的标签页可以让你用自己的设置逐一尝试。",
    "lesson_score": "目前猜对：{asked} 题中的 {right} 题。",
    "lesson_running": "正在运行：DDPM 第 {done} 步，共 {total} 步……",

    "lesson_stones_title": "米开朗基罗的石头，有记录",
    "lesson_stones_story": "米开朗基罗说，他只是去掉了不属于大卫的石头。可是怎么知道哪些石头是多余的？扩散模型反过来做："
                           "自己一小步一小步地**加上**多余的石头，**并把每一块都记下来**。这里，一个数字被埋在 1000 步噪声之下。",
    "lesson_stones_q": "有了每一步的记录，能把这个数字重建出来吗？",
    "lesson_stones_exact": "能，一模一样",
    "lesson_stones_close": "差不多，稍有模糊",
    "lesson_stones_lost": "不能，它已经淹没在噪声里",
    "lesson_stones_pics": "原来的数字 | 加了 1000 步噪声 | 按记录重建 | 没有记录，由模型重建",
    "lesson_stones_why": "有了记录，每一步都能被精确撤销：重建的数字与原图相差 {diff} 个灰度级（满级 255）。"
                         "没有记录，模型只能猜加进去的是哪些“石头”：它画出的是*某个*数字，而不是这一个"
                         "（与它相差 {model:.1f} dB）。在大量这样的记录上训练的网络，学会了什么是多余的。",
    "lesson_stones_math": "每一步：x_k = √(1−β_k)·x_(k−1) + √β_k·ε_k。记下 ε_k，就有 "
                          "x_(k−1) = (x_k − √β_k·ε_k) / √(1−β_k)，分毫不差。",

    "lesson_dye_title": "往水里滴一滴颜料",
    "lesson_dye_story": "颜料的每个粒子都在随机地走小步。看一滴颜料会怎样。",
    "lesson_dye_q": "放得足够久，颜料最后会在哪里？",
    "lesson_dye_drop": "重新聚成一滴",
    "lesson_dye_even": "均匀地散满整杯水",
    "lesson_dye_stays": "大致留在滴下的地方",
    "lesson_dye_pics": "刚滴下 | 800 步之后",
    "lesson_dye_why": "随机走了 {steps} 步之后，颜料均匀地充满了杯子：它的熵是最大值的 {entropy:.2f}"
                      "（1 = 完全均匀）。没有什么力量会把它重新聚起来。扩散模型的正向过程对图片做的正是这件事："
                      "一个像素一个像素地加噪，直到只剩下噪声。",
    "lesson_dye_math": "每个粒子：位置 += √(2D·Δt)·z，z ~ N(0, 1)，碰到杯壁就反弹。",

    "lesson_jump_title": "正向过程，一步到位",
    "lesson_jump_story": "训练时要给照片分 1000 小步加噪声。一步步走到第 500 步很慢；有一个闭式公式，可以直接跳到任意一步 t。",
    "lesson_jump_q": "在 1000 步中的 t = 500，照片还认得出来吗？",
    "lesson_jump_clear": "能，很清楚",
    "lesson_jump_barely": "勉强：只剩轮廓",
    "lesson_jump_gone": "不能，全是噪声",
    "lesson_jump_pics": "照片 x₀ | 一步跳到 x_500",
    "lesson_jump_why": "一步到位：x_{k} = {a:.2f} × 照片 + {b:.2f} × 噪声。照片的权重只有 {a:.2f}，"
                       "所以它的轮廓只能勉强透过噪声显出来。",
    "lesson_jump_math": "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε，其中 ᾱ_t = (1−β₁)(1−β₂)…(1−β_t)。",

    "lesson_near_zero_title": "为什么 t 接近 0 就是原图",
    "lesson_near_zero_story": "t 数的是已经加了多少步噪声。",
    "lesson_near_zero_q": "在 t = 10 时，x_t 里还有多少是照片？",
    "lesson_near_zero_almost_all": "几乎全部（90% 以上）",
    "lesson_near_zero_half": "大约一半",
    "lesson_near_zero_little": "很少",
    "lesson_near_zero_pics": "照片 x₀ | x_10",
    "lesson_near_zero_why": "在 t = {k} 时，照片仍占 x_t 的 {share:.1f}%（方差的占比）：每一步只加一点点噪声，"
                            "这一步 β = 方差的 {beta:.3f}%。t = 0 时一步也没走：x₀ 就是照片本身。",
    "lesson_near_zero_math": "照片的占比 = ᾱ_t；β_t 从 0.0001 增到 0.02，所以 ᾱ_10 ≈ 1 − 10 × 0.0002。",

    "lesson_guess_title": "网络被训练去猜什么",
    "lesson_guess_story": "训练时取一些干净的数字，给每个数字选一个步数 t，混入已知的噪声，只把带噪的 x_t 和 t 给网络看。",
    "lesson_guess_q": "网络回答的是什么？",
    "lesson_guess_clean": "干净的图片 x₀",
    "lesson_guess_noise": "加进去的噪声 ε",
    "lesson_guess_next": "少一步噪声的图片",
    "lesson_guess_pics": "干净的数字 x₀ | 加噪后 x_t（t = 300） | 加进去的噪声 ε | 网络的回答",
    "lesson_guess_why": "对这 {n} 个数字，网络在 t = {k} 的回答与噪声的相关系数是 {noise:.2f}，与干净数字的只有 "
                        "{clean:.2f}：它猜的是噪声。这 {n} 个数字是一次调用一起送进网络的（一个批次），"
                        "训练时也一样：每一步 128 张加噪图片，每张有自己的 t。",
    "lesson_guess_math": "损失 = ‖ε − ε_θ(x_t, t)‖²，对一批图片、步数 t 和噪声 ε 取平均。",

    "lesson_one_jump_title": "为什么不一步跳回去？",
    "lesson_one_jump_story": "既然网络能猜出噪声，我们似乎可以从纯噪声出发，一次把噪声全部减掉。",
    "lesson_one_jump_q": "一步跳回去的结果会清晰还是模糊？",
    "lesson_one_jump_sharp": "清晰的数字",
    "lesson_one_jump_blur": "一团模糊",
    "lesson_one_jump_other": "随机的其他图片",
    "lesson_one_jump_pics": "最好的一步猜测 | 网络的一步猜测",
    "lesson_one_jump_why": "从纯噪声出发，最好的一步猜测是这团噪声可能藏着的所有数字的平均：一团模糊，"
                           "细节只有真实数字的 {ideal:.2f} 倍。网络自己的猜测更糟：它对噪声的小误差被放大 {m:.0f} 倍，"
                           "变成斑点（{net:.1f} 倍）。许多小步，每一步都向某一个数字多靠近一点。",
    "lesson_one_jump_math": "x̂₀ = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t：ε̂ 的误差被放大 1/√ᾱ_t 倍，t = 1000 时约 157 倍。",

    "lesson_renoise_title": "为什么采样时要把噪声加回去",
    "lesson_renoise_story": "DDPM 每去一次噪，就再加一点新的噪声（η = 1）。DDIM 可以不加（η = 0）。同样的起始噪声，各走 20 步。",
    "lesson_renoise_q": "不加新噪声，20 步会得到什么？",
    "lesson_renoise_digits": "仍然是数字",
    "lesson_renoise_blur": "一团平滑的模糊",
    "lesson_renoise_noise": "噪声",
    "lesson_renoise_pics": "加新噪声（η = 1） | 不加（η = 0）",
    "lesson_renoise_why": "两者都得到数字：细节分别是真实数字的 {with:.2f} 倍（η = 1）和 {without:.2f} 倍（η = 0）。"
                          "DDPM 加回的新噪声让 x_t 回到网络下一步期待的噪声水平，与训练时一致，还能冲淡之前的误差；"
                          "DDIM 则沿着网络自己猜的噪声确定地走，不加噪声也能走到。",
    "lesson_renoise_math": "x_(t−1) = √ᾱ_(t−1)·x̂₀ + √(1−ᾱ_(t−1)−σ_t²)·ε̂ + σ_t·z；η 缩放 σ_t（η = 1 即 DDPM）。",

    "lesson_steps_title": "训练 1000 步，采样 20 步",
    "lesson_steps_story": "网络学过全部 1000 个噪声级别。这里 DDIM 只走其中 20 个，DDPM 走全部 1000 个，起点是同一份噪声"
                          "（DDPM 一路上会加入新的噪声，所以最后得到的是别的数字）。",
    "lesson_steps_q": "20 步 DDIM 会比 1000 步 DDPM 差吗？",
    "lesson_steps_much_worse": "差很多（模糊或噪声）",
    "lesson_steps_close": "接近：同样像样的数字",
    "lesson_steps_same": "完全一样好",
    "lesson_steps_pics": "DDIM，20 步 | DDPM，1000 步",
    "lesson_steps_why": "在 512 个数字上测得：与真实数字的距离，DDIM 20 步是 {ddim:.1f}，DDPM 1000 步是 {ddpm:.1f}"
                        "（{ratio:.1f} 倍）：接近，只是略逊一点。刚才 DDIM 20 步用了 {ddim_s:.2f} 秒，DDPM 1000 步用了 "
                        "{ddpm_s:.1f} 秒。采样器只决定走哪些噪声级别、每步跨多大。",
    "lesson_steps_math": "更少、更大的步子：DDIM 从 t 跳到 t′，x_(t′) = √ᾱ_(t′)·x̂₀ + √(1−ᾱ_(t′))·ε̂。",

    "lesson_grids_title": "采样器与加噪",
    "lesson_grids_story": "下面的刻度是各个采样器生成时经过的噪声级别。",
    "lesson_grids_q": "换一个采样器，会改变训练时加噪的方式吗？",
    "lesson_grids_changes": "会，每个采样器需要自己的加噪方式",
    "lesson_grids_same": "不会，加噪对所有采样器都一样",
    "lesson_grids_pics": "各采样器经过的噪声级别",
    "lesson_grids_why": "每个刻度都是网络训练时那一个调度的 {levels} 个级别之一。加噪由这个调度固定；"
                        "采样器只在生成时选择，所以同一个训练好的网络可以用 DDPM、DDIM、Euler 和 DPM-Solver。",
    "lesson_grids_math": "训练：q(x_t | x₀) = N(√ᾱ_t·x₀, (1−ᾱ_t)·I)，t = 1…1000；采样只是选出 t₁ > t₂ > …。",

    "lesson_mlp_title": "UNet 是唯一的选择吗？",
    "lesson_mlp_story": "图片用 UNet。这里的“图片”是一团心形的二维点，网络是一个只训练几秒的小 MLP。",
    "lesson_mlp_q": "不是 UNet 的网络，能学会去噪吗？",
    "lesson_mlp_only_unet": "只有 UNet 能",
    "lesson_mlp_any_net": "任何看得到 x_t 和 t 的网络都能",
    "lesson_mlp_pics": "心形的点（数据） | 噪声，经 MLP 还原",
    "lesson_mlp_why": "一个三层 MLP，完全没有 UNet，训练 {seconds:g} 秒，就把 {share:.0f}% 的噪声粒子送回了心形里。"
                      "任何接收 x_t 和 t、回答噪声猜测的网络都可以做去噪器：UNet 适合图片，"
                      "Transformer（DiT）用于 Stable Diffusion 3 和 Sora。",
    "lesson_mlp_math": "ε_θ(x_t, t) = MLP([x_t, embed(t)])；损失仍是 ‖ε − ε_θ‖²。",

    "lesson_steer_title": "用标签引导",
    "lesson_steer_story": "图像生成器会听从提示词。最简单的提示就是一个标签：这里一个学会了全部十个数字的网络，"
                          "被要求画一个 **3**。引导强度 w 决定标签推得多用力。",
    "lesson_steer_q": "同样的起始噪声，把推力 w 从 0 调大，会怎样？",
    "lesson_steer_steered": "它们变成了 3",
    "lesson_steer_unchanged": "没有变化：还是那些数字",
    "lesson_steer_broken": "它们散成了噪声",
    "lesson_steer_pics": "w = 0：不给标签 | w = 1：只用带标签的回答 | 调大 w：引导越过它",
    "lesson_steer_why": "w = 0 时网络不看标签，画出的是随便哪个数字：其中 {plain:.0f}% 被（应用里的数字分类器）认作 {label}。"
                        "w = 1 时，只用告诉了标签的回答：{labelled:.0f}%。w = {w:g} 时，引导越过了那个回答："
                        "{guided:.0f}%，用的是完全相同的噪声。每一步标签都把噪声猜测朝“{label} 需要的样子”推一点；"
                        "{steps} 步（DPM-Solver++）下来，就决定了是哪个数字。文字提示词引导 Stable Diffusion 也是这样。",
    "lesson_steer_math": "ε̂ = ε̂(x_t, ∅) + w·(ε̂(x_t, c) − ε̂(x_t, ∅))（无分类器引导，Ho & Salimans 2022）："
                         "w = 0 得 ε̂(x_t, ∅)，w = 1 得 ε̂(x_t, c)。",

    "lesson_flow_title": "笔直的路径：流匹配",
    "lesson_flow_story": "较新的图像模型（Stable Diffusion 3、Flux）用**流匹配**训练：网络在从噪声到图片的*直线*上训练。"
                         "既然是直线，为什么不一步走完？",
    "lesson_flow_q": "用流匹配网络，从纯噪声只走一步，会得到什么？",
    "lesson_flow_digit": "一个清楚的数字：直线嘛",
    "lesson_flow_blur": "一个模糊的“平均数字”",
    "lesson_flow_noise": "仍然是噪声",
    "lesson_flow_pics": "一步 | 二十步",
    "lesson_flow_why": "一步落在一团模糊上，细节只有真实数字的 {one:.2f} 倍；{steps} 步则达到 {many:.2f} 倍。"
                       "训练用的每条线都是直的，但从同一份噪声出发，有通往每个数字的线，网络只能学到它们的平均方向："
                       "起点处它指向“平均数字”。它走的路径随着数字被确定而弯曲，所以仍然需要多走几步。",
    "lesson_flow_math": "x_s = (1−s)·x₀ + s·ε，目标 v = ε − x₀，损失 ‖v − v_θ(x_s, s)‖²；欧拉法："
                        "x_(s−Δ) = x_s − Δ·v_θ(x_s, s)。",
}
