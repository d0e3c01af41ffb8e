"""The shipped weight formats: float16 and int8 files load back as the float32 state dict, within their rounding."""
import pytest
import torch

from diffusion_core.models.weights import SCALE, load_weights, pack, quantize, save_weights, unpack


def _state() -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return {"conv.weight": torch.randn(16, 8, 3, 3, generator=g) * torch.logspace(-3, 1, 16).view(-1, 1, 1, 1),
            "lin.weight": torch.randn(32, 16, generator=g), "lin.bias": torch.randn(32, generator=g),
            "dead.weight": torch.zeros(4, 4)}


def test_int8_is_off_by_at_most_half_a_step_per_row():
    w = _state()["conv.weight"]
    q, scale = quantize(w)
    assert q.dtype == torch.int8 and int(q.abs().max()) == 127 and scale.shape == (16,)
    err = (q.float() * scale.view(-1, 1, 1, 1) - w).abs().flatten(1).amax(1)
    assert torch.all(err <= scale / 2 * (1 + 1e-6))
    assert torch.allclose(scale, w.abs().flatten(1).amax(1) / 127)      # its own scale a row: small rows stay fine


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8"])
def test_files_load_back_as_the_float32_state(tmp_path, dtype):
    state = _state()
    save_weights(state, tmp_path / "w.safetensors", dtype)
    back = load_weights(tmp_path / "w.safetensors")
    assert back.keys() == state.keys() and all(v.dtype == torch.float32 for v in back.values())
    tol = {"float32": 0.0, "float16": 1e-3, "int8": 1 / 254}[dtype]              # relative to each row's largest entry
    for k, v in state.items():
        row_max = v.abs().reshape(v.shape[0], -1).amax(1) if v.dim() >= 2 else v.abs()
        shape = (-1,) + (1,) * (v.dim() - 1)
        assert torch.all((back[k] - v).abs() <= tol * row_max.view(shape) + 1e-12), k
    assert torch.equal(back["lin.bias"], state["lin.bias"]) or dtype == "float16"     # int8 keeps 1-D tensors exact


def test_int8_stores_a_quarter_and_rejects_unknown_dtypes():
    state = {"w": torch.randn(256, 256)}
    packed = pack(state, "int8")
    assert packed["w"].dtype == torch.int8 and set(packed) == {"w", "w" + SCALE}
    assert sum(v.numel() * v.element_size() for v in packed.values()) < 0.26 * 256 * 256 * 4
    assert torch.equal(unpack(pack(state, "float32"))["w"], state["w"])
    with pytest.raises(ValueError, match="int4"):
        pack(state, "int4")
