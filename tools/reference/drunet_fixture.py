"""Writes Tests/DenoisersTests/Fixtures/: reduced DeepInverse DRUNets, their inputs and expected outputs.

Run with the peer venv (torch, deepinv 0.5.0, numpy, safetensors), from anywhere:
    /tmp/peer/venv/bin/python tools/reference/drunet_fixture.py

What it writes (see tools/README.md, section "DRUNet fixture"):
- drunet_small_{gray,color}.{pth,safetensors}: state dicts of deepinv.models.DRUNet with
  nc=(8,16,32,64), nb=1, pretrained=None, weights re-initialised with a seeded He normal, then
  rescaled layer by layer on a fixed calibration input (LSUV-style) so activations stay O(1).
- case_<name>_input.npy / case_<name>_output.npy: float32 [B,C,H,W] inputs in [0,1] and the expected
  outputs under InvScale's size convention (below).
- case_gray32x40_<layer>.npy: intermediate activations of forward_unet for one case.
- cases.json: the index of all of the above, the versions and the conventions.

Size convention (InvScale's, deliberately not deepinv's): the sigma map (value sigma_b, [0,1] units) is
appended as the LAST input channel; every spatial size that is not a multiple of 8 is replicate-padded
at the END (bottom / right) to the next multiple of 8; forward_unet runs once; the result is cropped
back to [0:H, 0:W]. deepinv's public DRUNet.forward only matches this when every size is a multiple
of 8 and > 31 (it pads to a multiple of 16 below 64 px and splits into quadrants above).
"""

import hashlib
import json
import math
import pathlib
import platform
import sys

import deepinv
import numpy as np
import safetensors
import safetensors.torch
import torch
import torch.nn as nn
import torch.nn.functional as F
from deepinv.models import DRUNet
from deepinv.models.utils import test_pad

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/DenoisersTests/Fixtures"

NC = (8, 16, 32, 64)
NB = 1
MODULO = 8
MODEL_SEEDS = {"gray": 1234, "color": 5678}
CALIBRATION_SEED = 99
RES_BRANCH_STD = 0.5  # target std of each ResBlock's residual branch (res.2) on the calibration input
TAIL_STD = 0.25  # target std of the network output on the calibration input

# name, model, [B, C, H, W], sigma per batch item, data seed
CASES = [
    ("gray32x40", "gray", (1, 1, 32, 40), [0.05], 11),
    ("gray37x45", "gray", (1, 1, 37, 45), [0.1], 12),
    ("gray24x24b2", "gray", (2, 1, 24, 24), [0.02, 0.2], 13),
    ("color24x32", "color", (1, 3, 24, 32), [0.05], 14),
    ("color19x26", "color", (1, 3, 19, 26), [0.03], 15),
]
LAYER_CASE = "gray32x40"

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def effective_fan_in(module):
    """Number of input values that reach one output value (He's fan-in)."""
    if isinstance(module, nn.ConvTranspose2d):
        # kernel == stride, padding 0: each output pixel receives exactly one tap from each input channel.
        assert module.kernel_size == module.stride and module.padding == (0, 0)
        return module.in_channels
    return module.in_channels * math.prod(module.kernel_size)


def conv_modules(model):
    return [(n, m) for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]


def forward_order(model, z):
    """Names of the convolutions in the order forward_unet calls them."""
    order, hooks = [], []
    for name, module in conv_modules(model):
        hooks.append(module.register_forward_hook(lambda m, i, o, name=name: order.append(name)))
    model.forward_unet(z)
    for hook in hooks:
        hook.remove()
    return order


def output_std(model, module, z):
    captured = []
    hook = module.register_forward_hook(lambda m, i, o: captured.append(o.double().std().item()))
    model.forward_unet(z)
    hook.remove()
    return captured[0]


def build_model(kind):
    channels = {"gray": 1, "color": 3}[kind]
    seed = MODEL_SEEDS[kind]
    torch.manual_seed(seed)  # deepinv's own orthogonal init draws from the global RNG; overwritten below
    model = DRUNet(in_channels=channels, out_channels=channels, nc=NC, nb=NB, pretrained=None, device="cpu")
    model = model.float().eval()
    # 1. He normal, seeded, in named_modules() order.
    generator = torch.Generator().manual_seed(seed)
    modules = dict(conv_modules(model))
    for name, module in modules.items():
        assert module.bias is None, name
        std = math.sqrt(2.0 / effective_fan_in(module))
        with torch.no_grad():
            module.weight.copy_(torch.randn(module.weight.shape, generator=generator, dtype=torch.float32) * std)
    # 2. Plain He leaves the additive skips and residual branches to grow the activations to O(1000), so
    #    rescale each convolution, in forward order, by one scalar (LSUV-style) so that its output on a fixed
    #    calibration input has the target standard deviation. The scalars are folded into the saved weights.
    calibration = torch.from_numpy(make_input((1, channels, 32, 32), [0.1], CALIBRATION_SEED))
    z = torch.cat((calibration, sigma_map([0.1], 1, 32, 32)), 1)
    with torch.no_grad():
        for name in forward_order(model, z):
            module = modules[name]
            target = TAIL_STD if name == "m_tail" else (RES_BRANCH_STD if name.endswith("res.2") else 1.0)
            gain = target / output_std(model, module, z)
            module.weight.mul_(torch.tensor(gain, dtype=torch.float32))
    state = model.state_dict()
    assert len(modules) == len(state), (len(modules), len(state))
    assert all(key.endswith(".weight") and t.dtype == torch.float32 for key, t in state.items())
    return model


def structured(rng, height, width):
    """A smooth image in about [0, 1]: a ramp, a sinusoid and a bright disk."""
    yy, xx = np.meshgrid(np.linspace(-1, 1, height), np.linspace(-1, 1, width), indexing="ij")
    cy, cx = rng.uniform(-0.3, 0.3, size=2)
    radius = rng.uniform(0.35, 0.55)
    phase = rng.uniform(0, 2 * np.pi)
    disk = ((yy - cy) ** 2 + (xx - cx) ** 2) < radius**2
    return 0.3 + 0.15 * xx + 0.12 * np.sin(4 * yy + 3 * xx + phase) + 0.3 * disk


def make_input(shape, sigmas, seed):
    """Structured image plus Gaussian noise of level sigma_b, clipped to [0, 1], float32."""
    rng = np.random.default_rng(seed)
    batch, channels, height, width = shape
    x = np.empty(shape)
    for b in range(batch):
        for c in range(channels):
            clean = structured(rng, height, width) * (1 - 0.15 * c) + 0.05 * c
            x[b, c] = clean + sigmas[b] * rng.standard_normal((height, width))
    return np.ascontiguousarray(np.clip(x, 0.0, 1.0).astype(np.float32))


def sigma_map(sigmas, batch, height, width, dtype=torch.float32):
    return torch.tensor(sigmas, dtype=dtype).view(batch, 1, 1, 1).expand(batch, 1, height, width)


def invscale_forward(model, x, sigmas):
    """InvScale's convention: cat sigma map last, replicate-pad end to a multiple of 8, forward_unet, crop."""
    batch, _, height, width = x.shape
    pad_h, pad_w = (-height) % MODULO, (-width) % MODULO
    z = torch.cat((x, sigma_map(sigmas, batch, height, width, x.dtype)), 1)
    z_padded = F.pad(z, (0, pad_w, 0, pad_h), mode="replicate")
    # Padding the image and then appending a sigma map of the padded size gives the same tensor.
    x_padded = F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")
    z_other = torch.cat((x_padded, sigma_map(sigmas, batch, height + pad_h, width + pad_w, x.dtype)), 1)
    assert torch.equal(z_padded, z_other), "pad-then-cat differs from cat-then-pad"
    out = model.forward_unet(z_padded)[..., :height, :width]
    # Cross-check against deepinv's own padding helper with modulo 8 (it pads the concatenated tensor).
    assert torch.equal(out, test_pad(model.forward_unet, z, modulo=MODULO)), "differs from deepinv test_pad(modulo=8)"
    return out, (pad_h, pad_w)


def deepinv_forward(model, x, sigmas):
    sigma = sigmas[0] if len(sigmas) == 1 else torch.tensor(sigmas, dtype=torch.float32)
    return model(x, sigma)


def layers(model, z):
    """forward_unet step by step; returns the named activations and the output."""
    acts = {}
    acts["x1"] = x1 = model.m_head(z)
    acts["x2"] = x2 = model.m_down1(x1)
    acts["x3"] = x3 = model.m_down2(x2)
    acts["x4"] = x4 = model.m_down3(x3)
    acts["body"] = x = model.m_body(x4)
    acts["up3"] = x = model.m_up3(x + x4)
    acts["up2"] = x = model.m_up2(x + x3)
    acts["up1"] = x = model.m_up1(x + x2)
    return acts, model.m_tail(x + x1)


LAYER_DESCRIPTIONS = {
    "x1": "m_head(cat(x, sigma_map))",
    "x2": "m_down1(x1)",
    "x3": "m_down2(x2)",
    "x4": "m_down3(x3)",
    "body": "m_body(x4)",
    "up3": "m_up3(body + x4)",
    "up2": "m_up2(up3 + x3)",
    "up1": "m_up1(up2 + x2); the output is m_tail(up1 + x1)",
}


def save_npy(name, array):
    array = np.ascontiguousarray(array, dtype=np.float32)
    np.save(OUTPUT / name, array)
    return name


def stats(array):
    return {"min": float(array.min()), "max": float(array.max()), "mean": float(array.mean()),
            "std": float(array.std())}


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    models, model_entries = {}, {}
    for kind in ("gray", "color"):
        model = build_model(kind)
        models[kind] = model
        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        pth, st = f"drunet_small_{kind}.pth", f"drunet_small_{kind}.safetensors"
        torch.save(state, OUTPUT / pth)
        safetensors.torch.save_file(state, str(OUTPUT / st))
        (OUTPUT / st).chmod(0o644)  # safetensors writes 0600
        # Round trips: both files load back into deepinv's class, strict, bit for bit.
        for loaded in (torch.load(OUTPUT / pth, map_location="cpu", weights_only=True),
                       safetensors.torch.load_file(str(OUTPUT / st))):
            assert list(loaded) == list(state) or sorted(loaded) == sorted(state)
            assert all(torch.equal(loaded[k], state[k]) for k in state)
        check = DRUNet(in_channels=model.m_head.in_channels - 1, out_channels=model.m_tail.out_channels,
                       nc=NC, nb=NB, pretrained=str(OUTPUT / pth))
        assert all(torch.equal(a, b) for a, b in zip(check.state_dict().values(), state.values()))
        keys = [{"key": k, "shape": list(v.shape)} for k, v in state.items()]
        print(f"{kind}: {len(keys)} tensors, {sum(v.numel() for v in state.values())} parameters")
        for entry in keys:
            print(f"  {entry['key']:28s} {entry['shape']}")
        model_entries[kind] = {
            "in_channels": model.m_head.in_channels - 1,
            "out_channels": model.m_tail.out_channels,
            "nc": list(NC), "nb": NB, "seed": MODEL_SEEDS[kind],
            "pth": pth, "safetensors": st,
            "parameters": sum(v.numel() for v in state.values()),
            "state_dict": keys,
        }

    case_entries = []
    with torch.no_grad():
        for name, kind, shape, sigmas, seed in CASES:
            model = models[kind]
            x_np = make_input(shape, sigmas, seed)
            x = torch.from_numpy(x_np)
            out, (pad_h, pad_w) = invscale_forward(model, x, sigmas)
            public = deepinv_forward(model, x, sigmas)
            public_diff = float((out - public).abs().max())
            _, _, height, width = shape
            native = all(s % 8 == 0 and s > 31 for s in (height, width))
            if native:
                assert public_diff <= 1e-6, (name, public_diff)
            # float64 re-run of the same graph, to size the float32 rounding (tolerance guidance).
            out64, _ = invscale_forward(model.double(), x.double(), sigmas)
            model.float()
            f64_diff = float((out.double() - out64).abs().max())
            out_np = out.numpy()
            # How much the output depends on the sigma channel (a Swift port that drops it, uses sigma/255 or puts
            # it first must fail): information only.
            wrong_units, _ = invscale_forward(model, x, [s / 255 for s in sigmas])
            sigma_effect = float((out - wrong_units).abs().max())
            # Batch items are independent: each item alone, with its own sigma, gives the same output.
            for b in range(shape[0]):
                alone, _ = invscale_forward(model, x[b : b + 1], [sigmas[b]])
                assert torch.allclose(alone, out[b : b + 1], rtol=0, atol=1e-6), (name, b)
            # Zero padding instead of replicate padding (a plausible port mistake), information only.
            zero_pad_diff = None
            if pad_h or pad_w:
                z = torch.cat((x, sigma_map(sigmas, shape[0], shape[2], shape[3])), 1)
                zero = model.forward_unet(F.pad(z, (0, pad_w, 0, pad_h)))[..., : shape[2], : shape[3]]
                zero_pad_diff = float((out - zero).abs().max())
            entry = {
                "name": name, "model": kind, "sigma": sigmas,
                "input_shape": list(shape), "output_shape": list(out_np.shape),
                "padded_shape": [shape[0], shape[1] + 1, height + pad_h, width + pad_w],
                "pad_bottom_right": [pad_h, pad_w],
                "input": save_npy(f"case_{name}_input.npy", x_np),
                "output": save_npy(f"case_{name}_output.npy", out_np),
                "input_stats": stats(x_np), "output_stats": stats(out_np),
                "max_abs_diff_float32_vs_float64": f64_diff,
                "max_abs_diff_vs_sigma_over_255": sigma_effect,
                "max_abs_diff_vs_zero_padding": zero_pad_diff,
                "deepinv_public_call_matches": native,
                "max_abs_diff_vs_deepinv_public_call": public_diff,
            }
            print(f"{name:12s} {kind:5s} sigma={sigmas} in={list(shape)} pad(b,r)=({pad_h},{pad_w}) "
                  f"out min/max/mean={out_np.min():.4f}/{out_np.max():.4f}/{out_np.mean():.4f} "
                  f"|f32-f64|={f64_diff:.2e} |D(sigma)-D(sigma/255)|={sigma_effect:.2e} |ours-deepinv(x,sigma)|={public_diff:.2e}"
                  + (" (asserted <= 1e-6)" if native else " (different convention, information)"))

            if name == LAYER_CASE:
                batch = shape[0]
                z = torch.cat((x, sigma_map(sigmas, batch, height, width)), 1)
                assert pad_h == 0 and pad_w == 0
                acts, recomposed = layers(model, z)
                assert torch.equal(recomposed, out), "layer-by-layer recomposition differs from forward_unet"
                entry["layers"] = []
                for layer, act in acts.items():
                    a = act.numpy()
                    entry["layers"].append({
                        "name": layer, "computes": LAYER_DESCRIPTIONS[layer], "shape": list(a.shape),
                        "file": save_npy(f"case_{name}_{layer}.npy", a), "stats": stats(a),
                    })
                    print(f"    {layer:5s} {list(a.shape)} min/max/mean={a.min():.4f}/{a.max():.4f}/{a.mean():.4f}")
            case_entries.append(entry)

    index = {
        "description": "Reduced DeepInverse DRUNet (deepinv.models.DRUNet, forward_unet) reference for InvScale. "
                       "Written by tools/reference/drunet_fixture.py; see tools/README.md, 'DRUNet fixture'.",
        "versions": {
            "python": platform.python_version(), "torch": torch.__version__, "deepinv": deepinv.__version__,
            "numpy": np.__version__, "safetensors": safetensors.__version__,
        },
        "padding_convention": (
            "Input z = cat((x, sigma_map), dim=1): the sigma map (value sigma_b in [0,1] image units, not /255) is the "
            "LAST channel. Any H or W not a multiple of 8 is replicate-padded at the END (bottom/right) to the next "
            "multiple of 8 (F.pad(z, (0, padW, 0, padH), mode='replicate')), forward_unet runs once, and the output is "
            "cropped to [0:H, 0:W]. Padding before or after the concatenation gives the same tensor (the sigma map is "
            "constant per item; checked). deepinv itself concatenates first and pads the concatenated tensor "
            "(test_pad), and pads to a multiple of 16 (any size < 64) or splits into quadrants (all sizes >= 64), so "
            "its public call DRUNet(x, sigma) equals these outputs only when H and W are multiples of 8 and > 31."
        ),
        "weight_init": (
            "deepinv's pretrained=None init (orthogonal, gain 0.2, outputs ~0) is overwritten in two seeded steps. "
            "(1) Every Conv2d / ConvTranspose2d weight ~ N(0, 2/fan_in) (He) from torch.Generator().manual_seed(seed), "
            "drawn in named_modules() order; fan_in = in_channels*kH*kW for convolutions and in_channels for the 2x2 "
            "stride-2 transposed convolutions. (2) He alone lets the additive skips and residual branches grow the "
            "activations to O(1000), so each convolution, in forward order, is multiplied by one scalar so that its "
            f"output std on a fixed calibration input (32x32, sigma 0.1, data seed {CALIBRATION_SEED}) is 1.0, "
            f"{RES_BRANCH_STD} for the residual-branch convs res.2, {TAIL_STD} for m_tail (LSUV-style). The scalars are "
            "folded into the saved weights. All layers are bias-free."
        ),
        "state_dict_notes": (
            "Conv weights [out, in, kH, kW]; ConvTranspose weights (m_up*.0.weight) [in, out, 2, 2]. With nb=1 "
            "deepinv's sequential() returns the lone body ResBlock unwrapped, so its keys are m_body.res.{0,2}.weight "
            "(with nb=4: m_body.{0..3}.res.{0,2}.weight); m_down*.1 is the strided conv, m_up*.0 the transposed conv."
        ),
        "arrays": "NPY, float32, C order, [B, C, H, W]",
        "computed_with": "torch CPU float32, 1 thread, deterministic algorithms, eval() mode, no_grad",
        "models": model_entries,
        "cases": case_entries,
    }
    (OUTPUT / "cases.json").write_text(json.dumps(index, indent=1) + "\n")
    keep = OUTPUT / ".keep"
    if keep.exists():
        keep.unlink()

    total = 0
    digest = hashlib.sha256()
    for path in sorted(OUTPUT.iterdir()):
        total += path.stat().st_size
        digest.update(path.name.encode() + path.read_bytes())
    print(f"wrote {len(list(OUTPUT.iterdir()))} files, {total} bytes, sha256 {digest.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
