#!/usr/bin/env python3
"""Train the small grey DRUNet that InvScale bundles as its default plug-and-play prior.

The network is DeepInverse's own ``deepinv.models.DRUNet`` (1 grey channel in and out, plus
the noise-level map channel DeepInverse appends), trained from scratch (no pretrained weights)
on patches of random-ellipse phantoms and of scikit-image's offline sample images, with
Gaussian noise of sigma ~ U[0, 0.2] and the sigma map given to the network.

At the end it writes, into --out:

* ``drunet_bundled_gray.safetensors``: float16 tensors, keys exactly as DeepInverse's
  ``DRUNet.state_dict()`` names them;
* ``drunet_bundled_gray.json``: architecture, parameter count, file size, data recipe,
  optimiser, iterations, wall time, library versions and the validation table (held-out
  random-ellipse phantoms, evaluated in float32 with the float16 weights cast back, i.e. the
  weights exactly as shipped).

Run from the repository root, at low priority:

    nice -n 19 /tmp/peer/venv/bin/python tools/train_denoiser.py --minutes 30 --out Resources/weights
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import sys
import time
import warnings

import numpy as np
import torch

# --------------------------------------------------------------------------------------------
# Fixed recipe constants (recorded in the JSON)
# --------------------------------------------------------------------------------------------
NAME = "drunet_bundled_gray"
NC = (16, 32, 64, 128)
NB = 2
PATCH = 64
BATCH = 16
ELLIPSE_PER_BATCH = 10  # the rest of the batch comes from scikit-image's sample images
SIGMA_MAX = 0.2
LOW_SIGMA_MAX = 0.02  # --low-sigma-items draw sigma from U[0, LOW_SIGMA_MAX]
LR_PEAK = 8e-4
LR_FINAL_FRACTION = 0.01
WARMUP_FRACTION = 0.03
GRAD_CLIP = 1.0
PHANTOM_SIZES = (128, 192, 256, 320)  # one drawn per phantom: features at several scales
POOL_SIZE = 192
POOL_REFRESH_PER_ITER = 1

TRAIN_SEED = 1234  # torch init + training data stream
VAL_SEED = 987_654_321  # held-out validation phantoms and their noise: never used in training
VAL_COUNT = 16
VAL_SIZE = 256
VAL_SIGMAS = (0.01, 0.05, 0.1)
PROGRESS_VAL_COUNT = 4  # the periodic progress check uses the first 4 held-out phantoms

# --channels 3 (the bundled colour model): same network sizes, patch, batch, sigma range, optimiser,
# schedule and seeds; its own generator of colour scenes and scikit-image's colour samples.
NAME_COLOR = "drunet_bundled_color"
SCENES_PER_BATCH = 10  # 10/16 = 62.5% generated colour scenes; the rest are crops of colour photos
SCENE_SIZES = (128, 192, 256, 320)
# scikit-image colour samples for training (each skipped if it cannot be loaded offline) and the
# two kept out of training, evaluated only for information. `cat` is an alias of `chelsea`.
SKIMAGE_COLOR_SAMPLES = [
    "astronaut", "rocket", "hubble_deep_field", "immunohistochemistry", "retina",
    "colorwheel", "logo", "stereo_motorcycle", "lily", "skin",
]
SKIMAGE_COLOR_HELDOUT = ["coffee", "chelsea"]

# scikit-image sample images tried (each is skipped if it cannot be loaded offline).
SKIMAGE_SAMPLES = [
    "camera", "coins", "moon", "astronaut", "text", "page", "clock", "horse",
    "brick", "grass", "gravel", "rocket", "coffee", "chelsea", "hubble_deep_field",
    "immunohistochemistry", "retina", "cell", "checkerboard", "microaneurysms",
    "eagle", "lily", "kidney", "brain", "skin",
]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
def _ellipse_coverage(yy, xx, cy, cx, a, b, theta):
    """Anti-aliased indicator of an ellipse: 0.5 + signed distance (pixels) to the boundary,
    clipped to [0, 1]; the distance is the first-order estimate (1 - r) / |grad r|."""
    c, s = math.cos(theta), math.sin(theta)
    u = (xx - cx) * c + (yy - cy) * s
    v = -(xx - cx) * s + (yy - cy) * c
    r = np.sqrt((u / a) ** 2 + (v / b) ** 2)
    grad = np.sqrt((u / (a * a)) ** 2 + (v / (b * b)) ** 2)
    dist = (1.0 - r) * r / np.maximum(grad, 1e-12)
    return np.clip(0.5 + dist, 0.0, 1.0)


def random_ellipse_phantom(rng: np.random.Generator, size: int) -> np.ndarray:
    """A random member of a Shepp-Logan-like family, float32 in [0, 1].

    A body ellipse (grey level U[0.35, 0.9]) near the centre, with probability 0.6 a brighter
    rim of 0.6-6% of the size (at least 1.2 pixels: a slightly smaller ellipse subtracted from
    a brighter outer one, as Shepp-Logan's thin skull), then 3-14 inner ellipses at random centres, semi-axes, rotations and additive
    grey levels (half of them low contrast, |delta| in [0.01, 0.1], the others [0.1, 0.45]),
    the sum clipped to [0, 1]."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    half = size / 2.0
    img = np.zeros((size, size), dtype=np.float64)
    cy = half + rng.uniform(-0.08, 0.08) * size
    cx = half + rng.uniform(-0.08, 0.08) * size
    a = rng.uniform(0.30, 0.48) * size
    b = rng.uniform(0.22, 0.46) * size
    th = rng.uniform(0, math.pi)
    body = rng.uniform(0.35, 0.9)
    if rng.random() < 0.6:
        rim = rng.uniform(0.15, 0.6)
        t = max(rng.uniform(0.006, 0.06) * size, 1.2)
        img += (body + rim) * _ellipse_coverage(yy, xx, cy, cx, a, b, th)
        img -= rim * _ellipse_coverage(yy, xx, cy, cx, a - t, b - t, th)
        a, b = a - t, b - t
    else:
        img += body * _ellipse_coverage(yy, xx, cy, cx, a, b, th)
    for _ in range(int(rng.integers(3, 15))):
        rad = rng.uniform(0.0, 0.8)
        ang = rng.uniform(0, 2 * math.pi)
        ey = cy + rad * a * math.sin(ang) * 0.9
        ex = cx + rad * b * math.cos(ang) * 0.9
        ea = size * math.exp(rng.uniform(math.log(0.01), math.log(0.3)))
        eb = ea * rng.uniform(0.25, 1.0)
        delta = rng.uniform(0.01, 0.1) if rng.random() < 0.5 else rng.uniform(0.1, 0.45)
        delta *= 1.0 if rng.random() < 0.5 else -1.0
        img += delta * _ellipse_coverage(yy, xx, ey, ex, ea, eb, rng.uniform(0, math.pi))
    return np.clip(img, 0.0, 1.0).astype(np.float32)


def load_skimage_samples(names):
    """Grey float32 images in [0, 1] for each sample that loads offline; returns (images, used, skipped)."""
    import skimage
    import skimage.color
    import skimage.data

    images, used, skipped = [], [], []
    for name in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im = getattr(skimage.data, name)()
        except Exception as exc:  # missing pooch / needs a download / unknown name
            skipped.append(f"{name} ({type(exc).__name__})")
            continue
        im = np.asarray(im)
        if im.ndim == 3 and im.shape[-1] == 4:
            im = skimage.color.rgba2rgb(im)  # float in [0, 1]
        if im.ndim == 3:
            im = skimage.color.rgb2gray(im)  # float in [0, 1] (uint8 input is rescaled by 1/255)
        elif im.dtype == np.uint8:
            im = im / 255.0
        im = im.astype(np.float64)
        lo, hi = float(im.min()), float(im.max())
        if hi - lo < 1e-6 or min(im.shape) < PATCH:
            skipped.append(f"{name} (too small or flat)")
            continue
        if lo < 0.0 or hi > 1.0:
            im = (im - lo) / (hi - lo)
        images.append(np.clip(im, 0.0, 1.0).astype(np.float32))
        used.append(f"{name} {tuple(im.shape)}")
    return images, used, skipped


def random_crop_aug(rng, img, p, tries=4):
    """Random p x p crop (redrawn up to `tries` times while it is flat, e.g. all background),
    random rot90 and horizontal flip."""
    h, w = img.shape
    for _ in range(tries):
        y = int(rng.integers(0, h - p + 1))
        x = int(rng.integers(0, w - p + 1))
        patch = img[y:y + p, x:x + p]
        if float(patch.std()) > 0.01:
            break
    patch = np.rot90(patch, int(rng.integers(0, 4)))
    if rng.random() < 0.5:
        patch = patch[:, ::-1]
    return np.ascontiguousarray(patch)


# --------------------------------------------------------------------------------------------
# Colour data (--channels 3)
# --------------------------------------------------------------------------------------------
def random_colour(rng: np.random.Generator) -> np.ndarray:
    """An RGB colour in [0, 1]: saturated (35%), pastel (30%), near-neutral (20%) or dark (15%)."""
    import colorsys

    u = rng.random()
    h = rng.random()
    if u < 0.35:
        s, v = rng.uniform(0.6, 1.0), rng.uniform(0.45, 1.0)
    elif u < 0.65:
        s, v = rng.uniform(0.1, 0.35), rng.uniform(0.75, 1.0)
    elif u < 0.85:
        s, v = rng.uniform(0.0, 0.15), rng.uniform(0.05, 0.95)
    else:
        s, v = rng.uniform(0.3, 0.9), rng.uniform(0.05, 0.45)
    return np.array(colorsys.hsv_to_rgb(h, s, v), dtype=np.float64)


def _noise_field(rng, h, w, period, bandpass=True):
    """Zero-mean, unit-std band-limited noise of shape (h, w): white noise filtered in the Fourier
    domain, by a Gaussian annulus around frequency 1/period (bandpass) or a Gaussian low-pass of
    width 1/period. Periods below ~2.5 pixels are not used, so there is no aliasing."""
    white = rng.standard_normal((h, w))
    f = np.fft.rfft2(white)
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    r = np.sqrt(fy * fy + fx * fx)
    f0 = 1.0 / period
    if bandpass:
        filt = np.exp(-0.5 * ((r - f0) / (0.35 * f0)) ** 2)
    else:
        filt = np.exp(-0.5 * (r / f0) ** 2)
    field = np.fft.irfft2(f * filt, s=(h, w))
    field -= field.mean()
    return field / max(float(field.std()), 1e-12)


def _texture(rng, h, w, yy, xx):
    """A texture of shape (h, w), roughly in [-1, 1]: band-limited noise (period 2.5-40 px,
    log-uniform), stripes (sinusoid of period 3-48 px, sharpened by tanh when the period allows it,
    at a random angle), or both multiplied (woven / wood-like)."""
    kind = rng.random()
    period = math.exp(rng.uniform(math.log(2.5), math.log(40.0)))
    noise = np.clip(_noise_field(rng, h, w, period, bandpass=rng.random() < 0.7) / 2.0, -1.5, 1.5)
    if kind < 0.45:
        return noise
    sp = math.exp(rng.uniform(math.log(3.0), math.log(48.0)))
    th = rng.uniform(0, math.pi)
    phase = rng.uniform(0, 2 * math.pi)
    arg = 2 * math.pi * (xx * math.cos(th) + yy * math.sin(th)) / sp + phase
    if rng.random() < 0.4:  # wobbly stripes (wood grain, fabric folds)
        arg = arg + rng.uniform(0.5, 3.0) * _noise_field(rng, h, w, max(sp * 4, 16.0), bandpass=False)
    stripes = np.sin(arg)
    if sp > 8.0:  # sharpen only where the harmonics stay well below Nyquist
        k = rng.uniform(0.5, 2.5)
        stripes = np.tanh(k * stripes) / math.tanh(k)
    if kind < 0.85:
        return stripes
    return stripes * (0.5 + 0.5 * noise)


def _convex_polygon_coverage(yy, xx, verts):
    """Anti-aliased coverage of a convex polygon: 0.5 + min over edges of the signed distance (pixels,
    positive inside) to the edge's line, clipped to [0, 1] (exact inside, within ~1 px at corners)."""
    cy = float(np.mean(verts[:, 0]))
    cx = float(np.mean(verts[:, 1]))
    dist = None
    n = len(verts)
    for i in range(n):
        y0, x0 = verts[i]
        y1, x1 = verts[(i + 1) % n]
        ny, nx = -(x1 - x0), (y1 - y0)
        norm = math.hypot(ny, nx)
        if norm < 1e-9:
            continue
        ny, nx = ny / norm, nx / norm
        if ny * (cy - y0) + nx * (cx - x0) < 0:
            ny, nx = -ny, -nx
        d = ny * (yy - y0) + nx * (xx - x0)
        dist = d if dist is None else np.minimum(dist, d)
    return np.clip(0.5 + dist, 0.0, 1.0)


def _segment_distance(yy, xx, ay, ax, by, bx):
    dy, dx = by - ay, bx - ax
    l2 = max(dy * dy + dx * dx, 1e-12)
    t = np.clip(((yy - ay) * dy + (xx - ax) * dx) / l2, 0.0, 1.0)
    return np.sqrt((yy - ay - t * dy) ** 2 + (xx - ax - t * dx) ** 2)


def _gaussian_blur(img, sigma):
    """Gaussian blur of a (3, h, w) image in the Fourier domain (periodic boundary)."""
    _, h, w = img.shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    filt = np.exp(-2.0 * (math.pi * sigma) ** 2 * (fy * fy + fx * fx))
    return np.fft.irfft2(np.fft.rfft2(img, axes=(1, 2)) * filt, s=(h, w), axes=(1, 2))


def random_colour_scene(rng: np.random.Generator, size: int) -> np.ndarray:
    """A procedural natural-looking colour scene, float32 (3, size, size) in [0, 1].

    Background: a smooth two-colour gradient (60% sky-like: a blue-ish or dusk top fading to a
    lighter bottom, near-vertical; otherwise two random colours at a random angle, with a random
    gamma on the ramp) plus low-frequency colour variation, and with probability 0.5 a ground
    region below a wavy anti-aliased horizon, with its own colour, shading and texture.
    Then 4-24 objects painted back to front (ellipses 45%, convex 3-8-gons 55%, log-uniform
    radius 2-40% of the side, anti-aliased edges, opacity 1 or U[0.5, 1]): saturated / pastel /
    neutral / dark colours, a soft linear shading across the object, 30% a soft highlight or
    shadow blob, 45% a texture (band-limited noise or stripes at periods of 2.5-48 px) modulating
    brightness and colour. Then 0-6 thin anti-aliased lines / polylines (width 0.8-3 px).
    Finally a soft global illumination field (x 1 +- up to 0.25), 25% a mild Gaussian blur
    (sigma 0.4-1.2 px, optics), clipped to [0, 1]."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)

    # ---- background
    if rng.random() < 0.6:
        top = np.array(__import__("colorsys").hsv_to_rgb(
            rng.uniform(0.52, 0.68) if rng.random() < 0.7 else rng.uniform(0.0, 0.12),
            rng.uniform(0.25, 0.8), rng.uniform(0.45, 1.0)))
        bottom = np.clip(top + rng.uniform(0.1, 0.5) * (1.0 - top) + rng.normal(0, 0.05, 3), 0, 1)
        th = math.pi / 2 + rng.normal(0, 0.15)
    else:
        top, bottom = random_colour(rng), random_colour(rng)
        th = rng.uniform(0, 2 * math.pi)
    proj = (xx - size / 2) * math.cos(th) + (yy - size / 2) * math.sin(th)
    t = (proj - proj.min()) / max(float(proj.max() - proj.min()), 1e-9)
    t = t ** rng.uniform(0.5, 2.0)
    img = top[:, None, None] * (1 - t) + bottom[:, None, None] * t
    img += rng.uniform(0.0, 0.08) * _noise_field(rng, size, size, size / rng.uniform(1.0, 4.0),
                                                  bandpass=False)[None] * rng.normal(0, 1, 3)[:, None, None]
    if rng.random() < 0.5:  # ground below a wavy horizon
        base = size * rng.uniform(0.35, 0.8)
        wave = size * rng.uniform(0.0, 0.12) * _noise_field(rng, 1, size, size / rng.uniform(1.0, 6.0), bandpass=False)[0]
        cov = np.clip(0.5 + (yy - (base + wave)[None, :]), 0.0, 1.0)
        gcol = random_colour(rng)
        shade = 1.0 + rng.uniform(-0.3, 0.3) * (yy - base) / size
        fill = gcol[:, None, None] * shade[None]
        if rng.random() < 0.6:
            fill = fill * (1.0 + rng.uniform(0.05, 0.35) * _texture(rng, size, size, yy, xx))[None]
        img = img * (1 - cov[None]) + fill * cov[None]

    # ---- objects
    for _ in range(int(rng.integers(4, 25))):
        r = size * math.exp(rng.uniform(math.log(0.02), math.log(0.4)))
        cy, cx = rng.uniform(-0.1, 1.1) * size, rng.uniform(-0.1, 1.1) * size
        y0, y1 = max(int(cy - r) - 2, 0), min(int(cy + r) + 3, size)
        x0, x1 = max(int(cx - r) - 2, 0), min(int(cx + r) + 3, size)
        if y1 - y0 < 2 or x1 - x0 < 2:
            continue
        ly, lx = yy[y0:y1, x0:x1], xx[y0:y1, x0:x1]
        aspect = rng.uniform(0.3, 1.0)
        rot = rng.uniform(0, math.pi)
        if rng.random() < 0.45:
            cov = _ellipse_coverage(ly, lx, cy, cx, r, r * aspect, rot)
        else:
            k = int(rng.integers(3, 9))
            if k == 4 and rng.random() < 0.5:  # near-rectangles
                ang = rng.uniform(0, 2 * math.pi) + np.array([0, 0.5, 1.0, 1.5]) * math.pi + rng.normal(0, 0.05, 4)
            else:
                ang = np.sort(rng.uniform(0, 2 * math.pi, k))
            u, v = r * np.cos(ang), r * aspect * np.sin(ang)
            c, s_ = math.cos(rot), math.sin(rot)
            verts = np.stack([cy + u * s_ + v * c, cx + u * c - v * s_], axis=1)
            cov = _convex_polygon_coverage(ly, lx, verts)
        if float(cov.max()) <= 0.0:
            continue
        if rng.random() < 0.3:
            cov = cov * rng.uniform(0.5, 1.0)
        col = random_colour(rng)
        g = rng.uniform(0, 2 * math.pi)
        shade = 1.0 + rng.uniform(-0.45, 0.45) * ((lx - cx) * math.cos(g) + (ly - cy) * math.sin(g)) / r
        if rng.random() < 0.3:  # highlight or shadow blob
            hy, hx = cy + rng.uniform(-0.5, 0.5) * r, cx + rng.uniform(-0.5, 0.5) * r
            shade = shade + rng.uniform(-0.4, 0.5) * np.exp(-((ly - hy) ** 2 + (lx - hx) ** 2) / (2 * (0.4 * r) ** 2))
        fill = col[:, None, None] * shade[None]
        if rng.random() < 0.45:
            tex = _texture(rng, y1 - y0, x1 - x0, ly, lx)
            amp = rng.uniform(0.05, 0.4)
            if rng.random() < 0.5:  # brightness modulation
                fill = fill * (1.0 + amp * tex)[None]
            else:  # towards a second colour
                col2 = random_colour(rng)
                fill = fill + (amp * tex)[None] * (col2 - col)[:, None, None]
        sub = img[:, y0:y1, x0:x1]
        img[:, y0:y1, x0:x1] = sub * (1 - cov[None]) + fill * cov[None]

    # ---- thin lines and polylines
    for _ in range(int(rng.integers(0, 7))):
        width = rng.uniform(0.8, 3.0)
        col = random_colour(rng)
        pts = [(rng.uniform(0, size), rng.uniform(0, size))]
        for _ in range(int(rng.integers(1, 5))):
            ln = size * rng.uniform(0.05, 0.5)
            a = rng.uniform(0, 2 * math.pi)
            pts.append((pts[-1][0] + ln * math.sin(a), pts[-1][1] + ln * math.cos(a)))
        d = None
        for (ay, ax), (by, bx) in zip(pts[:-1], pts[1:]):
            dd = _segment_distance(yy, xx, ay, ax, by, bx)
            d = dd if d is None else np.minimum(d, dd)
        cov = np.clip(width / 2 + 0.5 - d, 0.0, 1.0) * rng.uniform(0.6, 1.0)
        img = img * (1 - cov[None]) + col[:, None, None] * cov[None]

    # ---- global illumination, optics
    img = img * (1.0 + rng.uniform(0.0, 0.25) * np.clip(
        _noise_field(rng, size, size, size / rng.uniform(0.7, 2.5), bandpass=False), -2, 2))[None]
    if rng.random() < 0.25:
        img = _gaussian_blur(img, rng.uniform(0.4, 1.2))
    return np.clip(img, 0.0, 1.0).astype(np.float32)


def _load_skimage_colour(name):
    import skimage.data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = getattr(skimage.data, name)()
    if isinstance(im, tuple):  # stereo_motorcycle: (left, right, disparity)
        im = im[0]
    return np.asarray(im)


def load_skimage_colour_samples(names):
    """RGB float32 images (3, h, w) in [0, 1] for each colour sample that loads offline;
    returns (images, used, skipped). RGBA is composited on white (rgba2rgb)."""
    import skimage.color

    images, used, skipped = [], [], []
    for name in names:
        try:
            im = _load_skimage_colour(name)
        except Exception as exc:  # needs a download (no pooch / offline) / unknown name
            skipped.append(f"{name} ({type(exc).__name__})")
            continue
        if im.ndim != 3 or im.shape[-1] not in (3, 4):
            skipped.append(f"{name} (not RGB: shape {tuple(im.shape)})")
            continue
        if im.shape[-1] == 4:
            im = skimage.color.rgba2rgb(im)  # float in [0, 1]
        elif im.dtype == np.uint8:
            im = im / 255.0
        im = np.clip(np.asarray(im, np.float64), 0.0, 1.0)
        if float(im.max() - im.min()) < 1e-6 or min(im.shape[:2]) < PATCH:
            skipped.append(f"{name} (too small or flat)")
            continue
        images.append(np.ascontiguousarray(im.transpose(2, 0, 1)).astype(np.float32))
        used.append(f"{name} {tuple(im.shape)}")
    return images, used, skipped


def random_crop_aug_chw(rng, img, p, tries=4):
    """random_crop_aug for a (c, h, w) array: crop (redrawn while flat), rot90, horizontal flip."""
    _, h, w = img.shape
    for _ in range(tries):
        y = int(rng.integers(0, h - p + 1))
        x = int(rng.integers(0, w - p + 1))
        patch = img[:, y:y + p, x:x + p]
        if float(patch.std()) > 0.01:
            break
    patch = np.rot90(patch, int(rng.integers(0, 4)), axes=(1, 2))
    if rng.random() < 0.5:
        patch = patch[:, :, ::-1]
    return np.ascontiguousarray(patch)


# --------------------------------------------------------------------------------------------
# Model helpers
# --------------------------------------------------------------------------------------------
def build_model(channels=1):
    import deepinv as dinv

    return dinv.models.DRUNet(in_channels=channels, out_channels=channels, nc=NC, nb=NB, pretrained=None)


def start_as_identity(model):
    """Residual start: the network begins as the identity map and learns the correction.

    The head -> skip -> tail path of DRUNet is linear (no activation), so making head channel 0 a
    centred delta on the image channel and the tail a delta on channel 0 passes the input through;
    the other tail weights and the last up-sampling layer (whose output scales linearly with its
    weight, the network being bias-free and ReLU positively homogeneous) are shrunk so the
    learned branch starts small. Without it, 30 CPU minutes left the net below the identity at
    sigma = 0.01 (it had to learn to reproduce the image first)."""
    with torch.no_grad():
        head = model.m_head.weight  # [nc0, 2, 3, 3]
        head[0].zero_()
        head[0, 0, 1, 1] = 1.0
        tail = model.m_tail.weight  # [1, nc0, 3, 3]
        tail.mul_(0.05)
        tail[0, 0].zero_()
        tail[0, 0, 1, 1] = 1.0
        model.m_up1[0].weight.mul_(0.1)


def start_as_identity_colour(model, channels=3):
    """start_as_identity for `channels` image channels: head channel c (c < channels) is a centred
    delta on image channel c (zero on the other image channels and on the sigma map), tail channel c
    a centred delta on head channel c and zero on the other identity channels; the remaining tail
    weights x0.05 and m_up1.0 x0.1, as in the grey recipe."""
    with torch.no_grad():
        head = model.m_head.weight  # [nc0, channels + 1, 3, 3]
        tail = model.m_tail.weight  # [channels, nc0, 3, 3]
        tail.mul_(0.05)
        for c in range(channels):
            head[c].zero_()
            head[c, c, 1, 1] = 1.0
            tail[:, c].zero_()
            tail[c, c, 1, 1] = 1.0
        model.m_up1[0].weight.mul_(0.1)


def psnr(x, ref):
    mse = float(np.mean((np.asarray(x, np.float64) - np.asarray(ref, np.float64)) ** 2))
    return -10.0 * math.log10(mse)


def validation_set(channels=1):
    """16 held-out phantoms (seed VAL_SEED) and fixed noise for each validation sigma
    (colour: 16 held-out colour scenes from the same seed)."""
    rng = np.random.default_rng(VAL_SEED)
    if channels == 1:
        clean = np.stack([random_ellipse_phantom(rng, VAL_SIZE) for _ in range(VAL_COUNT)])
    else:
        clean = np.stack([random_colour_scene(rng, VAL_SIZE) for _ in range(VAL_COUNT)])
    noise_rng = np.random.default_rng([VAL_SEED, 1])
    noise = {s: noise_rng.standard_normal(clean.shape).astype(np.float32) for s in VAL_SIGMAS}
    return clean, noise


@torch.no_grad()
def _denoise(model, y, s):
    """model on one (h, w) grey or (c, h, w) colour float32 image, returned in the same layout."""
    x = torch.from_numpy(np.ascontiguousarray(y))
    x = x[None, None] if y.ndim == 2 else x[None]
    out = model(x, torch.full((1, 1, 1, 1), s)).numpy()[0]
    return out[0] if y.ndim == 2 else out


@torch.no_grad()
def evaluate(model, clean, noise, count=None):
    """Per sigma: mean PSNR (max_pixel 1) of noisy and denoised against clean."""
    model.eval()
    n = clean.shape[0] if count is None else count
    table = []
    for s in VAL_SIGMAS:
        noisy_psnr, den_psnr = [], []
        for i in range(n):
            x = clean[i]
            y = x + s * noise[s][i]
            out = _denoise(model, y, s)
            noisy_psnr.append(psnr(y, x))
            den_psnr.append(psnr(out, x))
        table.append({
            "sigma": s,
            "noisy_psnr_db": round(float(np.mean(noisy_psnr)), 3),
            "denoised_psnr_db": round(float(np.mean(den_psnr)), 3),
            "gain_db": round(float(np.mean(den_psnr) - np.mean(noisy_psnr)), 3),
        })
    model.train()
    return table


@torch.no_grad()
def evaluate_image(model, img, sigmas, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for s in sigmas:
        y = img + s * rng.standard_normal(img.shape).astype(np.float32)
        out = _denoise(model, y, s)
        rows.append({"sigma": s, "noisy_psnr_db": round(psnr(y, img), 3),
                     "denoised_psnr_db": round(psnr(out, img), 3),
                     "gain_db": round(psnr(out, img) - psnr(y, img), 3)})
    return rows


def fmt_table(table):
    return "  ".join(f"s={r['sigma']:.2f}: {r['noisy_psnr_db']:.2f}->{r['denoised_psnr_db']:.2f} "
                     f"({r['gain_db']:+.2f} dB)" for r in table)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, required=True,
                    help="hard wall-clock cap on the training loop (periodic validation included)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    ap.add_argument("--val-every", type=float, default=5.0,
                    help="minutes between progress validations (default 5)")
    ap.add_argument("--log-every", type=int, default=50, help="iterations between loss lines")
    ap.add_argument("--channels", type=int, choices=(1, 3), default=1,
                    help="1: the grey model drunet_bundled_gray (default); 3: the colour model "
                         "drunet_bundled_color, trained on procedural colour scenes and colour photos")
    ap.add_argument("--resume", default=None,
                    help="continue from these weights (a .safetensors file this script wrote) instead of the "
                         "identity start; a fresh warm-up + cosine schedule runs over --minutes")
    ap.add_argument("--low-sigma-items", type=int, default=0,
                    help=f"items per batch whose sigma is drawn from U[0, {LOW_SIGMA_MAX}] instead of "
                         f"U[0, {SIGMA_MAX}] (default 0: every item from the wide range)")
    args = ap.parse_args()
    if not 0 <= args.low_sigma_items <= BATCH:
        ap.error(f"--low-sigma-items: expected 0..{BATCH}, got {args.low_sigma_items}")
    colour = args.channels == 3
    name = NAME_COLOR if colour else NAME

    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(TRAIN_SEED)
    rng = np.random.default_rng(TRAIN_SEED)

    import deepinv
    import safetensors
    import skimage
    from safetensors.torch import save_file, load_file

    os.makedirs(args.out, exist_ok=True)
    print(f"torch {torch.__version__}, deepinv {deepinv.__version__}, numpy {np.__version__}, "
          f"scikit-image {skimage.__version__}, threads {torch.get_num_threads()}", flush=True)

    # ---- data
    if colour:
        samples, used, skipped = load_skimage_colour_samples(SKIMAGE_COLOR_SAMPLES)
        make_scene, scene_sizes, crop, n_gen = random_colour_scene, SCENE_SIZES, random_crop_aug_chw, SCENES_PER_BATCH
    else:
        samples, used, skipped = load_skimage_samples(SKIMAGE_SAMPLES)
        make_scene, scene_sizes, crop, n_gen = random_ellipse_phantom, PHANTOM_SIZES, random_crop_aug, ELLIPSE_PER_BATCH
    print(f"scikit-image samples used ({len(used)}): {', '.join(used)}", flush=True)
    if skipped:
        print(f"skipped: {', '.join(skipped)}", flush=True)
    t_pool = time.time()
    pool = [make_scene(rng, int(rng.choice(scene_sizes))) for _ in range(POOL_SIZE)]
    phantoms_made = POOL_SIZE
    if colour:
        print(f"scene pool of {POOL_SIZE} built in {time.time() - t_pool:.1f} s", flush=True)
    val_clean, val_noise = validation_set(args.channels)

    # ---- model, optimiser
    model = build_model(args.channels)
    resumed = None
    if args.resume:
        with open(args.resume, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        model.load_state_dict({k: v.float() for k, v in load_file(args.resume).items()})
        previous = os.path.splitext(args.resume)[0] + ".json"
        prior = json.load(open(previous)) if os.path.exists(previous) else {}
        resumed = {"file": os.path.basename(args.resume), "sha256": digest,
                   "previous_iterations": prior.get("training", {}).get("iterations"),
                   "previous_minutes_budget": prior.get("training", {}).get("minutes_budget"),
                   "previous_continuation": prior.get("continuation"), "previous_validation": prior.get("validation")}
        print(f"resumed from {args.resume} (sha256 {digest[:12]}…)", flush=True)
    elif colour:
        start_as_identity_colour(model, args.channels)
    else:
        start_as_identity(model)
    model.train()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"DRUNet nc={NC} nb={NB}: {n_params} parameters", flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=LR_PEAK, betas=(0.9, 0.999))
    budget = args.minutes * 60.0

    def lr_at(progress):
        """Linear warm-up over the first 3% of the time budget, then cosine to 1% of the peak.
        Progress is the fraction of the wall-clock budget spent (the iteration count is not
        known in advance under a wall-clock cap)."""
        if progress < WARMUP_FRACTION:
            return LR_PEAK * max(progress / WARMUP_FRACTION, 0.02)
        q = min((progress - WARMUP_FRACTION) / (1 - WARMUP_FRACTION), 1.0)
        return LR_PEAK * (LR_FINAL_FRACTION + (1 - LR_FINAL_FRACTION) * 0.5 * (1 + math.cos(math.pi * q)))

    # ---- training loop
    t0 = time.time()
    next_val = t0 + args.val_every * 60.0
    it = 0
    loss_acc, loss_n = 0.0, 0
    history = []
    while True:
        elapsed = time.time() - t0
        if elapsed >= budget:
            break
        lr = lr_at(elapsed / budget)
        for g in opt.param_groups:
            g["lr"] = lr

        # refresh part of the phantom pool, then draw the batch
        for _ in range(POOL_REFRESH_PER_ITER):
            pool[int(rng.integers(0, POOL_SIZE))] = make_scene(rng, int(rng.choice(scene_sizes)))
            phantoms_made += 1
        patches = [crop(rng, pool[int(rng.integers(0, POOL_SIZE))], PATCH)
                   for _ in range(n_gen)]
        patches += [crop(rng, samples[int(rng.integers(0, len(samples)))], PATCH)
                    for _ in range(BATCH - n_gen)]
        clean = torch.from_numpy(np.stack(patches) if colour else np.stack(patches)[:, None])
        sigma_draw = rng.uniform(0.0, SIGMA_MAX, size=(BATCH, 1, 1, 1))
        if args.low_sigma_items:
            sigma_draw[BATCH - args.low_sigma_items:] *= LOW_SIGMA_MAX / SIGMA_MAX
        sigma = torch.from_numpy(sigma_draw.astype(np.float32))
        noise = torch.from_numpy(rng.standard_normal(clean.shape).astype(np.float32))
        noisy = clean + sigma * noise

        out = model(noisy, sigma)
        loss = torch.nn.functional.l1_loss(out, clean)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        opt.step()
        it += 1
        loss_acc += loss.item()
        loss_n += 1

        if it % args.log_every == 0:
            el = time.time() - t0
            print(f"it {it:6d}  {el / 60:6.2f} min  lr {lr:.2e}  L1 {loss_acc / loss_n:.5f}  "
                  f"{it / el:.2f} it/s", flush=True)
            loss_acc, loss_n = 0.0, 0
        if time.time() >= next_val and time.time() - t0 < budget:
            tab = evaluate(model, val_clean, val_noise, PROGRESS_VAL_COUNT)
            el = time.time() - t0
            history.append({"iteration": it, "minutes": round(el / 60, 2), "table": tab})
            print(f"[val {PROGRESS_VAL_COUNT} held-out {'scenes' if colour else 'phantoms'}, float32] it {it}  {el / 60:.2f} min  "
                  f"{fmt_table(tab)}", flush=True)
            next_val = time.time() + args.val_every * 60.0
    train_seconds = time.time() - t0
    print(f"training stopped after {it} iterations, {train_seconds / 60:.2f} min", flush=True)

    # ---- save float16 weights, keys exactly as deepinv's state_dict()
    state = model.state_dict()
    half = {k: v.detach().to(torch.float16).contiguous() for k, v in state.items()}
    wpath = os.path.join(args.out, f"{name}.safetensors")
    save_file(half, wpath, metadata={
        "format": "pt", "model": "deepinv.models.DRUNet",
        "in_channels": str(args.channels), "out_channels": str(args.channels),
        "nc": ",".join(map(str, NC)), "nb": str(NB), "act_mode": "R",
        "downsample_mode": "strideconv", "upsample_mode": "convtranspose", "bias": "false",
    })
    os.chmod(wpath, 0o644)
    size = os.path.getsize(wpath)
    with open(wpath, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()

    # ---- evaluate the weights exactly as shipped: float16 file -> float32 model
    shipped = build_model(args.channels)
    loaded = load_file(wpath)
    assert set(loaded) == set(half)  # safetensors stores keys sorted; the JSON keeps state_dict order
    shipped.load_state_dict({k: v.to(torch.float32) for k, v in loaded.items()}, strict=True)
    shipped.eval()
    table = evaluate(shipped, val_clean, val_noise)
    table_live = evaluate(model, val_clean, val_noise)
    print(f"[final, {VAL_COUNT} held-out {'scenes' if colour else 'phantoms'}, float16 weights cast to float32] "
          f"{fmt_table(table)}", flush=True)
    print(f"[final, same, live float32 weights] {fmt_table(table_live)}", flush=True)

    extra = None
    heldout = None
    if colour:  # informative extra: the colour photos kept out of training
        heldout = {}
        for hname in SKIMAGE_COLOR_HELDOUT:
            try:
                ims, hused, _ = load_skimage_colour_samples([hname])
                if not ims:
                    raise RuntimeError("does not load offline")
                im = ims[0]
                hh, ww = (im.shape[1] // 16) * 16, (im.shape[2] // 16) * 16  # top-left crop to multiples of 16
                im = np.ascontiguousarray(im[:, :hh, :ww])
                rows = evaluate_image(shipped, im, VAL_SIGMAS, VAL_SEED + 7)
                heldout[hname] = {"image": hused[0], "evaluated_crop": f"top-left 3x{hh}x{ww}", "table": rows}
                print(f"[held-out photo: skimage {hname} 3x{hh}x{ww}, float16 weights] {fmt_table(rows)}", flush=True)
            except Exception as exc:
                heldout[hname] = {"skipped": str(exc)}
                print(f"held-out photo {hname} skipped: {exc}", flush=True)
    else:  # informative extra: scikit-image's Shepp-Logan phantom (not used in training)
        try:
            import skimage.data
            import skimage.transform
            extra = {}
            for n in (128, 256):
                sl = skimage.transform.resize(skimage.data.shepp_logan_phantom(), (n, n), anti_aliasing=True)
                sl = np.clip(sl, 0, 1).astype(np.float32)
                extra[f"{n}x{n}"] = evaluate_image(shipped, sl, VAL_SIGMAS, VAL_SEED + 7)
                print(f"[extra: skimage Shepp-Logan {n}x{n}, float16 weights] {fmt_table(extra[f'{n}x{n}'])}", flush=True)
        except Exception as exc:
            print(f"Shepp-Logan check skipped: {exc}", flush=True)

    keys = list(half.keys())
    meta = {
        "name": name,
        "weights_file": f"{name}.safetensors",
        "weights_sha256": sha,
        "file_size_bytes": size,
        "dtype": "float16",
        "architecture": {
            "class": "deepinv.models.DRUNet", "in_channels": 1, "out_channels": 1,
            "input_channels_with_sigma_map": 2, "nc": list(NC), "nb": NB, "act_mode": "R",
            "downsample_mode": "strideconv", "upsample_mode": "convtranspose", "bias": False,
            "global_residual": False,
        },
        "parameter_count": n_params,
        "tensor_count": len(keys),
        "keys": keys,
        "data_recipe": {
            "patch_size": PATCH,
            "batch_size": BATCH,
            "per_batch": {"random_ellipse_phantoms": ELLIPSE_PER_BATCH,
                          "skimage_samples": BATCH - ELLIPSE_PER_BATCH},
            "random_ellipse_phantoms": (
                f"square, side drawn from {list(PHANTOM_SIZES)}, Shepp-Logan-like: body ellipse (grey U[0.35,0.9], centre within "
                "+-8% of the middle, semi-axes 30-48% / 22-46% of the size, random rotation), with probability 0.6 a "
                "brighter rim of thickness 0.6-6% of the side, at least 1.2 pixels (extra U[0.15,0.6]), then 3-14 inner ellipses (random centres inside "
                "the body, semi-axes log-uniform 1-30% of the size with aspect U[0.25,1], rotation U[0,pi), additive "
                "grey +-U[0.01,0.1] or +-U[0.1,0.45] with equal odds), sum clipped to [0,1]; anti-aliased by a "
                "one-pixel linear ramp across each boundary (first-order signed distance)"),
            "phantom_pool": (f"{POOL_SIZE} phantoms, {POOL_REFRESH_PER_ITER} replaced by fresh ones per iteration; "
                             f"{phantoms_made} phantoms generated in all"),
            "skimage_samples_used": used,
            "skimage_samples_skipped": skipped,
            "skimage_scaling": "colour to grey with rgb2gray (RGBA via rgba2rgb), uint8 divided by 255, bool to 0/1",
            "augmentation": "random crop (redrawn up to 4 times while its std is <= 0.01, e.g. all background), random rot90, random horizontal flip",
            "noise": f"additive white Gaussian, sigma ~ U[0, {SIGMA_MAX}] per item, noisy input not clipped",
            "sigma_input": "model(x_noisy, sigma) with sigma of shape (B,1,1,1) = the true sigma (DeepInverse expands it to the noise-level map channel)",
        },
        "continuation": None if resumed is None else {**resumed, "low_sigma_items": args.low_sigma_items,
                                                      "low_sigma_max": LOW_SIGMA_MAX},
        "training": {
            "loss": "L1 on the clean image",
            "optimiser": {"name": "Adam", "betas": [0.9, 0.999], "weight_decay": 0.0,
                          "lr_peak": LR_PEAK, "grad_clip_norm": GRAD_CLIP},
            "schedule": (f"linear warm-up over the first {WARMUP_FRACTION:.0%} of the wall-clock budget, then cosine "
                         f"to {LR_FINAL_FRACTION} x peak at the end of the budget (progress = elapsed / budget)"),
            "init": ("DeepInverse's default for pretrained=None (orthogonal, gain 0.2), then a residual start: "
                     "head channel 0 and tail channel 0 set to centred deltas (the linear head-skip-tail path "
                     "passes the input through), other tail weights x0.05, m_up1.0 x0.1"),
            "seeds": {"torch": TRAIN_SEED, "numpy_training": TRAIN_SEED, "validation": VAL_SEED},
            "deterministic": "seeded (torch, numpy); torch.use_deterministic_algorithms is not set (it cost ~14% "
                             "per step on CPU) and the lr follows the wall clock, so the iteration count (and hence "
                             "the weights) depends on machine speed and load",
            "threads": torch.get_num_threads(),
            "minutes_budget": args.minutes,
            "iterations": it,
            "training_wall_seconds": round(train_seconds, 1),
            "total_wall_seconds": round(time.time() - t_start, 1),
            "progress_validation": history,
        },
        "validation": {
            "description": (f"{VAL_COUNT} held-out random-ellipse phantoms of {VAL_SIZE}x{VAL_SIZE} from the same "
                            f"generator with seed {VAL_SEED} (never used in training), fixed Gaussian noise, "
                            "sigma map = true sigma; model in float32 with the saved float16 weights cast back; "
                            "PSNR = -10 log10(MSE), max_pixel 1, averaged over the phantoms"),
            "table": table,
            "table_live_float32_weights": table_live,
            "extra_skimage_shepp_logan": extra,
        },
        "versions": {
            "python": platform.python_version(), "torch": torch.__version__, "deepinv": deepinv.__version__,
            "numpy": np.__version__, "scikit-image": skimage.__version__, "safetensors": safetensors.__version__,
        },
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
    }
    if colour:
        meta["architecture"].update({"in_channels": 3, "out_channels": 3, "input_channels_with_sigma_map": 4})
        meta["data_recipe"] = {
            "patch_size": PATCH,
            "batch_size": BATCH,
            "per_batch": {"procedural_colour_scenes": SCENES_PER_BATCH,
                          "skimage_colour_samples": BATCH - SCENES_PER_BATCH},
            "procedural_colour_scenes": (
                f"square, side drawn from {list(SCENE_SIZES)}, float RGB in [0,1] (tools/train_denoiser.py: "
                "random_colour_scene): " + " ".join(random_colour_scene.__doc__.split("\n\n", 1)[1].split())),
            "colours": " ".join(random_colour.__doc__.split()) + " Hue uniform; HSV to RGB.",
            "scene_pool": (f"{POOL_SIZE} scenes, {POOL_REFRESH_PER_ITER} replaced by a fresh one per iteration; "
                           f"{phantoms_made} scenes generated in all"),
            "skimage_samples_used": used,
            "skimage_samples_skipped": skipped,
            "skimage_samples_held_out": SKIMAGE_COLOR_HELDOUT,
            "skimage_scaling": "uint8 divided by 255, RGBA composited on white with rgba2rgb, "
                               "stereo_motorcycle: the left image",
            "augmentation": "random crop (redrawn up to 4 times while its std over the 3 channels is <= 0.01), "
                            "random rot90, random horizontal flip; no colour augmentation",
            "noise": (f"additive white Gaussian, independent per channel and pixel, sigma ~ U[0, {SIGMA_MAX}] per "
                      "item (the same for its 3 channels), noisy input not clipped"),
            "sigma_input": meta["data_recipe"]["sigma_input"],
        }
        meta["training"]["init"] = (
            "DeepInverse's default for pretrained=None (orthogonal, gain 0.2), then a residual start: head "
            "channels 0..2 set to centred deltas on image channels 0..2 (zero on the other image channels and "
            "on the sigma map), tail channel c to a centred delta on head channel c and zero on head channels "
            "0..2 otherwise (the linear head-skip-tail path passes the input through), the other tail weights "
            "x0.05, m_up1.0 x0.1")
        meta["validation"] = {
            "description": (f"{VAL_COUNT} held-out procedural colour scenes of {VAL_SIZE}x{VAL_SIZE} from the same "
                            f"generator with seed {VAL_SEED} (never used in training), fixed Gaussian noise, "
                            "sigma map = true sigma; model in float32 with the saved float16 weights cast back; "
                            "PSNR = -10 log10(MSE) with the MSE over all 3 channels, max_pixel 1, averaged over "
                            "the scenes"),
            "table": table,
            "table_live_float32_weights": table_live,
            "extra_skimage_held_out_photos": {
                "description": ("scikit-image colour samples kept out of training, top-left crop to multiples "
                                f"of 16, noise seed {VAL_SEED + 7}, float16 weights cast to float32, for information"),
                "results": heldout,
            },
        }
    jpath = os.path.join(args.out, f"{name}.json")
    with open(jpath, "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"wrote {wpath} ({size} bytes, {size / 1e6:.2f} MB) and {jpath}", flush=True)


if __name__ == "__main__":
    main()
