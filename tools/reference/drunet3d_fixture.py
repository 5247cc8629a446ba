"""Writes the 3-D DRUNet reference cases into Tests/DenoisersTests/Fixtures/ (case3d_*.npy, cases3d.json).

Run with the peer venv (torch, deepinv 0.5.0, numpy), from anywhere, after drunet_fixture.py:
    /tmp/peer/venv/bin/python tools/reference/drunet3d_fixture.py

The network is the reduced grey 2-D fixture model (drunet_small_gray.pth, nc=(8,16,32,64), nb=1) turned
into a 3-D DRUNet by the rule of benchmark_invprob_inference (benchmark_utils/support_3d.py), re-implemented
here from its description (docs: reference-stack.md section 3.4):
- every 3-D kernel [a, b, k, k, k] is first filled with 1e-8;
- odd k (the 3x3 convolutions): the 2-D kernel is placed at depth index k//2 (the centre slice);
- even k (the 2x2 stride-2 convolution down and transposed convolution up): W2d / k in every depth slice.
The 3-D graph is deepinv.models.DRUNet(dim=3, pretrained=None) (Conv3d / ConvTranspose3d, same key names),
its weights overwritten with the converted ones; a hand-written functional graph (F.conv3d /
F.conv_transpose3d) cross-checks it.

The converted network's off-centre taps are 1e-8, so it barely tests the depth taps of the 3x3x3
convolutions. A second, natively 3-D network does: drunet3d_random_gray.safetensors, deepinv's
DRUNet(dim=3, nc=(8,8,8,8), nb=1) with seeded N(0, 1/fan_in) weights in every tap, saved with the
benchmark's key names (...weight_3d).

Size convention (InvScale's): the sigma map is the LAST input channel; each of D, H, W that is not a
multiple of 8 is replicate-padded at its END to the next multiple of 8; forward_unet runs once; the output is
cropped back. The benchmark pads to 16 instead whenever not all sizes are multiples of 8 and > 31 (recorded in
cases3d.json as information only).
"""

import json
import pathlib
import platform

import deepinv
import numpy as np
import safetensors
import safetensors.torch
import torch
import torch.nn.functional as F
from deepinv.models import DRUNet

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Tests/DenoisersTests/Fixtures"
MODEL_2D = "drunet_small_gray.pth"
MODEL_RANDOM = "drunet3d_random_gray.safetensors"
NC = (8, 16, 32, 64)
NC_RANDOM = (8, 8, 8, 8)
NB = 1
RANDOM_SEED = 4321
FILL = 1e-8
MODULO = 8
BENCHMARK_MODULO = 16

# name, model, [B, C, D, H, W], sigma per batch item, data seed
CASES = [
    ("gray8x16x24", "converted", (1, 1, 8, 16, 24), [0.05], 21),
    ("gray8x16x16b2", "converted", (2, 1, 8, 16, 16), [0.02, 0.2], 22),
    ("gray16x8x16", "converted", (1, 1, 16, 8, 16), [0.03], 23),
    ("gray6x13x21", "converted", (1, 1, 6, 13, 21), [0.1], 24),
    ("random8x16x16", "random", (1, 1, 8, 16, 16), [0.1], 25),
    ("random5x9x12b2", "random", (2, 1, 5, 9, 12), [0.05, 0.15], 26),
]

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def to_3d(weight):
    """The benchmark's rule for one [a, b, k, k] kernel: [a, b, k, k, k]."""
    a, b, k, k2 = weight.shape
    assert k == k2
    result = torch.full((a, b, k, k, k), FILL, dtype=weight.dtype)
    if k % 2 == 1:
        result[:, :, k // 2] = weight
    else:
        for depth in range(k):
            result[:, :, depth] = weight / k
    return result


def build_converted():
    state_2d = torch.load(FIXTURES / MODEL_2D, map_location="cpu", weights_only=True)
    model = DRUNet(in_channels=1, out_channels=1, nc=NC, nb=NB, pretrained=None, device="cpu", dim=3).float().eval()
    target = model.state_dict()
    assert sorted(target) == sorted(state_2d), "2-D and 3-D key names differ"
    state_3d = {}
    for key, weight in state_2d.items():
        converted = to_3d(weight)
        assert converted.shape == target[key].shape, (key, converted.shape, target[key].shape)
        state_3d[key] = converted
    model.load_state_dict(state_3d, strict=True)
    return model, state_3d


def build_random():
    """A natively 3-D network: N(0, 1/fan_in) weights (fan_in = in*k^3, in for the transposed
    convolutions), then each convolution, in forward order, scaled by one scalar so that its output std on a
    calibration volume is 1 (0.5 for the residual branches' res.2, 0.25 for m_tail), as the 2-D fixture
    does; saved with the benchmark's ...weight_3d key names and loaded back bit for bit."""
    model = DRUNet(in_channels=1, out_channels=1, nc=NC_RANDOM, nb=NB, pretrained=None, device="cpu",
                   dim=3).float().eval()
    generator = torch.Generator().manual_seed(RANDOM_SEED)
    state = {}
    for key, weight in model.state_dict().items():
        transposed = key.startswith("m_up") and key.endswith(".0.weight")
        fan_in = weight.shape[0] if transposed else weight[0].numel()
        state[key] = torch.randn(weight.shape, generator=generator, dtype=torch.float32) / fan_in**0.5
    model.load_state_dict(state, strict=True)
    calibration = torch.from_numpy(make_input((1, 1, 8, 16, 16), [0.1], 99))
    z = torch.cat((calibration, torch.full_like(calibration, 0.1)), 1)
    convolutions = {n: m for n, m in model.named_modules() if isinstance(m, (torch.nn.Conv3d, torch.nn.ConvTranspose3d))}
    order = []
    hooks = [m.register_forward_hook(lambda m, i, o, n=n: order.append(n)) for n, m in convolutions.items()]
    with torch.no_grad():
        model.forward_unet(z)
        for hook in hooks:
            hook.remove()
        for name in order:
            captured = []
            hook = convolutions[name].register_forward_hook(lambda m, i, o: captured.append(o.double().std().item()))
            model.forward_unet(z)
            hook.remove()
            target = 0.25 if name == "m_tail" else (0.5 if name.endswith("res.2") else 1.0)
            convolutions[name].weight.mul_(torch.tensor(target / captured[0], dtype=torch.float32))
    state = {k: v.clone() for k, v in model.state_dict().items()}
    safetensors.torch.save_file({f"{k}_3d": v.contiguous() for k, v in state.items()}, str(FIXTURES / MODEL_RANDOM))
    (FIXTURES / MODEL_RANDOM).chmod(0o644)  # safetensors writes 0600
    loaded = safetensors.torch.load_file(str(FIXTURES / MODEL_RANDOM))
    assert all(torch.equal(loaded[f"{k}_3d"], v) for k, v in state.items())
    return model, state


def functional_unet(w, z):
    """The same forward_unet written with F.conv3d / F.conv_transpose3d (cross-check of deepinv's graph)."""
    def conv(x, key):
        return F.conv3d(x, w[key], padding=1)

    def block(x, prefix):
        return x + conv(F.relu(conv(x, f"{prefix}.res.0.weight")), f"{prefix}.res.2.weight")

    def blocks(x, module, first):
        prefixes = [module] if module == "m_body" and NB == 1 else [f"{module}.{i}" for i in range(first, first + NB)]
        for prefix in prefixes:
            x = block(x, prefix)
        return x

    x1 = conv(z, "m_head.weight")
    skips = [x1]
    x = x1
    for level in (1, 2, 3):
        x = F.conv3d(blocks(x, f"m_down{level}", 0), w[f"m_down{level}.{NB}.weight"], stride=2)
        skips.append(x)
    x = blocks(x, "m_body", 0)
    for level in (3, 2, 1):
        x = F.conv_transpose3d(x + skips.pop(), w[f"m_up{level}.0.weight"], stride=2)
        x = blocks(x, f"m_up{level}", 1)
    return conv(x + skips.pop(), "m_tail.weight")


def structured(rng, depth, height, width):
    """A smooth volume in about [0, 1]: ramps, a sinusoid and a bright ellipsoid."""
    zz, yy, xx = np.meshgrid(np.linspace(-1, 1, depth), np.linspace(-1, 1, height), np.linspace(-1, 1, width),
                             indexing="ij")
    centre = rng.uniform(-0.3, 0.3, size=3)
    radii = rng.uniform(0.4, 0.7, size=3)
    phase = rng.uniform(0, 2 * np.pi)
    inside = ((zz - centre[0]) / radii[0]) ** 2 + ((yy - centre[1]) / radii[1]) ** 2 + ((xx - centre[2]) / radii[2]) ** 2 < 1
    return 0.3 + 0.1 * xx + 0.08 * zz + 0.12 * np.sin(4 * yy + 3 * xx + 2 * zz + phase) + 0.3 * inside


def make_input(shape, sigmas, seed):
    rng = np.random.default_rng(seed)
    batch, channels, depth, height, width = shape
    x = np.empty(shape)
    for b in range(batch):
        for c in range(channels):
            x[b, c] = structured(rng, depth, height, width) + sigmas[b] * rng.standard_normal((depth, height, width))
    return np.ascontiguousarray(np.clip(x, 0.0, 1.0).astype(np.float32))


def padded_forward(unet, x, sigmas, modulo):
    """cat(x, sigma map), replicate-pad the end of D, H, W to `modulo`, forward, crop."""
    batch, _, depth, height, width = x.shape
    pads = [(-s) % modulo for s in (depth, height, width)]
    sigma = torch.tensor(sigmas, dtype=x.dtype).view(batch, 1, 1, 1, 1).expand(batch, 1, depth, height, width)
    z = torch.cat((x, sigma), 1)
    if any(pads):
        z = F.pad(z, (0, pads[2], 0, pads[1], 0, pads[0]), mode="replicate")
    return unet(z)[..., :depth, :height, :width], pads


def save_npy(name, array):
    np.save(FIXTURES / name, np.ascontiguousarray(array, dtype=np.float32))
    return name


def main():
    models = {"converted": build_converted(), "random": build_random()}
    entries = []
    with torch.no_grad():
        for name, kind, shape, sigmas, seed in CASES:
            model, state_3d = models[kind]
            weights_64 = {k: v.double() for k, v in state_3d.items()}
            x_np = make_input(shape, sigmas, seed)
            x = torch.from_numpy(x_np)
            out, pads = padded_forward(model.forward_unet, x, sigmas, MODULO)
            functional, _ = padded_forward(lambda z: functional_unet(state_3d, z), x, sigmas, MODULO)
            graph_diff = float((out - functional).abs().max())
            assert graph_diff <= 1e-6, (name, graph_diff)
            out64, _ = padded_forward(lambda z: functional_unet(weights_64, z), x.double(), sigmas, MODULO)
            f64_diff = float((out.double() - out64).abs().max())
            for b in range(shape[0]):
                alone, _ = padded_forward(model.forward_unet, x[b : b + 1], [sigmas[b]], MODULO)
                assert torch.allclose(alone, out[b : b + 1], rtol=0, atol=1e-6), (name, b)
            benchmark, _ = padded_forward(model.forward_unet, x, sigmas, BENCHMARK_MODULO)
            benchmark_diff = float((out - benchmark).abs().max())
            out_np = out.numpy()
            entries.append({
                "name": name, "model": kind, "sigma": sigmas, "input_shape": list(shape), "pad_end_dhw": pads,
                "input": save_npy(f"case3d_{name}_input.npy", x_np),
                "output": save_npy(f"case3d_{name}_output.npy", out_np),
                "output_range": [float(out_np.min()), float(out_np.max())],
                "max_abs_diff_deepinv_vs_functional_graph": graph_diff,
                "max_abs_diff_float32_vs_float64": f64_diff,
                "max_abs_diff_vs_benchmark_padding_to_16": benchmark_diff,
            })
            print(f"{name:14s} {kind:9s} in={list(shape)} sigma={sigmas} pad(d,h,w)={pads} out=[{out_np.min():.4f}, "
                  f"{out_np.max():.4f}] |deepinv-functional|={graph_diff:.1e} |f32-f64|={f64_diff:.1e} "
                  f"|pad8-pad16|={benchmark_diff:.1e}")

    index = {
        "description": "3-D DRUNet reference for InvScale: the reduced grey 2-D fixture model converted by the "
                       "benchmark's 2-D to 3-D rule, deepinv DRUNet(dim=3).forward_unet. Written by "
                       "tools/reference/drunet3d_fixture.py; see tools/README.md, '3-D DRUNet fixture'.",
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "deepinv": deepinv.__version__, "numpy": np.__version__},
        "models": {
            "converted": {"file": MODEL_2D, "nc": list(NC), "nb": NB,
                          "conversion": "the 2-D state dict, each [a,b,k,k] kernel turned into [a,b,k,k,k] filled with "
                                        "1e-8; odd k: the 2-D kernel at depth index k//2; even k: W2d/k in every depth "
                                        "slice. Keys unchanged (...weight)."},
            "random": {"file": MODEL_RANDOM, "nc": list(NC_RANDOM), "nb": NB, "seed": RANDOM_SEED,
                       "weights": "N(0, 1/fan_in) in every tap from torch.Generator().manual_seed(seed), in "
                                  "state_dict() order (fan_in = in*k^3, in for the transposed convolutions), then each "
                                  "convolution in forward order scaled by one scalar so that its output std on a "
                                  "calibration volume (1x1x8x16x16, sigma 0.1, data seed 99) is 1 (0.5 for res.2, "
                                  "0.25 for m_tail); keys ...weight_3d as the benchmark's converted modules name them."},
        },
        "padding_convention": "sigma map last channel; D, H, W replicate-padded at the end to multiples of 8; "
                              "forward_unet once; output cropped. The benchmark pads to 16 instead unless all sizes "
                              "are multiples of 8 and > 31 (max_abs_diff_vs_benchmark_padding_to_16, information).",
        "arrays": "NPY, float32, C order, [B, C, D, H, W]",
        "computed_with": "torch CPU float32, 1 thread, deterministic algorithms, eval() mode, no_grad",
        "cases": entries,
    }
    (FIXTURES / "cases3d.json").write_text(json.dumps(index, indent=1) + "\n")


if __name__ == "__main__":
    main()
