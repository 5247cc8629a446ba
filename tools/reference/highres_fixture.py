"""Writes Tests/DatasetsTests/Fixtures/highres/: DeepInverse / PyTorch reference values for the
colour-deblurring workload (highres_color_image): the anisotropic Gaussian kernels, the circular
FFT blur and its adjoint, and the bicubic resize, on inputs that both sides compute exactly.

Run with the peer venv, from the repository root:
    nice -n 10 /tmp/peer/venv/bin/python tools/reference/highres_fixture.py

See tools/README.md, section "Colour deblurring fixture", for the files and conventions.
"""

import json
import pathlib
import sys

import deepinv
import numpy as np
import torch
import torch.nn.functional as F
from deepinv.physics import Blur, BlurFFT
from deepinv.physics.blur import gaussian_blur

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/DatasetsTests/Fixtures/highres"
NUM_OPERATORS = 8
KERNEL_SIZES = (256, 2048)  # S, the image_size the kernels' sigma comes from
BLUR_CASES = {  # name: (image shape [B, C, H, W], S of the kernel, operator index of n = 8)
    "a": ((1, 3, 48, 64), 256, 2),
    "b": ((2, 3, 37, 29), 256, 5),
}
RESIZE_INPUT = (1, 3, 321, 481)  # CBSD_0010.png's size (landscape, as [h, w] = 321 x 481)
RESIZE_SIDES = (2048, 512)
SAMPLES = 16384
SAMPLE_MULTIPLIER = 7919 * 7907  # prime product, coprime with every output size here
SAMPLE_OFFSET = 17

CONVENTIONS = [
    "hash image [B, C, H, W] float32, salt s: value at flat C-order index i (0-based) is "
    "float(((i * 2654435761 + s * 40503 + 12345) mod 2^32) >> 8) / 2^24, exact in float32, in [0, 1)",
    "angles: torch.linspace(0, 180, n) in float32; operator i uses float(theta[i]) (a Python float) "
    "because deepinv 0.5.0's gaussian_blur raises IndexError for a 0-dim tensor angle",
    "kernels: deepinv.physics.blur.gaussian_blur(sigma=(0.01*S, 0.005*S), angle=theta_i), float32, "
    "the [1, 1, k, k] result squeezed to [k, k]; k = 2*int(0.01*S/0.3 + 1) + 1",
    "blur: deepinv.physics.Blur(filter=kernel [1, 1, k, k], padding='circular', use_fft=True); "
    "Ax = physics.A(x), ATy = physics.A_adjoint(y), float32, CPU, 1 thread",
    "dot-product test: |<Ax,y> - <x,ATy>| / |<Ax,y>| in float64 from the float32 results",
    "resize: torch.nn.functional.interpolate(x, size=(int(h*scale), int(w*scale)), mode='bicubic', "
    "align_corners=False) with scale = S / max(h, w) (Python double, not clamped); no antialias",
    "resize samples: flat C-order index p_k = (k * 7919 * 7907 + 17) mod N for k in 0..<16384, "
    "N = the output's element count; values float32; sum and sum of squares in float64 over the whole output",
    "npy files: little-endian float32, C order",
    "torch's CPU kernels built for AVX2 / AVX512 round the bicubic source coordinate "
    "scale * (d + 0.5) - 0.5 once, as a fused multiply-add does; the DEFAULT (no-FMA) build rounds the "
    "product and the difference separately, which moves the S = 2048 resize by up to 1.7e-5: "
    "torch_cpu_capability records the build used",
]


def hash_image(shape, salt):
    """The deterministic test image of `shape` (see CONVENTIONS), float32."""
    index = np.arange(int(np.prod(shape)), dtype=np.uint64)
    mixed = (index * np.uint64(2654435761) + np.uint64(salt * 40503 + 12345)) & np.uint64(0xFFFFFFFF)
    values = (mixed >> np.uint64(8)).astype(np.float32) / np.float32(2**24)
    return values.reshape(shape)


def sample_positions(count):
    k = np.arange(SAMPLES, dtype=np.int64)
    return (k * SAMPLE_MULTIPLIER + SAMPLE_OFFSET) % count


def save(name, array):
    array = np.ascontiguousarray(array, dtype="<f4")
    np.save(OUTPUT / name, array)
    return {"file": name, "shape": list(array.shape)}


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def angles(n):
    return [float(theta) for theta in torch.linspace(0, 180, n)]


def kernel(size, theta):
    """deepinv's kernel [1, 1, k, k] for image size `size` at angle `theta` (degrees)."""
    return gaussian_blur(sigma=(0.01 * size, 0.005 * size), angle=theta)


def kernels_section():
    section = {}
    thetas = angles(NUM_OPERATORS)
    for size in KERNEL_SIZES:
        stack = torch.cat([kernel(size, theta) for theta in thetas]).squeeze(1).numpy()
        entry = save(f"kernels_S{size}_n{NUM_OPERATORS}.npy", stack)
        # Information: a one-element tensor angle gives the same kernel as the float.
        tensor_angle = torch.cat([kernel(size, torch.tensor([theta])) for theta in thetas]).squeeze(1).numpy()
        middle = stack.shape[-1] // 2
        entry.update({
            "S": size,
            "sigma": [0.01 * size, 0.005 * size],
            "half_width": middle,
            "sums_float64": [float(k.astype(np.float64).sum()) for k in stack],
            "centre_values": [float(k[middle, middle]) for k in stack],
            "max_abs_difference_tensor_angle": max_abs(stack, tensor_angle),
        })
        section[f"S{size}"] = entry
    zero = stack[0]
    middle = zero.shape[0] // 2
    section["orientation_at_theta_0"] = {
        "S": KERNEL_SIZES[-1],
        "std_along_rows_float64": float(np.sqrt((zero[:, middle] * (np.arange(zero.shape[0]) - middle) ** 2).sum()
                                                / zero[:, middle].sum())),
        "std_along_columns_float64": float(np.sqrt((zero[middle] * (np.arange(zero.shape[0]) - middle) ** 2).sum()
                                                   / zero[middle].sum())),
        "note": "sigma[0] = 0.01*S acts along rows (y), sigma[1] = 0.005*S along columns (x): "
                "at theta = 0 the long axis is vertical",
    }
    return {"num_operators": NUM_OPERATORS, "angles_degrees": thetas, **section}


def blur_section():
    section = {}
    thetas = angles(NUM_OPERATORS)
    for name, (shape, size, index) in BLUR_CASES.items():
        filt = kernel(size, thetas[index])
        x, y = hash_image(shape, 1), hash_image(shape, 2)
        physics = Blur(filter=filt, padding="circular", use_fft=True)
        ax = physics.A(torch.from_numpy(x)).numpy()
        aty = physics.A_adjoint(torch.from_numpy(y)).numpy()
        left = float((ax.astype(np.float64) * y.astype(np.float64)).sum())
        right = float((x.astype(np.float64) * aty.astype(np.float64)).sum())
        # Information: the direct circular convolution, BlurFFT and a float64 run of the same call.
        direct = Blur(filter=filt, padding="circular", use_fft=False)
        blur_fft = BlurFFT(img_size=shape[1:], filter=filt)
        wide = Blur(filter=filt.double(), padding="circular", use_fft=True)
        x64, y64 = torch.from_numpy(x).double(), torch.from_numpy(y).double()
        section[name] = {
            "shape": list(shape),
            "S": size,
            "operator": index,
            "angle_degrees": thetas[index],
            "kernel_size": filt.shape[-1],
            "x_salt": 1,
            "y_salt": 2,
            "Ax": save(f"blur_{name}_Ax.npy", ax),
            "ATy": save(f"blur_{name}_ATy.npy", aty),
            "Ax_dot_y": left,
            "x_dot_ATy": right,
            "dot_product_test": abs(left - right) / abs(left),
            "information": {
                "max_abs_Ax_use_fft_false": max_abs(ax, direct.A(torch.from_numpy(x))),
                "max_abs_ATy_use_fft_false": max_abs(aty, direct.A_adjoint(torch.from_numpy(y))),
                "max_abs_Ax_BlurFFT": max_abs(ax, blur_fft.A(torch.from_numpy(x))),
                "max_abs_ATy_BlurFFT": max_abs(aty, blur_fft.A_adjoint(torch.from_numpy(y))),
                "max_abs_Ax_float64": max_abs(ax, wide.A(x64)),
                "max_abs_ATy_float64": max_abs(aty, wide.A_adjoint(y64)),
            },
        }
    return section


def resize_section():
    b, c, h, w = RESIZE_INPUT
    image = hash_image(RESIZE_INPUT, 3)
    section = {"input_shape": list(RESIZE_INPUT), "input_salt": 3, "samples": SAMPLES,
               "sample_multiplier": SAMPLE_MULTIPLIER, "sample_offset": SAMPLE_OFFSET}
    for side in RESIZE_SIDES:
        scale = side / max(h, w)
        size = (int(h * scale), int(w * scale))
        out = F.interpolate(torch.from_numpy(image), size=size, mode="bicubic", align_corners=False).numpy()
        wide = F.interpolate(torch.from_numpy(image).double(), size=size, mode="bicubic", align_corners=False)
        flat = out.reshape(-1)
        positions = sample_positions(flat.size)
        assert np.unique(positions).size == SAMPLES
        values64 = out.astype(np.float64)
        section[f"S{side}"] = {
            "S": side,
            "output_shape": list(out.shape),
            "samples": save(f"resize_S{side}_samples.npy", flat[positions]),
            "first_positions": positions[:8].tolist(),
            "sum_float64": float(values64.sum()),
            "sum_of_squares_float64": float((values64 * values64).sum()),
            "min": float(out.min()),
            "max": float(out.max()),
            "information": {"max_abs_float64_run": max_abs(out, wide)},
        }
    return section


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("*.npy"):
        old.unlink()
    probe = hash_image((2, 3, 4, 5), 1).reshape(-1)
    document = {
        "generator": "tools/reference/highres_fixture.py",
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__, "deepinv": deepinv.__version__,
                     "numpy": np.__version__, "torch_cpu_capability": torch.backends.cpu.get_cpu_capability()},
        "conventions": CONVENTIONS,
        "deepinv_notes": {
            "Blur_has_use_fft": "use_fft" in Blur.__init__.__code__.co_varnames,
            "zero_dim_tensor_angle": "IndexError (gaussian_blur reads angle.shape[0]); a float or a "
                                     "1-element tensor works and gives the same kernel",
        },
        "hash_check": {"shape": [2, 3, 4, 5], "salt": 1,
                       "indices": [0, 1, 2, 3, 59, 119],
                       "values": [float(probe[i]) for i in (0, 1, 2, 3, 59, 119)],
                       "salt_3_index_463202": float(hash_image(RESIZE_INPUT, 3).reshape(-1)[-1])},
        "kernels": kernels_section(),
        "blur": blur_section(),
        "resize": resize_section(),
    }
    (OUTPUT / "highres_expected.json").write_text(json.dumps(document, indent=1) + "\n")
    total = sum(path.stat().st_size for path in OUTPUT.iterdir())
    print(f"wrote {OUTPUT} ({len(list(OUTPUT.iterdir()))} files, {total} bytes)")
    print(json.dumps({k: document[k] for k in ("versions", "deepinv_notes", "hash_check")}, indent=1))
    for name, case in document["blur"].items():
        print("blur", name, "dot-product test", case["dot_product_test"], case["information"])
    for key in ("S2048", "S512"):
        entry = document["resize"][key]
        print("resize", entry["output_shape"], entry["sum_float64"], entry["information"])
    print("orientation", document["kernels"]["orientation_at_theta_0"])


if __name__ == "__main__":
    main()
