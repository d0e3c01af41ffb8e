"""A tiny UNet that predicts the noise eps_theta(x_t, t) (Ho et al. 2020, sec. 3.2 and app. B).

Sinusoidal time embedding -> residual blocks (GroupNorm, SiLU, time added in between) on a
down path whose outputs are pushed on a skip stack, a middle with optional self-attention at
the lowest resolution, and an up path that pops the stack. With ``patch`` p > 1 it runs on p x p
patches (pixel unshuffle in, pixel shuffle out: the ViT/DiT patchify, on a conv net). Fully
convolutional: any H, W divisible by p * 2 ** (levels - 1).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclass(frozen=True)
class UNetConfig:
    in_channels: int = 1
    base_channels: int = 32
    channel_mults: tuple[int, ...] = (1, 2, 2)   # one entry per resolution level
    num_res_blocks: int = 2                      # per level on the down path
    attention: bool = True                       # self-attention in the middle (lowest resolution)
    groups: int = 8                              # GroupNorm groups
    dropout: float = 0.0
    patch: int = 1                               # 2: the net runs on 2 x 2 patches (pixel unshuffle), 1/4 the pixels
    num_classes: int = 0                         # > 0: class-conditional; label num_classes is the null label
    label_scale: float = 1.0                     # the label embedding's multiplier: its learning rate, for Adam

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "UNetConfig":
        d = dict(d)
        d["channel_mults"] = tuple(d["channel_mults"])
        return cls(**d)


def timestep_embedding(t: Tensor, dim: int, max_period: float = 10000.0) -> Tensor:
    """Transformer-style sinusoidal embedding of integer timesteps: [B] -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, t_dim: int, groups: int, dropout: float):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.t_proj = nn.Linear(t_dim, c_out)
        self.norm2 = nn.GroupNorm(groups, c_out)
        self.drop = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: Tensor, temb: Tensor) -> Tensor:  # x [B, c_in, H, W], temb [B, t_dim]
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.t_proj(temb)[:, :, None, None]
        h = self.conv2(self.drop(F.silu(self.norm2(h))))
        return self.skip(x) + h                              # [B, c_out, H, W]


class SelfAttention(nn.Module):
    def __init__(self, c: int, groups: int, heads: int = 4):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.out = nn.Conv2d(c, c, 1)
        self.heads = heads

    def forward(self, x: Tensor) -> Tensor:  # [B, C, H, W]
        B, C, H, W = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(B, 3, self.heads, C // self.heads, H * W).unbind(1)
        h = F.scaled_dot_product_attention(q.transpose(-1, -2), k.transpose(-1, -2), v.transpose(-1, -2))
        return x + self.out(h.transpose(-1, -2).reshape(B, C, H, W))


class TinyUNet(nn.Module):
    """eps_theta(x_t, t[, label]): x [B, C, H, W], t [B] network timesteps, label [B] (class-conditional nets; the
    null label ``num_classes``, "no condition", where it is None) -> predicted noise [B, C, H, W]."""

    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = cfg = config
        ch = cfg.base_channels
        t_dim = 4 * ch
        self.time_mlp = nn.Sequential(nn.Linear(ch, t_dim), nn.SiLU(), nn.Linear(t_dim, t_dim))
        if cfg.num_classes:
            # the label's embedding is added to the time embedding (classifier-free guidance, Ho & Salimans 2022);
            # zeros at first, so a net warm-started from an unconditional one begins as that net for every label
            self.label_emb = nn.Embedding(cfg.num_classes + 1, t_dim)
            nn.init.zeros_(self.label_emb.weight)
        self.conv_in = nn.Conv2d(cfg.in_channels * cfg.patch ** 2, ch, 3, padding=1)

        self.down = nn.ModuleList()
        skip_channels = [ch]
        c = ch
        for level, mult in enumerate(cfg.channel_mults):
            for _ in range(cfg.num_res_blocks):
                self.down.append(ResBlock(c, ch * mult, t_dim, cfg.groups, cfg.dropout))
                c = ch * mult
                skip_channels.append(c)
            if level < len(cfg.channel_mults) - 1:
                self.down.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
                skip_channels.append(c)

        self.mid1 = ResBlock(c, c, t_dim, cfg.groups, cfg.dropout)
        self.mid_attn = SelfAttention(c, cfg.groups) if cfg.attention else nn.Identity()
        self.mid2 = ResBlock(c, c, t_dim, cfg.groups, cfg.dropout)

        self.up = nn.ModuleList()
        for level, mult in reversed(list(enumerate(cfg.channel_mults))):
            for _ in range(cfg.num_res_blocks + 1):
                self.up.append(ResBlock(c + skip_channels.pop(), ch * mult, t_dim, cfg.groups, cfg.dropout))
                c = ch * mult
            if level > 0:
                self.up.append(nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                             nn.Conv2d(c, c, 3, padding=1)))
        self.norm_out = nn.GroupNorm(cfg.groups, c)
        self.conv_out = nn.Conv2d(c, cfg.in_channels * cfg.patch ** 2, 3, padding=1)

    def forward(self, x: Tensor, t: Tensor, label: Tensor | None = None) -> Tensor:
        temb = self.time_mlp(timestep_embedding(t, self.config.base_channels))  # [B, 4ch]
        if self.config.num_classes:
            if label is None:
                label = torch.full((len(x),), self.config.num_classes, dtype=torch.long, device=x.device)
            temb = temb + self.config.label_scale * self.label_emb(label.to(x.device, torch.long))   # [B, 4ch]
        h = self.conv_in(F.pixel_unshuffle(x, self.config.patch))             # [B, ch, H/p, W/p]
        skips = [h]
        for layer in self.down:
            h = layer(h, temb) if isinstance(layer, ResBlock) else layer(h)
            skips.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, temb)), temb)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                h = layer(torch.cat([h, skips.pop()], dim=1), temb)
            else:
                h = layer(h)
        return F.pixel_shuffle(self.conv_out(F.silu(self.norm_out(h))), self.config.patch)  # [B, C, H, W]

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
