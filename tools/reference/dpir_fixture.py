"""Writes Tests/SolversTests/Fixtures/dpir/: a DeepInverse 0.5.0 DPIR reference run (grey deblurring,
48 x 48) with our bundled grey DRUNet, for a Swift test of InvScale's DPIR solver.

Run with the peer venv, from the repository root (a few seconds, 1 torch thread, CPU):
    nice -n 10 /tmp/peer/venv/bin/python tools/reference/dpir_fixture.py

Problem: ground truth from a closed formula (below), the kernel deepinv.physics.blur.gaussian_blur(
sigma=(1.5, 1.5), angle=0) (13 x 13, the highres_fixture.py convention), the physics
deepinv.physics.BlurFFT (circular, the convention our CircularBlur was checked against), and the
measurement y = A x + 0.05 * n with n ~ N(0, 1) from numpy's default_rng(SEED), stored (Swift reads y,
it does not regenerate the noise). The solver is deepinv.optim.DPIR(sigma=0.05, denoiser=DRUNet with
Resources/weights/drunet_bundled_gray.safetensors cast float16 -> float32), run in float32 with its
defaults (8 iterations, init A^T y). Hooks on the HQS iterator's f_step / g_step record every data-step
output z_k and denoiser output x_k and the parameters each step received.

Cross-checks (asserted, see the JSON's "checks"): the schedule equals a closed formula; the data step
solves (A^T A + I / gamma_k) z = A^T y + x / gamma_k (residual); a plain re-implementation of the loop
(rfft2 of the kernel zero-padded and rolled by -c, DRUNet.forward_unet on cat(z, sigma map)) reproduces
DeepInverse's iterates. A float64 run of the same DPIR is recorded for tolerance guidance.
"""

import hashlib
import json
import pathlib
import platform
import sys
import warnings

import deepinv
import numpy as np
import safetensors
import safetensors.torch
import torch
from deepinv.loss.metric import PSNR
from deepinv.models import DRUNet
from deepinv.optim.dpir import DPIR, get_DPIR_params
from deepinv.physics import Blur, BlurFFT
from deepinv.physics.blur import gaussian_blur

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "Tests/SolversTests/Fixtures/dpir"
WEIGHTS = ROOT / "Resources/weights/drunet_bundled_gray.safetensors"

HEIGHT, WIDTH = 48, 48
KERNEL_SIGMA = (1.5, 1.5)
KERNEL_ANGLE = 0.0
NOISE_SIGMA = 0.05
SEED = 20250
ARCH = {"in_channels": 1, "out_channels": 1, "nc": (16, 32, 64, 128), "nb": 2}

GROUND_TRUTH_FORMULA = (
    "float64, then rounded to float32: with u = (i + 0.5) / 48 (row), v = (j + 0.5) / 48 (column), "
    "s(t) = 1 / (1 + exp(-t)): x = 0.15 + 0.25 v "
    "+ 0.5 s((0.2 - sqrt((u - 0.38)^2 + (v - 0.40)^2)) / 0.03) "
    "+ 0.35 exp(-((u - 0.72)^2 + (v - 0.70)^2) / (2 * 0.08^2)) "
    "+ 0.3 s((v - 0.1) / 0.02) s((0.35 - v) / 0.02) s((u - 0.6) / 0.02) s((0.9 - u) / 0.02), "
    "clipped to [0, 1]"
)


def ground_truth():
    u = (np.arange(HEIGHT, dtype=np.float64)[:, None] + 0.5) / HEIGHT
    v = (np.arange(WIDTH, dtype=np.float64)[None, :] + 0.5) / WIDTH
    s = lambda t: 1.0 / (1.0 + np.exp(-t))  # noqa: E731
    x = (0.15 + 0.25 * v
         + 0.5 * s((0.2 - np.sqrt((u - 0.38) ** 2 + (v - 0.40) ** 2)) / 0.03)
         + 0.35 * np.exp(-((u - 0.72) ** 2 + (v - 0.70) ** 2) / (2 * 0.08**2))
         + 0.3 * s((v - 0.1) / 0.02) * s((0.35 - v) / 0.02) * s((u - 0.6) / 0.02) * s((0.9 - u) / 0.02))
    return np.clip(x, 0.0, 1.0).astype(np.float32).reshape(1, 1, HEIGHT, WIDTH)


def load_denoiser(dtype=torch.float32):
    model = DRUNet(**ARCH, pretrained=None, device="cpu")
    state = safetensors.torch.load_file(str(WEIGHTS))
    assert all(t.dtype == torch.float16 for t in state.values())
    missing, unexpected = model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=True)
    assert not missing and not unexpected
    return model.to(dtype).eval()


def save(name, array):
    array = np.ascontiguousarray(array, dtype="<f4")
    np.save(OUTPUT / name, array)
    return {"file": name, "shape": list(array.shape)}


def psnr(a, ref):
    """-10 log10(MSE), max pixel 1, float64."""
    mse = np.mean((np.asarray(a, np.float64) - np.asarray(ref, np.float64)) ** 2)
    return float(-10 * np.log10(mse))


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def run_dpir(model, physics, y, dtype):
    """DeepInverse's DPIR with hooks; returns output, init, data steps, denoiser steps, params seen."""
    solver = DPIR(sigma=NOISE_SIGMA, denoiser=model, device="cpu")
    iterator = solver.fixed_point.iterator
    assert type(iterator).__name__ == "HQSIteration" and iterator.g_first is False
    record = {"f_in": [], "f_out": [], "g_in": [], "g_out": [], "params": []}

    def f_hook(module, args, output):
        record["f_in"].append(args[0].detach().clone())
        record["f_out"].append(output.detach().clone())
        p = args[2]
        record["params"].append({k: (float(v) if not isinstance(v, (list, tuple)) else v) for k, v in p.items()})

    def g_hook(module, args, output):
        record["g_in"].append(args[0].detach().clone())
        record["g_out"].append(output.detach().clone())

    hooks = [iterator.f_step.register_forward_hook(f_hook), iterator.g_step.register_forward_hook(g_hook)]
    with torch.no_grad():
        out = solver(y, physics)
    for h in hooks:
        h.remove()
    return out, record


def main():
    # deepinv 0.5.0 marks deepinv.physics.blur.gaussian_blur (the import highres_fixture.py uses) as deprecated.
    warnings.filterwarnings("ignore", message="Function 'gaussian_blur' is deprecated", category=DeprecationWarning)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("*.npy"):
        old.unlink()

    weights_sha = hashlib.sha256(WEIGHTS.read_bytes()).hexdigest()
    recorded_sha = json.loads((WEIGHTS.with_suffix(".json")).read_text()).get("weights_sha256")

    # ---- problem
    x_gt = ground_truth()
    kernel = gaussian_blur(sigma=KERNEL_SIGMA, angle=KERNEL_ANGLE)  # [1, 1, k, k] float32
    assert kernel.dtype == torch.float32
    k = kernel.shape[-1]
    c = k // 2
    physics = BlurFFT(img_size=(1, HEIGHT, WIDTH), filter=kernel, device="cpu")
    rng = np.random.default_rng(SEED)
    noise = (NOISE_SIGMA * rng.standard_normal((1, 1, HEIGHT, WIDTH))).astype(np.float32)
    with torch.no_grad():
        ax = physics.A(torch.from_numpy(x_gt))
        y = ax + torch.from_numpy(noise)
        aty = physics.A_adjoint(y)
    assert y.dtype == torch.float32
    # BlurFFT against the circular Blur that HighresFixtureTests checks CircularBlur against.
    circ = Blur(filter=kernel, padding="circular", use_fft=True)
    blur_vs_blurfft = max(max_abs(circ.A(torch.from_numpy(x_gt)), ax), max_abs(circ.A_adjoint(y), aty))
    assert blur_vs_blurfft < 1e-6, blur_vs_blurfft

    # ---- schedule
    sigmas_t, stepsizes_t, max_iter = get_DPIR_params(NOISE_SIGMA)
    assert sigmas_t.dtype == torch.float32 and stepsizes_t.dtype == torch.float32 and max_iter == 8
    sigmas = [float(s) for s in sigmas_t]
    stepsizes = [float(s) for s in stepsizes_t]
    # Closed forms (float64) for information: sigma_k = 10^(a + k (b - a) / 7), a = log10(49/255),
    # b = log10(0.05); stepsize_k = (sigma_k / max(0.01, 0.05))^2 / 0.23.
    a, b = np.log10(49 / 255), np.log10(NOISE_SIGMA)
    sig64 = [float(10 ** (a + i * (b - a) / (max_iter - 1))) for i in range(max_iter)]
    step64 = [float((s / max(0.01, NOISE_SIGMA)) ** 2 / 0.23) for s in sig64]
    # from the float32 sigmas, in float64
    step_from_f32 = [float((np.float64(s) / max(0.01, NOISE_SIGMA)) ** 2 * (1 / 0.23)) for s in sigmas]
    sched_rel = max(abs(p - q) / q for p, q in zip(sigmas, sig64))
    step_rel = max(abs(p - q) / q for p, q in zip(stepsizes, step64))
    assert sched_rel < 1e-6 and step_rel < 2e-6, (sched_rel, step_rel)

    # ---- DeepInverse DPIR, float32
    model = load_denoiser()
    out, rec = run_dpir(model, physics, y, torch.float32)
    assert len(rec["f_out"]) == max_iter and len(rec["g_out"]) == max_iter
    assert torch.equal(rec["f_in"][0], aty), "first data step is not applied to A^T y"
    for i in range(max_iter):
        assert torch.equal(rec["g_in"][i], rec["f_out"][i]), "denoiser input is not the data-step output"
        if i > 0:
            assert torch.equal(rec["f_in"][i], rec["g_out"][i - 1]), "data step input is not the previous x"
        assert rec["params"][i]["stepsize"] == stepsizes[i] and rec["params"][i]["g_param"] == sigmas[i]
        assert rec["params"][i]["lambda"] == 1.0 and rec["params"][i]["beta"] == 1.0
    assert torch.equal(out, rec["g_out"][-1]), "DPIR does not return the last denoiser output"
    z_steps = torch.cat(rec["f_out"]).unsqueeze(1).numpy()  # [8, 1, 1, H, W]
    x_steps = torch.cat(rec["g_out"]).unsqueeze(1).numpy()
    out_np = out.numpy()

    # ---- cross-check 1: the linear system solved by the data step (float64 residual)
    kf64 = torch.fft.rfft2(torch.roll(torch.nn.functional.pad(kernel.double(), (0, WIDTH - k, 0, HEIGHT - k)),
                                      shifts=(-c, -c), dims=(-2, -1)))
    A64 = lambda v: torch.fft.irfft2(torch.fft.rfft2(v) * kf64, s=(HEIGHT, WIDTH))  # noqa: E731
    AT64 = lambda v: torch.fft.irfft2(torch.fft.rfft2(v) * kf64.conj(), s=(HEIGHT, WIDTH))  # noqa: E731
    residuals = []
    for i in range(max_iter):
        zi, xi, g = rec["f_out"][i].double(), rec["f_in"][i].double(), stepsizes[i]
        lhs = AT64(A64(zi)) + zi / g
        rhs = AT64(y.double()) + xi / g
        residuals.append(float((lhs - rhs).abs().max() / rhs.abs().max()))
    assert max(residuals) < 1e-5, residuals

    # ---- cross-check 2: plain re-implementation (our conventions), float32
    kf = torch.fft.rfft2(torch.roll(torch.nn.functional.pad(kernel, (0, WIDTH - k, 0, HEIGHT - k)),
                                    shifts=(-c, -c), dims=(-2, -1)))
    yf = torch.fft.rfft2(y)
    aty_plain = torch.fft.irfft2(yf * kf.conj(), s=(HEIGHT, WIDTH))

    def data_step(xv, g):
        num = kf.conj() * yf + torch.fft.rfft2(xv) / g
        return torch.fft.irfft2(num / (kf.abs() ** 2 + 1 / g), s=(HEIGHT, WIDTH))

    def denoise(zv, s):
        return model.forward_unet(torch.cat((zv, torch.full_like(zv, s)), 1))

    stepwise_z, stepwise_x, free_z, free_x = [], [], [], []
    with torch.no_grad():
        xv = aty_plain
        for i in range(max_iter):
            zd = data_step(rec["f_in"][i], stepsizes[i])
            stepwise_z.append(max_abs(zd, rec["f_out"][i]))
            stepwise_x.append(max_abs(denoise(rec["g_in"][i], sigmas[i]), rec["g_out"][i]))
            zv = data_step(xv, stepsizes[i])
            xv = denoise(zv, sigmas[i])
            free_z.append(max_abs(zv, rec["f_out"][i]))
            free_x.append(max_abs(xv, rec["g_out"][i]))
    init_plain = max_abs(aty_plain, aty)
    # the first data steps divide by |K^|^2 + 1/gamma with gamma up to 64: float32 rounding grows by up to gamma
    assert init_plain < 1e-6 and max(stepwise_z) < 5e-5 and max(stepwise_x) < 1e-5, (init_plain, stepwise_z, stepwise_x)
    assert max(free_x) < 1e-4, free_x

    # ---- float64 run of the same DPIR (tolerance guidance)
    model64 = load_denoiser(torch.float64)
    physics64 = BlurFFT(img_size=(1, HEIGHT, WIDTH), filter=kernel.double(), device="cpu")
    out64, rec64 = run_dpir(model64, physics64, y.double(), torch.float64)
    f64_x = [max_abs(a_, b_) for a_, b_ in zip(rec["g_out"], rec64["g_out"])]
    f64_z = [max_abs(a_, b_) for a_, b_ in zip(rec["f_out"], rec64["f_out"])]

    # ---- PSNRs
    metric = PSNR(max_pixel=1.0)
    psnrs = {
        "measurement_y": psnr(y, x_gt),
        "initial_ATy": psnr(aty, x_gt),
        "data_steps_z": [psnr(z, x_gt) for z in z_steps],
        "denoiser_steps_x": [psnr(xs, x_gt) for xs in x_steps],
        "final": psnr(out_np, x_gt),
        "final_deepinv_metric": float(metric(out, torch.from_numpy(x_gt))),
        "final_float64_run": psnr(out64, x_gt),
    }

    # ---- files
    files = {
        "ground_truth": save("ground_truth.npy", x_gt),
        "measurement": save("measurement.npy", y.numpy()),
        "kernel": save("kernel.npy", kernel[0, 0].numpy()),
        "initial": save("initial.npy", aty.numpy()),
        "data_steps": save("data_steps.npy", z_steps),
        "iterates": save("iterates.npy", x_steps),
        "dpir_output": save("dpir_output.npy", out_np),
    }
    files["data_steps"]["meaning"] = "z_k, k = 1..8: output of the data step (prox of L2) of iteration k, [8, 1, 1, H, W]"
    files["iterates"]["meaning"] = "x_k, k = 1..8: output of the denoiser of iteration k, [8, 1, 1, H, W]; x_8 = dpir_output"

    document = {
        "generator": "tools/reference/dpir_fixture.py",
        "versions": {"python": platform.python_version(), "torch": torch.__version__, "deepinv": deepinv.__version__,
                     "numpy": np.__version__, "safetensors": safetensors.__version__,
                     "torch_cpu_capability": torch.backends.cpu.get_cpu_capability()},
        "computed_with": "torch CPU float32, 1 thread, deterministic algorithms, no_grad, eval()",
        "arrays": "NPY, little-endian float32, C order; images [1, 1, H, W], kernel [k, k]",
        "problem": {
            "height": HEIGHT, "width": WIDTH, "channels": 1,
            "ground_truth_formula": GROUND_TRUTH_FORMULA,
            "kernel": f"deepinv.physics.blur.gaussian_blur(sigma={KERNEL_SIGMA}, angle={KERNEL_ANGLE}) squeezed to "
                      f"[{k}, {k}] (half-width int(1.5 / 0.3 + 1) = {c}; GaussianBlurKernel.kernel(sigma: (1.5, 1.5), "
                      "angleDegrees: 0) in Swift)",
            "kernel_sum_float64": float(kernel.double().sum()),
            "physics": f"deepinv.physics.BlurFFT(img_size=(1, {HEIGHT}, {WIDTH}), filter=kernel [1, 1, {k}, {k}]): "
                       "circular convolution, the kernel zero-padded to H x W and rolled by (-c, -c) "
                       "(= our CircularBlur); max |Blur(padding='circular', use_fft=True) - BlurFFT| over A x and "
                       f"A^T y here: {blur_vs_blurfft:.2e}",
            "noise": f"y = BlurFFT.A(x) + n, n = float32({NOISE_SIGMA} * numpy.random.default_rng({SEED})"
                     ".standard_normal((1, 1, 48, 48))), added in float32; y is stored, do not regenerate",
            "noise_sigma": NOISE_SIGMA,
        },
        "denoiser": {
            "class": "deepinv.models.DRUNet", **{k_: (list(v) if isinstance(v, tuple) else v) for k_, v in ARCH.items()},
            "act_mode": "R", "pretrained": None,
            "weights": "Resources/weights/drunet_bundled_gray.safetensors (float16, cast to float32, strict load; "
                       "keys are DeepInverse's state_dict keys unchanged)",
            "weights_sha256": weights_sha,
            "weights_sha256_matches_drunet_bundled_gray_json": weights_sha == recorded_sha,
            "call": "DRUNet.forward(z, sigma_k) with sigma_k a 0-dim float32 tensor: cat((z, sigma_k * ones), dim=1), "
                    "then forward_unet directly because 48 is a multiple of 8 and > 31 (no padding); "
                    "z is NOT clamped before the denoiser and x is not clamped after",
        },
        "algorithm": {
            "class": "deepinv.optim.DPIR(sigma=0.05, denoiser=DRUNet, device='cpu'), called as solver(y, physics)",
            "iterations": max_iter,
            "schedule_source": "deepinv/optim/dpir.py get_DPIR_params, lines 21-35",
            "sigma_k": "torch.logspace(log10(float32(49/255)), log10(float32(0.05)), steps=8, dtype=float32) "
                       "(dpir.py:24-30); the end points are NOT exact: sigma_1 = " + repr(sigmas[0]) + " (float32(49/255) = "
                       + repr(float(np.float32(49 / 255))) + "), sigma_8 = " + repr(sigmas[-1]) + " (float32(0.05) = "
                       + repr(float(np.float32(0.05))) + "); within 1.4e-7 relative of the float64 closed form, "
                       "so a port should read 'schedule' or allow ~2e-7 relative",
            "stepsize_k": "gamma_k = (1 / 0.23) * (sigma_k / max(0.01, 0.05))^2 in float32 (dpir.py:32-35): the DPIR "
                          "lambda = 1/0.23 is folded into the stepsize; params_algo has no 'lambda', so BaseOptim "
                          "sets lambda = 1.0 (optimizers.py:370-375) and the 'lambda * stepsize' that gStepHQS passes "
                          "to the prior as gamma (hqs.py:89-94) is ignored by PnP.prox (prior.py:99-109)",
            "data_fidelity": "L2() with its default sigma = 1, so norm = 1/sigma^2 = 1 (data_fidelity.py:432-435); "
                             "L2.prox(x, y, physics, gamma) = physics.prox_l2(x, y, norm * gamma) "
                             "(data_fidelity.py:462); the noise level 0.05 does NOT scale the data term",
            "linear_system": "data step z_k = argmin_u (gamma_k / 2) ||A u - y||^2 + (1/2) ||u - x_{k-1}||^2, i.e. "
                             "(A^T A + I / gamma_k) z_k = A^T y + x_{k-1} / gamma_k, solved in Fourier by "
                             "DecomposablePhysics.prox_l2 (physics/forward.py:1252-1285): "
                             "z = V(V^T(A^T y + x / gamma) / (|K^|^2 + 1 / gamma)); BlurFFT has no prox_l2 of its own",
            "order": "HQS with g_first=False (dpir.py:75, optim_iterator.py:112-123): each iteration does the data "
                     "step first, then the denoiser: z_k = prox_l2(x_{k-1}; gamma_k), x_k = D(z_k, sigma_k); "
                     "relaxation with beta = 1 (x_k unchanged)",
            "initial_iterate": "x_0 = z_0 = physics.A_adjoint(y) = A^T y (optimizers.py:574-576); only x_0 is used",
            "returns": "get_output(X) = X['est'][0] = x_8, the last DENOISER output (optimizers.py:295, 880); "
                       "early_stop=False, so always 8 iterations (dpir.py:79)",
            "no_clamp": "nothing is clamped anywhere in the loop",
        },
        "schedule": {
            "sigma": sigmas,
            "stepsize": stepsizes,
            "sigma_closed_form_float64": sig64,
            "stepsize_closed_form_float64": step64,
            "stepsize_from_float32_sigma_float64": step_from_f32,
            "max_relative_difference_sigma_vs_closed_form": sched_rel,
            "max_relative_difference_stepsize_vs_closed_form": step_rel,
            "params_seen_by_each_data_step": rec["params"],
        },
        "files": files,
        "psnr_db": psnrs,
        "checks": {
            "max_abs_plain_ATy_vs_deepinv": init_plain,
            "linear_system_relative_residual_per_step": residuals,
            "stepwise_max_abs_data_step_from_stored_x_prev": stepwise_z,
            "stepwise_max_abs_denoiser_from_stored_z": stepwise_x,
            "free_running_plain_reimplementation_max_abs_z": free_z,
            "free_running_plain_reimplementation_max_abs_x": free_x,
            "float32_vs_float64_run_max_abs_z": f64_z,
            "float32_vs_float64_run_max_abs_x": f64_x,
            "note": "stepwise = one step from the stored previous iterate (no drift); free running = the whole "
                    "loop re-implemented from y; the float64 run is DeepInverse's DPIR with DRUNet and y in float64 "
                    "(same float32 schedule): its distance sizes the float32 rounding a port can expect",
        },
        "output_stats": {"min": float(out_np.min()), "max": float(out_np.max()), "mean": float(out_np.mean())},
    }
    (OUTPUT / "dpir.json").write_text(json.dumps(document, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUTPUT.iterdir())
    print(f"wrote {OUTPUT} ({len(list(OUTPUT.iterdir()))} files, {total} bytes)")
    print("sigma   ", [f"{s:.6f}" for s in sigmas])
    print("stepsize", [f"{s:.4f}" for s in stepsizes])
    print("psnr", json.dumps(psnrs, indent=None))
    print("checks", json.dumps(document["checks"], indent=None))
    print("weights sha256", weights_sha, "matches json:", weights_sha == recorded_sha)
    return 0


if __name__ == "__main__":
    sys.exit(main())
