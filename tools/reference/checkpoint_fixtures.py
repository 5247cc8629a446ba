"""Writes Tests/FormatsTests/Fixtures/: small PyTorch checkpoints and safetensors files, written by
the real libraries, and checkpoints_expected.json with the values our Swift readers must produce.

Run with the peer venv (torch, numpy, safetensors), from anywhere:
    /tmp/peer/venv/bin/python tools/reference/checkpoint_fixtures.py

See tools/README.md, section "Checkpoint fixtures", for what each file covers.
"""

import io
import json
import math
import pathlib
import platform
import random
import re
import zipfile

import numpy as np
import safetensors
import torch
import torch.nn as nn
from safetensors.torch import save_file

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/FormatsTests/Fixtures"


class Tiny(nn.Module):
    """A bias-free conv + conv-transpose pair, named like DRUNet's layers."""

    def __init__(self):
        super().__init__()
        self.m_head = nn.Conv2d(2, 3, 3, padding=1, bias=False)
        self.m_up = nn.ConvTranspose2d(3, 2, 2, stride=2, bias=False)


def tiny_state_dict():
    torch.manual_seed(7)
    return Tiny().state_dict()


def dtype_tensors():
    """float16 and bfloat16 tensors with the edge cases of each format, and a rank-0 float32."""
    half = torch.tensor([0.0, -0.0, 1.0, -2.0, 65504.0, -65504.0, 2.0**-14, 2.0**-24, 3 * 2.0**-24,
                         1023 * 2.0**-24, math.inf, -math.inf, math.nan, 0.1, 1 / 3, 1000.5],
                        dtype=torch.float32).to(torch.float16).view(4, 4)
    bf16 = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.3895313892515355e38, -3.3895313892515355e38,
                         2.0**-126, 2.0**-133, 2.0**-126 - 2.0**-133, math.inf, -math.inf, math.nan,
                         0.1, 1 / 3], dtype=torch.float32).to(torch.bfloat16).view(2, 7)
    return {"half": half, "bfloat16": bf16, "scalar": torch.tensor(2.5)}


def view_tensors():
    """Non-contiguous tensors; `window`, `strided` and `column` view one storage at offsets."""
    base = torch.arange(24, dtype=torch.float32) * 0.5 - 3
    grid = torch.arange(12, dtype=torch.float32).view(3, 4) / 8
    five = (torch.arange(24, dtype=torch.float32) - 11).view(2, 1, 3, 2, 2)
    return {
        "transposed": grid.t(),
        "window": base[5:17].view(3, 4),
        "strided": base.as_strided((2, 3), (7, 2), 3),
        "column": base.view(4, 6)[:, 1],
        "permuted5d": five.permute(4, 2, 0, 3, 1),
        "expanded": torch.tensor([1.0, -2.0, 4.0]).expand(2, 3),
        "empty": torch.zeros(0, 3),
        "parameter": nn.Parameter(torch.tensor([[1.5, -0.25]])),
        "wide": torch.arange(300, dtype=torch.float32) / 64,
    }


def many_tensors():
    """Forty one-element tensors in shuffled name order: over 256 memo entries (LONG_BINPUT)."""
    names = [f"layer{i:02d}.weight" for i in range(40)]
    random.Random(5).shuffle(names)
    return {name: torch.tensor([float(i) - 19.5]) for i, name in enumerate(names)}


def values(tensor):
    """Flat row-major float32 values as JSON numbers, with "nan", "inf" and "-inf" as strings."""
    def encode(value):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    return [encode(v) for v in tensor.detach().float().contiguous().flatten().tolist()]


def record(tensors):
    return [{"name": name, "shape": list(t.shape), "values": values(t)} for name, t in tensors.items()]


def save_torch(obj, name, **options):
    torch.save(obj, OUTPUT / name, **options)


def save_archive_prefixed(obj, name):
    """torch.save to a buffer: the zip's top folder is then `archive/`."""
    buffer = io.BytesIO()
    torch.save(obj, buffer, pickle_protocol=4)
    (OUTPUT / name).write_bytes(buffer.getvalue())


def repack_deflated_zip64(source, name):
    """Rewrites a torch zip with Python's zipfile: DEFLATED entries, another top folder, and zip64
    extra fields and end records (zipfile writes them when sizes exceed ZIP64_LIMIT, lowered here)."""
    entries = []
    with zipfile.ZipFile(OUTPUT / source) as archive:
        for info in archive.infolist():
            entries.append(("renamed_top/" + info.filename.split("/", 1)[1], archive.read(info)))
    limit = zipfile.ZIP64_LIMIT
    zipfile.ZIP64_LIMIT = 16
    try:
        with zipfile.ZipFile(OUTPUT / name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for entry, data in entries:
                archive.writestr(entry, data)
    finally:
        zipfile.ZIP64_LIMIT = limit
    with zipfile.ZipFile(OUTPUT / name) as archive:
        infos = archive.infolist()
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in infos)
        assert all(info.extra[:2] == b"\x01\x00" for info in infos if info.header_offset > 16)  # zip64 extra
    loaded = torch.load(io.BytesIO(zip_as_stored(OUTPUT / name)), weights_only=True)
    assert all(torch.equal(loaded[k], v) for k, v in torch.load(OUTPUT / source).items())


def zip_as_stored(path):
    """The same entries re-zipped STORED, so torch.load can confirm the repacked file's contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return buffer.getvalue()


def rounding_pairs(dtype, count=300):
    """(float32 bits, 16-bit result bits) of torch's round-to-nearest-even conversion, on ties,
    overflow, subnormals and random bit patterns."""
    rng = random.Random(2024)
    bits = [0x3F801000, 0x3F803000, 0x3F800FFF, 0x3F801001,  # half ties around 1.0 (even, odd)
            0x477FEFFF, 0x477FF000, 0x477FF001,  # just below, at and above the half overflow tie
            0x33000000, 0x33000001, 0x33C00000, 0x387FC000, 0x387FE000,  # half subnormal ties
            0x3F808000, 0x3F818000, 0x3F807FFF, 0x7F7FFFFF, 0x7F7F8000,  # bfloat16 ties, overflow
            0x00000001, 0x80000001, 0x007FFFFF]  # float32 subnormals
    bits += [rng.getrandbits(32) for _ in range(count)]
    bits = [b for b in bits if (b >> 23) & 0xFF != 0xFF]  # NaN payload handling is not compared
    source = torch.tensor(np.array(bits, dtype=np.uint32).view(np.float32))
    target = source.to(dtype).view(torch.int16).numpy().view(np.uint16)
    return [[int(b), int(t)] for b, t in zip(bits, target)]


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tiny = tiny_state_dict()
    dtypes = dtype_tensors()
    views = view_tensors()
    assert views["window"].untyped_storage().data_ptr() == views["strided"].untyped_storage().data_ptr()
    assert not views["transposed"].is_contiguous() and views["window"].storage_offset() == 5

    save_torch(tiny, "tiny_module.pt")
    save_torch(dtypes, "dtypes.pt")
    save_torch(views, "views.pt")
    many = many_tensors()
    save_torch(many, "many.pt")
    wrapper = {"epoch": 7, "state_dict": tiny, "best": 0.25, "history": [1, 2, 3], "tags": ["a"],
               "steps": 2**40, "note": None, "done": True, "negative": -70000}
    save_torch(wrapper, "wrapped.pt")
    save_archive_prefixed(tiny, "tiny_module_protocol4.pt")
    repack_deflated_zip64("tiny_module.pt", "tiny_module_deflated_zip64.pt")
    save_torch({"a": torch.ones(2)}, "legacy.pt", _use_new_zipfile_serialization=False)
    save_torch({"weight": torch.ones(2), "step": torch.tensor([3, 4])}, "int64.pt")
    save_torch({"deep": torch.zeros(1, 1, 1, 1, 2, 1)}, "rank6.pt")

    save_file(dict(tiny), OUTPUT / "tiny_module.safetensors")
    f16 = {"half": dtypes["half"], **{k: v.half() for k, v in tiny.items()}}
    save_file(f16, OUTPUT / "float16.safetensors")
    bf16 = {"bfloat16": dtypes["bfloat16"], **{k: v.bfloat16() for k, v in tiny.items()}}
    save_file(bf16, OUTPUT / "bfloat16.safetensors", metadata={"format": "pt", "note": "bf16"})

    def in_data_order(tensors):
        """safetensors lays out tensors by decreasing alignment, then by name."""
        return dict(sorted(tensors.items(), key=lambda item: (-item[1].element_size(), item[0])))

    expected = {
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "numpy": np.__version__, "safetensors": safetensors.__version__},
        "files": {
            "tiny_module.pt": record(tiny),
            "tiny_module_protocol4.pt": record(tiny),
            "tiny_module_deflated_zip64.pt": record(tiny),
            "wrapped.pt": record(tiny),
            "dtypes.pt": record(dtypes),
            "views.pt": record(views),
            "many.pt": record(many),
            "tiny_module.safetensors": record(in_data_order(tiny)),
            "float16.safetensors": record(in_data_order(f16)),
            "bfloat16.safetensors": record(in_data_order(bf16)),
        },
        "float16Rounding": rounding_pairs(torch.float16),
        "bfloat16Rounding": rounding_pairs(torch.bfloat16),
    }
    text = json.dumps(expected, indent=1)
    # Arrays of numbers and strings on one line each.
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + ", ".join(
        item.strip() for item in m.group(1).split(",")) + "]", text)
    (OUTPUT / "checkpoints_expected.json").write_text(text + "\n")
    for path in OUTPUT.iterdir():
        path.chmod(0o644)  # safetensors creates its files 0600
    total = sum(p.stat().st_size for p in OUTPUT.iterdir() if p.is_file())
    print(f"wrote {len(list(OUTPUT.iterdir()))} files, {total} bytes, to {OUTPUT}")


if __name__ == "__main__":
    main()
