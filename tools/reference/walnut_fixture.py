"""Writes Tests/DatasetsTests/Fixtures/walnut/: tiny stand-ins for the two real walnut sources of
the tomography_3d dataset, and walnut_expected.json with values computed here (numpy, float64)
that the Swift readers must reproduce.

Run with the peer venv (torch, numpy, tifffile), from anywhere:
    /tmp/peer/venv/bin/python tools/reference/walnut_fixture.py

See tools/README.md, section "Walnut fixture", for the layout and the assumptions.
"""

import json
import pathlib
import platform
import shutil

import numpy as np
import tifffile
import torch

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/DatasetsTests/Fixtures/walnut"
DEPTH, HEIGHT, WIDTH = 12, 11, 13  # [D, H, W]: three different sides so that a swapped axis shows
ROWS, COLUMNS = 10, 8  # detector rows (v) and columns (u), portrait like the real 972 x 768
ANGLES = 16  # views of the full scan (the real scans have 1200)
PROBLEM = {"num_projections": 5, "num_operators": 2}


def cone_orbit(count, seed):
    """ASTRA cone_vec rows (source, detector centre, u, v) in mm of a walnut-like orbit: the CWI
    distances (source-axis 66.01, source-detector 199.01), cells large enough for the detector to
    see the whole 1.3 mm volume, and small seeded tilts and shifts like a calibrated scan."""
    rng = np.random.default_rng(seed)
    theta = 2 * np.pi * np.arange(count) / count
    sod, sdd, pitch = 66.01088, 199.011551, 0.6
    s, c, zero = np.sin(theta), np.cos(theta), np.zeros(count)
    source = np.stack([s, -c, zero], 1) * sod + [0.02, -0.01, 0.3]
    detector = np.stack([-s, c, zero], 1) * (sdd - sod) + [0.05, 0.03, -0.2]
    u = np.stack([c, s, zero + 0.004], 1) * pitch
    v = np.stack([zero + 0.003, zero - 0.002, zero + 1.0], 1) * pitch
    vecs = np.concatenate([source, detector, u, v], 1)
    return vecs + rng.normal(0, 1e-4, vecs.shape)


def smooth_volume(seed):
    rng = np.random.default_rng(seed)
    k, i, j = np.meshgrid(np.arange(DEPTH), np.arange(HEIGHT), np.arange(WIDTH), indexing="ij")
    ball = ((k - 5.5) / 5) ** 2 + ((i - 5) / 4.5) ** 2 + ((j - 6) / 5.5) ** 2 < 1
    return (0.02 * ball + 0.001 * (k + 2 * i + 3 * j) / 30 + rng.normal(0, 2e-4, ball.shape)).astype(np.float32)


def sinogram_values(seed):
    """[angles, rows, columns] line-integral-like values: a smooth bump per view plus noise."""
    rng = np.random.default_rng(seed)
    a, r, u = np.meshgrid(np.arange(ANGLES), np.arange(ROWS), np.arange(COLUMNS), indexing="ij")
    bump = np.exp(-(((r - 4.5) / 3) ** 2 + ((u - 3.5 - np.sin(a / 3)) / 2.5) ** 2))
    return 0.5 * bump + 0.01 * a + 0.001 * r + 0.0001 * u + rng.normal(0, 1e-3, bump.shape)


def samples(array, positions):
    """[position..., value] for each position; the value is the float32 that a reader returns."""
    return [list(p) + [float(np.float32(array[p]))] for p in positions]


def write_pt_files(volume, sinogram, vecs, expected):
    """The reference's layout, and one with other dtypes, a strided sinogram and a non-tensor."""
    (OUTPUT / "pt").mkdir(parents=True)
    torch.save({"dense_reconstruction": torch.from_numpy(volume),
                "sinogram": torch.from_numpy(sinogram.astype(np.float32)),
                "vecs": torch.from_numpy(vecs)}, OUTPUT / "pt/Walnut-CBCT_8.pt")
    (OUTPUT / "pt_mixed").mkdir()
    stored = torch.from_numpy(np.ascontiguousarray(sinogram.transpose(1, 0, 2)))  # [R, A, U]
    torch.save({"note": "float16 volume, float64 strided sinogram, float32 vecs",
                "vecs": torch.from_numpy(vecs.astype(np.float32)),
                "sinogram": stored.permute(1, 0, 2),
                "dense_reconstruction": torch.from_numpy(volume.astype(np.float16))},
               OUTPUT / "pt_mixed/Walnut-CBCT_8.pt")
    (OUTPUT / "pt_bad").mkdir()
    good = {"dense_reconstruction": torch.from_numpy(volume), "sinogram": torch.from_numpy(sinogram.astype(np.float32))}
    torch.save({**good, "vecs": torch.from_numpy(vecs[:, :11])}, OUTPUT / "pt_bad/vecs_11_columns.pt")
    torch.save({**good, "vecs": torch.from_numpy(vecs[:-1])}, OUTPUT / "pt_bad/vecs_15_angles.pt")
    torch.save(good, OUTPUT / "pt_bad/no_vecs.pt")
    torch.save({**good, "vecs": torch.from_numpy(vecs), "dense_reconstruction": torch.from_numpy(volume[0])},
               OUTPUT / "pt_bad/volume_2d.pt")

    volume_at = [(0, 0, 0), (5, 4, 7), (11, 10, 12), (3, 9, 1)]
    sinogram_at = [(0, 0, 0), (7, 4, 3), (15, 9, 7), (11, 2, 6)]
    expected["pt"] = {
        "volume_shape": [DEPTH, HEIGHT, WIDTH], "sinogram_shape": [ANGLES, ROWS, COLUMNS],
        "volume_samples": samples(volume, volume_at),
        "volume_samples_float16": samples(volume.astype(np.float16), volume_at),
        "sinogram_samples": samples(sinogram.astype(np.float32), sinogram_at),
        "sinogram_samples_from_float64": samples(sinogram, sinogram_at),
        "vecs": vecs.tolist(),
        "vecs_from_float32": vecs.astype(np.float32).astype(np.float64).tolist(),
    }
    expected["pt"]["problem"] = problem_values(sinogram.astype(np.float32), ANGLES)


def problem_values(sinogram, total):
    """What tomography_3d must build from a full sinogram [angles, R, U] of `total` views:
    torch.linspace view picks, balanced contiguous blocks, measurements [1, 1, R, V_k, U]."""
    n, k = PROBLEM["num_projections"], PROBLEM["num_operators"]
    indices = torch.linspace(0, total - 1, steps=n, dtype=torch.long).tolist()
    sizes = [n // k + (1 if b < n % k else 0) for b in range(k)]
    starts = np.cumsum([0] + sizes)
    picked = sinogram[indices].transpose(1, 0, 2)  # [R, n, U]
    blocks = [picked[:, starts[b]:starts[b + 1], :][None, None] for b in range(k)]
    positions = [(0, 0, 0), (ROWS - 1, 1, COLUMNS - 1), (4, 0, 3), (7, 1, 2)]
    return {**PROBLEM, "view_indices": indices, "measurement_shapes": [list(b.shape) for b in blocks],
            "measurement_samples": [[b, r, v, u, float(np.float32(blocks[b][0, 0, r, v, u]))]
                                    for b in range(k) for (r, v, u) in positions if v < sizes[b]]}


def trafo(image):
    """The CWI reading transform (portrait-mode acquisition): flip up-down, then transpose."""
    return np.transpose(np.flipud(image))


def write_cwi_layout(volume, expected):
    """Walnut8/Projections/tubeV2 and Walnut8/Reconstructions as in the Zenodo zips, tiny."""
    rng = np.random.default_rng(3)
    tube = OUTPUT / "cwi/Walnut8/Projections/tubeV2"
    tube.mkdir(parents=True)
    raw_shape = (COLUMNS, ROWS)  # the files are stored portrait: [U, R] before the transform
    dark = np.rint(100 + rng.normal(0, 3, raw_shape)).astype(np.uint16)
    flats = [np.rint(50000 + 800 * np.linspace(-1, 1, ROWS)[None, :] + rng.normal(0, 50, raw_shape)).astype(np.uint16)
             for _ in range(2)]
    tifffile.imwrite(tube / "di000000.tif", dark)
    for index, flat in enumerate(flats):
        tifffile.imwrite(tube / f"io00000{index}.tif", flat)
    # Views k = 0 … ANGLES − 1 are the files scan_(ANGLES − k); scan_000000 repeats view 0's angle.
    attenuation = sinogram_values(5)  # [views, R, U] in the geometry's layout
    raws = {}
    for k in range(ANGLES + 1):
        view = k % ANGLES
        flat = 0.5 * (trafo(flats[0]).astype(np.float64) + trafo(flats[1]))
        detector = trafo(dark) + (flat - trafo(dark)) * np.exp(-attenuation[view])
        raw = np.rint(np.transpose(detector)[::-1] + rng.normal(0, 2, raw_shape))  # undo flipud(transpose)
        raws[ANGLES - k] = raw.astype(np.uint16)
    for number, raw in raws.items():
        # One big-endian file and one compressed file, so that both paths of libtiff are used.
        options = {"byteorder": ">"} if number == 3 else {"compression": "zlib"} if number == 4 else {}
        tifffile.imwrite(tube / f"scan_{number:06}.tif", raw, **options)
    vecs = cone_orbit(ANGLES + 1, 11)
    vecs[ANGLES] = vecs[0]
    np.savetxt(tube / "scan_geom_corrected.geom", vecs, fmt="%.10f", delimiter=" ")
    reconstructions = OUTPUT / "cwi/Walnut8/Reconstructions"
    reconstructions.mkdir()
    for slice_index in range(DEPTH):
        tifffile.imwrite(reconstructions / f"full_AGD_50_{slice_index:06}.tiff", volume[slice_index])
    tifffile.imwrite(reconstructions / "fdk_pos2_000000.tiff", volume[0])  # not ground truth: ignored

    # The CWI preprocessing, in float64: reverse order, transform, dark/flat, −log.
    dark64 = trafo(tifffile.imread(tube / "di000000.tif")).astype(np.float64)
    flat64 = 0.5 * sum(trafo(tifffile.imread(tube / f"io00000{i}.tif")).astype(np.float64) for i in range(2))
    projections = np.stack([-np.log((trafo(tifffile.imread(tube / f"scan_{ANGLES - k:06}.tif")).astype(np.float64) - dark64)
                                    / (flat64 - dark64)) for k in range(ANGLES)])
    at = [(0, 0, 0), (1, 9, 7), (12, 4, 3), (13, 2, 5), (15, 5, 1)]  # views 12, 13 are files 4, 3
    expected["cwi"] = {
        "folder": "cwi/Walnut8", "views": ANGLES, "volume_shape": [DEPTH, HEIGHT, WIDTH],
        "detector": [ROWS, COLUMNS],
        "vecs": np.loadtxt(tube / "scan_geom_corrected.geom")[:ANGLES].tolist(),
        "projection_samples": samples(projections, at),
        "volume_samples": samples(volume, [(0, 0, 0), (5, 4, 7), (11, 10, 12)]),
    }
    expected["cwi"]["problem"] = problem_values(projections, ANGLES)
    tifffile.imwrite(OUTPUT / "cwi_rgb.tif", np.zeros((3, 4, 3), np.uint8), photometric="rgb")


def main():
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    OUTPUT.mkdir(parents=True)
    expected = {"versions": {"python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
                             "tifffile": tifffile.__version__}}
    volume = smooth_volume(1)
    write_pt_files(volume, sinogram_values(2), cone_orbit(ANGLES, 7), expected)
    write_cwi_layout(volume, expected)
    (OUTPUT / "walnut_expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    total = sum(f.stat().st_size for f in OUTPUT.rglob("*") if f.is_file())
    print(f"wrote {sum(1 for f in OUTPUT.rglob('*') if f.is_file())} files, {total} bytes, under {OUTPUT}")


if __name__ == "__main__":
    main()
