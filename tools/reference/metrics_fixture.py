"""Writes Tests/MetricsTests/Fixtures/metrics_reference.json: independent PSNR / SSIM / MSE values.

Run with the peer venv (torch, torchmetrics, scikit-image, numpy):
    /tmp/peer/venv/bin/python tools/reference/metrics_fixture.py

Every array is rounded to 4 decimals and cast to float32, so the JSON lists are short and each
number parses (decimal -> double -> float32) to exactly the float32 value the references saw.
PSNR and MSE follow DeepInverse's cal_psnr / cal_mse; SSIM is torchmetrics'
structural_similarity_index_measure with data_range = max_pixel - min_pixel, reduction='none'.
The expected values are computed in float64 from the float32 data; the float32 torchmetrics SSIM
is recorded too, as information, and DeepInverse's own PSNR / SSIM metrics are checked against them.
"""

import json
import pathlib
import sys

import deepinv
import numpy as np
import skimage
import torch
import torchmetrics
from skimage.metrics import structural_similarity
from torchmetrics.functional.image import structural_similarity_index_measure

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/MetricsTests/Fixtures/metrics_reference.json"


def structured(rng, spatial):
    """A smooth image in about [0, 1]: a ramp, a sinusoid and a bright disk / ball."""
    axes = np.meshgrid(*[np.linspace(-1, 1, n) for n in spatial], indexing="ij")
    radius2 = sum(a * a for a in axes)
    phase = rng.uniform(0, 2 * np.pi)
    image = 0.3 + 0.2 * axes[-1] + 0.15 * np.sin(5 * axes[0] + phase) + 0.35 * (radius2 < 0.4)
    return image


def make_pair(seed, shape, noise, scale=1.0):
    """(estimate, reference) float32 arrays of `shape`; item b gets noise level noise[b]."""
    rng = np.random.default_rng(seed)
    reference = np.empty(shape)
    estimate = np.empty(shape)
    for b in range(shape[0]):
        for c in range(shape[1]):
            clean = structured(rng, shape[2:]) * (1 - 0.1 * c)
            reference[b, c] = clean
            estimate[b, c] = clean + noise[b] * rng.standard_normal(shape[2:]) + 0.02 * b
    quantise = lambda a: np.round(a * scale, 4).astype(np.float32)  # noqa: E731
    return quantise(estimate), quantise(reference)


def flat_list(array):
    """Shortest decimal per element that still parses decimal -> double -> float32 exactly."""
    values = []
    for value in array.ravel():
        text = repr(float(np.round(float(value), 4)))
        if np.float32(float(text)) != value:
            text = repr(float(value))
        values.append(float(text))
    return values


def torch_mse(estimate, reference):
    difference = torch.from_numpy(estimate).double() - torch.from_numpy(reference).double()
    return difference.pow(2).mean(dim=tuple(range(1, difference.ndim)))


def torch_psnr(mse, max_pixel, min_pixel):
    return -10.0 * torch.log10(mse / (max_pixel - min_pixel) ** 2 + 1e-8)


def torchmetrics_ssim(estimate, reference, data_range, dtype):
    preds = torch.from_numpy(estimate).to(dtype)
    target = torch.from_numpy(reference).to(dtype)
    return structural_similarity_index_measure(preds, target, data_range=data_range, reduction="none")


def check_deepinv(estimate, reference, max_pixel, min_pixel, psnr, ssim):
    """DeepInverse's PSNR and SSIM metrics (float32) must agree with the float64 references."""
    x_net, x = torch.from_numpy(estimate), torch.from_numpy(reference)
    metric = deepinv.loss.metric
    assert torch.allclose(metric.PSNR(max_pixel=max_pixel, min_pixel=min_pixel)(x_net, x).double(), psnr, atol=1e-4)
    assert torch.allclose(metric.SSIM(max_pixel=max_pixel, min_pixel=min_pixel)(x_net, x).double(), ssim, atol=1e-5)


def case(name, seed, shape, noise, max_pixel=1.0, min_pixel=0.0):
    estimate, reference = make_pair(seed, shape, noise, scale=max_pixel - min_pixel)
    data_range = max_pixel - min_pixel
    mse = torch_mse(estimate, reference)
    ssim64 = torchmetrics_ssim(estimate, reference, data_range, torch.float64)
    ssim32 = torchmetrics_ssim(estimate, reference, data_range, torch.float32)
    psnr = torch_psnr(mse, max_pixel, min_pixel)
    check_deepinv(estimate, reference, max_pixel, min_pixel, psnr, ssim64)
    return {
        "name": name,
        "shape": list(shape),
        "maxPixel": max_pixel,
        "minPixel": min_pixel,
        "estimate": flat_list(estimate),
        "reference": flat_list(reference),
        "mse": mse.tolist(),
        "psnr": psnr.tolist(),
        "ssim": ssim64.tolist(),
        "ssimTorchmetricsFloat32": ssim32.double().tolist(),
    }, (estimate, reference)


def skimage_note(estimate, reference, data_range):
    """scikit-image SSIM of item 0, channel 0 (informational: it crops the border, other reflect)."""
    value = structural_similarity(estimate[0, 0].astype(np.float64), reference[0, 0].astype(np.float64),
                                  gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                  data_range=data_range)
    return {"case": "gray2d", "item": 0, "ssim": float(value),
            "call": "structural_similarity(x, y, gaussian_weights=True, sigma=1.5, "
                    "use_sample_covariance=False, data_range=1.0)"}


def main():
    cases = []
    gray, (gray_estimate, gray_reference) = case("gray2d", 1, (2, 1, 40, 37), noise=[0.05, 0.15])
    cases.append(gray)
    cases.append(case("colour2d", 2, (1, 3, 24, 30), noise=[0.1])[0])
    cases.append(case("volume3d", 3, (1, 1, 12, 16, 14), noise=[0.08])[0])
    cases.append(case("tall2d", 5, (1, 1, 140, 19), noise=[0.1])[0])
    cases.append(case("range2", 4, (2, 1, 20, 26), noise=[0.03, 0.2], max_pixel=2.0)[0])
    document = {
        "generator": "tools/reference/metrics_fixture.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "torch": torch.__version__,
                     "torchmetrics": torchmetrics.__version__,
                     "deepinv": deepinv.__version__, "scikit-image": skimage.__version__},
        "cases": cases,
        "skimageInformation": skimage_note(gray_estimate, gray_reference, 1.0),
    }
    OUTPUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")
    for entry in cases:
        print(entry["name"], entry["shape"], "mse", entry["mse"], "psnr", entry["psnr"], "ssim", entry["ssim"],
              "ssim float32", entry["ssimTorchmetricsFloat32"])
    print("skimage", document["skimageInformation"]["ssim"])


if __name__ == "__main__":
    main()
