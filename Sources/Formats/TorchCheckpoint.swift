import Tensor

/// PyTorch checkpoints as `torch.save` writes them since torch 1.6: a zip archive (STORED or
/// DEFLATED entries, zip64 allowed) whose `<prefix>/data.pkl` pickles the saved object and whose
/// `<prefix>/data/<key>` entries hold the little-endian storages; the top folder `<prefix>` is
/// whatever the writer chose (the file stem, or `archive`).
///
/// The saved object must be a dict of tensors (a `state_dict`), read in its key order. A dict with
/// exactly one of the keys `state_dict`, `params` or `model` whose value is a dict is a training
/// checkpoint: that inner dict is read instead and the other entries (`epoch`, …) are ignored.
/// Tensors of dtype float32, float64, float16 or bfloat16 and rank 0 to 5, with any storage offset
/// and strides (views sharing one storage included), become contiguous Float32 tensors (float64
/// rounded to nearest); a rank-0 tensor becomes shape `[1]`. The legacy (pre-1.6, non-zip) format
/// is refused. `TorchTensorFile` reads such files tensor by tensor instead.
public enum TorchCheckpoint {
    /// Reads the checkpoint at `path`.
    public static func read(path: String) throws -> NamedTensors {
        try FileIO.read(path).withUnsafeBytes { try decode($0, name: path) }
    }

    /// Decodes the bytes of a checkpoint; `name` is the file name that errors report.
    public static func decode(_ bytes: [UInt8], name: String) throws -> NamedTensors {
        try bytes.withUnsafeBytes { try decode($0, name: name) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> NamedTensors {
        let fail = { FormatError(file: name, $0) }
        let archive = try TorchArchive(bytes, fail: fail)
        var result = NamedTensors()
        for (key, value) in archive.entries {
            guard case .tensor(let tensor) = value else {
                throw fail("entry '\(key)' is \(value.described); expected a tensor")
            }
            result[key] = try archive.floats(tensor) { fail("tensor '\(key)': \($0)") }
        }
        return result
    }
}
