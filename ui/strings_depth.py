"""Explanations in layers (issue 44, ui/depth.py), English and Simplified Chinese; merged into strings_en / strings_zh.
Each tab's story stays in its intro (always shown); KEY_mechanism says how it works, KEY_maths the formulas. The
Lesson's steps add lesson_KEY_how (the mechanism) to their verdict, with the experiment's measured {fields}."""

DEPTH_EN = {
    "depth": "How deep should the explanations go?",
    "depth_intuition": "Intuition",
    "depth_mechanism": "Mechanism",
    "depth_maths": "Maths",

    "dye_mechanism": "**How it works.** No particle is pulled anywhere: each step is random, in every direction. A "
                     "place with more dye sends out more particles than it gets back, so differences even out, the "
                     "sharpest first. The many walks together follow a law: the smooth picture beside the glass is "
                     "the heat equation's solution for the same drop. Entropy is counted on a 16 × 16 grid of cells "
                     "(1 = every cell alike); a fresh drop already covers a few cells, so it starts above 0.",
    "dye_maths": "Each particle: x ← x + √(2D·Δt)·z, z ~ N(0, I), mirrored at the walls (D·Δt = 0.0002 a step). "
                 "The density c obeys ∂c/∂t = D·∇²c; in the square glass c(x, y, t) = Σ a_mn·cos(mπx)·cos(nπy)·"
                 "e^(−Dπ²(m² + n²)t). Entropy: H = −Σ p_i·log p_i / log 256 over the 256 cells.",
    "model_mechanism": "**Why a pull.** Generation must start from a distribution we know and can sample. Shrinking "
                       "every point by √ᾱ_t while adding noise of size √(1−ᾱ_t) makes the end the standard Gaussian "
                       "exactly, whatever the drop: the histogram's bars settle on the N(0, 1) curve.",
    "model_maths": "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, so x_t given x₀ is N(√ᾱ_t·x₀, (1−ᾱ_t)·I). On the linear schedule "
                   "ᾱ_1000 ≈ 4·10⁻⁵: x_1000 is ε up to 0.6% of x₀.",
    "noise_mechanism": "**How it works.** Gaussians add up to a Gaussian, so the 1000 small steps need not be walked: "
                       "any step t is reached **in one jump**, as the photo times a weight √ᾱ_t plus fresh noise "
                       "times √(1−ᾱ_t). The two bars are those weights. Their squares add up to 1: as the photo's "
                       "share ᾱ_t shrinks, the noise's grows, until x_t is pure N(0, I) noise.",
    "noise_maths": "$$x_t = \\sqrt{\\bar\\alpha_t}\\,x_0 + \\sqrt{1-\\bar\\alpha_t}\\,\\varepsilon,\\qquad "
                   "\\varepsilon\\sim\\mathcal N(0, I)$$\n\nOne step: q(x_t | x_(t−1)) = N(√(1−β_t)·x_(t−1), β_t·I), "
                   "and ᾱ_t = (1−β₁)(1−β₂)…(1−β_t). Linear schedule: β_t from 0.0001 to 0.02. Cosine schedule "
                   "(Nichol & Dhariwal 2021): ᾱ_t = f(t)/f(0) with f(t) = cos²((t/T + 0.008)/1.008 · π/2).",
    "dn_mechanism": "**How it works.** Each step shows **x_t**, the network's guess of the **clean digit x̂₀** and "
                    "of the **noise ε̂**. The network (a UNet of about a million numbers) was trained only to "
                    "predict the noise; x̂₀ follows from that guess by the one-jump formula run backwards. The "
                    "sampler moves x_t part of the way toward x̂₀, to the next, lower noise level, and asks again.",
    "dn_maths": "x̂₀ = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t. DDIM (η = 0): x_(t′) = √ᾱ_(t′)·x̂₀ + √(1−ᾱ_(t′))·ε̂; DDPM adds "
                "fresh noise σ_t·z each step. Training: minimise ‖ε − ε_θ(x_t, t)‖² over digits x₀, steps t and "
                "noises ε.",
    "st_mechanism": "**How it works.** The network was trained with the label and, for 15% of the pictures, "
                    "without it, so one network gives both answers. Each step the sampler takes the no-label answer "
                    "and moves w times as far as the labelled answer differs from it: w = 0 ignores the label, "
                    "w = 1 is the labelled answer, w > 1 goes past it. The orange and blue picture is that "
                    "difference: where the label adds ink and where it removes it.",
    "cmp_mechanism": "**How it works.** Training teaches **one noise predictor** at every one of the 1000 noise "
                     "levels. A sampler only decides **which levels to visit and how to step between them**: a "
                     "better integrator can take bigger steps. One network call a step; only the “Flow ·” cells "
                     "use another net, trained by flow matching.",
    "cmp_maths": "DDIM: x_(t′) = √ᾱ_(t′)·x̂₀ + √(1−ᾱ_(t′))·ε̂. In x̄ = x/√ᾱ and σ = √(1−ᾱ)/√ᾱ this is Euler's "
                 "method on the probability-flow ODE dx̄/dσ = ε̂(x, t). DPM-Solver++(2M) corrects each step with the "
                 "previous step's x̂₀ (second order, one call a step); Heun averages two slopes (two calls). Flow "
                 "cells: x_s = (1−s)·x₀ + s·ε, the net predicts v = ε − x₀, Euler steps x_(s−Δ) = x_s − Δ·v̂.",

    "lesson_stones_how": "**How it works.** Each of the 1000 steps shrinks the picture a little (× √(1−β)) and adds "
                         "a little fresh noise. Run backwards with the recorded noise, every step is undone exactly. "
                         "Training turns such records into a lesson: the network sees noised digits and learns to "
                         "predict the noise that was added; generating uses its prediction in place of the record.",
    "lesson_dye_how": "**How it works.** No particle is pulled anywhere; each step is random in every direction. A "
                      "place with more dye sends out more particles than it gets back, so differences even out. "
                      "Entropy is counted on a 16 × 16 grid of cells: an even glass fills every cell alike.",
    "lesson_jump_how": "**How it works.** Each step multiplies the photo by √(1−β) and adds independent Gaussian "
                       "noise. Independent Gaussians add into one Gaussian, so after t steps the photo has been "
                       "multiplied by √ᾱ_t (here {a:.2f}) and the noise sums to one draw of size √(1−ᾱ_t) "
                       "({b:.2f}): one draw, one multiply-add, for any t.",
    "lesson_near_zero_how": "**How it works.** The noise added per step, β, starts tiny and grows: the first steps "
                            "blur only fine detail, the last ones erase shapes. Near t = 0, x_t is the photo with a "
                            "faint grain; x₀, before any step, is the data itself: where a sampler must arrive.",
    "lesson_guess_how": "**How it works.** The network's only job: given x_t and t, answer the noise ε. Its target "
                        "is known exactly (we added that ε), so the loss is a plain squared error. Every image in a "
                        "batch gets its own random t, so one batch trains many noise levels at once.",
    "lesson_one_jump_how": "**How it works.** At t near 1000 almost nothing of the digit is left in x_t, so every "
                           "digit is equally likely, and the best guess of x₀ is their average. Removing the whole "
                           "guessed noise at once lands on that average. A small step, then a new guess, lets each "
                           "step commit a little more to one digit.",
    "lesson_renoise_how": "**How it works.** Both samplers compute the same clean guess x̂₀ each step and move toward "
                          "it. DDPM then adds fresh noise of the size the next level needs; DDIM reuses the "
                          "network's own noise guess instead, so its whole run is one fixed path from x_T (an ODE).",
    "lesson_steps_how": "**How it works.** The network learned every noise level, so a sampler may visit any subset "
                        "of them. DDIM jumps from level t straight to a much lower t′ using the clean guess x̂₀; its "
                        "error comes from treating x̂₀ as fixed across the jump. Twenty jumps keep that error small.",
    "lesson_grids_how": "**How it works.** The schedule (β_t, hence ᾱ_t) belongs to training: the network learned "
                        "what noise at each level looks like. A sampler reads the same ᾱ_t at the levels it visits; "
                        "visiting 20 of the {levels} levels changes nothing about how x_t was made.",
    "lesson_mlp_how": "**How it works.** For points, x_t is just two numbers: the MLP takes them and an embedding of "
                      "t and answers two numbers, the noise guess. Same loss, same sampler. A UNet's convolutions "
                      "help pictures because nearby pixels belong together, not because denoising needs them.",
    "lesson_steer_how": "**How it works.** The network was trained with the label and, for 15% of the pictures, "
                        "without it, so one network gives both answers. Each step the sampler takes the no-label "
                        "answer and adds w times the difference the label makes. Both answers come from one network "
                        "call on the batch stacked twice. Past w = 1 guidance mostly buys surer, more alike digits "
                        "rather than more of the label: the Steer tab's chart measures both.",
    "lesson_flow_how": "**How it works.** Flow matching trains on straight lines x_s = (1−s)·x₀ + s·ε between a "
                       "digit and a noise and asks the network for the direction along them, v = ε − x₀. The same "
                       "as diffusion: a network learns to undo a fixed mixing of data and noise, and a sampler "
                       "integrates its answers step by step. Different: the path (a straight mix) and what is "
                       "predicted (a direction, not the noise). “Reflow” (the Dye tab's flow lab) retrains on the "
                       "model's own noise-to-digit pairs, whose lines no longer cross, and those paths do straighten.",
}

DEPTH_ZH = {
    "depth": "讲解要多深？",
    "depth_intuition": "直觉",
    "depth_mechanism": "机制",
    "depth_maths": "数学",

    "dye_mechanism": "**原理。** 没有哪个粒子被拉向某处：每一步都是随机的，朝哪个方向都可能。颜料多的地方送出去的粒子比收回来的多，"
                     "所以差别会被抹平，越尖锐的越先平。许多随机游走合在一起服从一条规律：杯子旁边那张平滑的图，就是同一滴颜料的"
                     "热方程解。熵按 16 × 16 的格子计算（1 = 每格一样多）；刚滴下的颜料已经占了几格，所以熵不是从 0 开始。",
    "dye_maths": "每个粒子：x ← x + √(2D·Δt)·z，z ~ N(0, I)，碰到杯壁镜面反弹（每步 D·Δt = 0.0002）。"
                 "浓度 c 满足 ∂c/∂t = D·∇²c；在方形杯子里 c(x, y, t) = Σ a_mn·cos(mπx)·cos(nπy)·"
                 "e^(−Dπ²(m² + n²)t)。熵：H = −Σ p_i·log p_i / log 256，对 256 个格子求和。",
    "model_mechanism": "**为什么要往中心拉。** 生成必须从一个我们知道、而且能抽样的分布出发。每一步把点缩小到 √ᾱ_t 倍，"
                       "同时加上大小为 √(1−ᾱ_t) 的噪声，终点就恰好是标准高斯分布，无论最初的颜料是什么形状："
                       "直方图的柱子最后贴合 N(0, 1) 曲线。",
    "model_maths": "x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε，所以给定 x₀ 时 x_t 服从 N(√ᾱ_t·x₀, (1−ᾱ_t)·I)。线性调度下 "
                   "ᾱ_1000 ≈ 4·10⁻⁵：x_1000 就是 ε，x₀ 只剩 0.6%。",
    "noise_mechanism": "**原理。** 高斯分布相加仍是高斯分布，所以 1000 小步不必一步步走："
                       "任意一步 t 都可以**一步跳到**：照片乘以权重 √ᾱ_t，加上新噪声乘以 √(1−ᾱ_t)。两根条就是这两个权重。"
                       "它们的平方和是 1：照片的份额 ᾱ_t 越来越小，噪声的份额越来越大，直到 x_t 成为纯粹的 N(0, I) 噪声。",
    "noise_maths": "$$x_t = \\sqrt{\\bar\\alpha_t}\\,x_0 + \\sqrt{1-\\bar\\alpha_t}\\,\\varepsilon,\\qquad "
                   "\\varepsilon\\sim\\mathcal N(0, I)$$\n\n一步：q(x_t | x_(t−1)) = N(√(1−β_t)·x_(t−1), β_t·I)，"
                   "ᾱ_t = (1−β₁)(1−β₂)…(1−β_t)。线性调度：β_t 从 0.0001 增到 0.02。余弦调度"
                   "（Nichol & Dhariwal 2021）：ᾱ_t = f(t)/f(0)，f(t) = cos²((t/T + 0.008)/1.008 · π/2)。",
    "dn_mechanism": "**原理。** 每一步显示 **x_t**、网络猜的**干净数字 x̂₀** 和猜的**噪声 ε̂**。网络（约一百万个参数的 UNet）"
                    "训练时只学猜噪声；x̂₀ 是把“一步跳到”的公式倒过来，从这份猜测算出来的。采样器让 x_t 朝 x̂₀ 走一段，"
                    "到下一个更低的噪声级别，再问一次。",
    "dn_maths": "x̂₀ = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t。DDIM（η = 0）：x_(t′) = √ᾱ_(t′)·x̂₀ + √(1−ᾱ_(t′))·ε̂；DDPM "
                "每一步再加新噪声 σ_t·z。训练：对数字 x₀、步数 t 和噪声 ε 最小化 ‖ε − ε_θ(x_t, t)‖²。",
    "st_mechanism": "**原理。** 网络训练时带着标签，另有 15% 的图片不带标签，所以同一个网络能给出两种回答。每一步，"
                    "采样器取不带标签的回答，再朝带标签的回答走 w 倍的差距：w = 0 不理标签，w = 1 就是带标签的回答，"
                    "w > 1 走得更远。橙色和蓝色的图就是这份差：标签在哪里加墨、在哪里去墨。",
    "cmp_mechanism": "**原理。** 训练教会的是**同一个噪声预测器**，它在 1000 个噪声级别上都能用。采样器只决定"
                     "**走哪些噪声级别、每两级之间怎么迈步**：更好的积分方法可以迈更大的步子。每一步调用一次网络；"
                     "只有“Flow ·”格子用的是另一个用流匹配训练的网络。",
    "cmp_maths": "DDIM：x_(t′) = √ᾱ_(t′)·x̂₀ + √(1−ᾱ_(t′))·ε̂。换成 x̄ = x/√ᾱ 和 σ = √(1−ᾱ)/√ᾱ，它就是概率流 ODE "
                 "dx̄/dσ = ε̂(x, t) 的欧拉法。DPM-Solver++(2M) 用上一步的 x̂₀ 修正每一步（二阶，每步一次调用）；"
                 "Heun 取两个斜率的平均（两次调用）。Flow 格子：x_s = (1−s)·x₀ + s·ε，网络预测 v = ε − x₀，"
                 "欧拉步 x_(s−Δ) = x_s − Δ·v̂。",

    "lesson_stones_how": "**原理。** 1000 步中的每一步都把图缩小一点（× √(1−β)），再加一点新噪声。拿着记下的噪声倒着走，"
                         "每一步都能精确撤销。训练把这样的记录变成一堂课：网络看带噪的数字，学着猜出加进去的噪声；"
                         "生成时就用它的猜测代替记录。",
    "lesson_dye_how": "**原理。** 没有哪个粒子被拉向某处；每一步都随机朝任意方向。颜料多的地方送出去的粒子比收回来的多，"
                      "所以差别被抹平。熵按 16 × 16 的格子计算：均匀的一杯水，每格一样多。",
    "lesson_jump_how": "**原理。** 每一步把照片乘以 √(1−β)，再加独立的高斯噪声。独立的高斯噪声加起来还是一个高斯，"
                       "所以走了 t 步后，照片被乘了 √ᾱ_t（这里是 {a:.2f}），噪声合起来是一次大小为 √(1−ᾱ_t)"
                       "（{b:.2f}）的抽样：任意 t，都只要一次抽样、一次乘加。",
    "lesson_near_zero_how": "**原理。** 每步加的噪声 β 从极小开始逐渐变大：前面的步子只模糊细节，后面的才抹掉形状。"
                            "t 接近 0 时，x_t 是带一点细颗粒的照片；x₀ 是还没走任何一步的数据本身：采样器要到达的地方。",
    "lesson_guess_how": "**原理。** 网络只做一件事：给它 x_t 和 t，回答噪声 ε。目标是确切知道的（ε 是我们加的），"
                        "所以损失就是普通的平方误差。一批里每张图都有自己随机的 t，所以一批就能同时训练许多噪声级别。",
    "lesson_one_jump_how": "**原理。** t 接近 1000 时，x_t 里几乎不剩数字的信息，每个数字都一样可能，所以对 x₀ 最好的猜测"
                           "就是它们的平均。一次减掉全部猜出的噪声，就落在这个平均上。走一小步、再猜一次，"
                           "每一步就能多确定一点是哪个数字。",
    "lesson_renoise_how": "**原理。** 两种采样器每一步算出的干净猜测 x̂₀ 一样，都朝它走。DDPM 接着加上下一级别所需大小的"
                          "新噪声；DDIM 则重用网络自己猜的噪声，所以整个过程是从 x_T 出发的一条固定路径（一个 ODE）。",
    "lesson_steps_how": "**原理。** 网络学过每一个噪声级别，所以采样器可以只走其中一部分。DDIM 用干净猜测 x̂₀ 从级别 t "
                        "直接跳到低得多的 t′；误差来自把 x̂₀ 当成跳跃过程中不变。跳 20 次，这个误差就很小了。",
    "lesson_grids_how": "**原理。** 调度（β_t，因而 ᾱ_t）属于训练：网络学会了每个级别的噪声是什么样子。采样器在它经过的级别上"
                        "读的是同一个 ᾱ_t；在 {levels} 个级别里只走 20 个，丝毫不改变 x_t 是怎样造出来的。",
    "lesson_mlp_how": "**原理。** 对点来说，x_t 只是两个数：MLP 接收它们和 t 的嵌入，回答两个数，也就是噪声的猜测。"
                      "同样的损失，同样的采样器。UNet 的卷积对图片有帮助，是因为相邻像素彼此相关，而不是去噪非要它不可。",
    "lesson_steer_how": "**原理。** 网络训练时带着标签，另有 15% 的图片不带标签，所以同一个网络能给出两种回答。"
                        "每一步，采样器取不带标签的回答，再加上 w 倍的“标签带来的差别”。两种回答来自同一次网络调用"
                        "（把这批图叠成两份）。w 超过 1 之后，引导换来的主要是更“确定”、更相像的数字，而不是更多的标签数字："
                        "“用标签引导”页的图表把两者都量了出来。",
    "lesson_flow_how": "**原理。** 流匹配在数字与噪声之间的直线 x_s = (1−s)·x₀ + s·ε 上训练，让网络回答沿直线的方向 "
                       "v = ε − x₀。与扩散相同的是：网络学着撤销一种固定的“数据与噪声的混合”，采样器一步步累加它的回答。"
                       "不同的是：路径（直线混合）和预测的东西（方向，而不是噪声）。“重流”（颜料页的流匹配实验）"
                       "用模型自己生成的“噪声—数字”对重新训练，这些直线不再交叉，路径就真的变直了。",
}
