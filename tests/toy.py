"""A denoiser known in closed form, to test samplers without a trained network.

Each pixel of x_0 is drawn from a mixture of two Gaussians, N(-M, S^2) and N(+M, S^2) with equal
weights. For that data the ideal noise prediction E[eps | x_t] is exact, so a correct sampler
must turn N(0, 1) noise back into the mixture (and it behaves like a real denoiser: x0 stays
in range, unlike an arbitrary function).
"""
import numpy as np
import torch

M, S = 0.6, 0.15


class MixtureDenoiser:
    def __init__(self, alphas_cumprod: torch.Tensor):
        self.acp = alphas_cumprod.double()

    def alpha_bar(self, t: torch.Tensor) -> torch.Tensor:
        """alphas_cumprod at (fractional) timesteps, interpolated linearly in log."""
        t = t.double().clamp(0, len(self.acp) - 1)
        lo = t.floor().long().clamp(max=len(self.acp) - 2)
        w = t - lo
        log_acp = self.acp.log()
        return (log_acp[lo] * (1 - w) + log_acp[lo + 1] * w).exp()

    def x0_mean(self, x: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
        v = ab * S**2 + (1 - ab)                          # variance of x_t given the component
        a = ab.sqrt() * M                                 # component means of x_t: +-a
        w_plus = torch.sigmoid(2 * a * x / v)             # responsibility of the +M component
        post_plus = M + ab.sqrt() * S**2 / v * (x - a)
        post_minus = -M + ab.sqrt() * S**2 / v * (x + a)
        return w_plus * post_plus + (1 - w_plus) * post_minus

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        ab = self.alpha_bar(t).reshape(-1, *([1] * (x.ndim - 1)))
        xd = x.double()
        eps = (xd - ab.sqrt() * self.x0_mean(xd, ab)) / (1 - ab).sqrt()
        return eps.to(x.dtype)


def mixture_samples(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice([-M, M], size=n) + S * rng.standard_normal(n)
