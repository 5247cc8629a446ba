import Tensor

/// PyTorch checkpoints as `torch.save` writes them since torch 1.6: a zip archive (STORED or
/// DEFLATED entries, zip64 allowed) whose `<prefix>/data.pkl` pickles the saved object and whose
/// `<prefix>/data/<key>` entries hold the little-endian storages; the top folder `<prefix>` is
/// whatever the writer chose (the file stem, or `archive`).
///
/// The saved object must be a dict of tensors (a `state_dict`), read in its key order. A dict with
/// exactly one of the keys `state_dict`, `params` or `model` whose value is a dict is a training
/// checkpoint: that inner dict is read instead and the other entries (`epoch`, …) are ignored.
/// Tensors of dtype float32, float16 or bfloat16 and rank 0 to 5, with any storage offset and
/// strides (views sharing one storage included), become contiguous Float32 tensors; a rank-0
/// tensor becomes shape `[1]`. The legacy (pre-1.6, non-zip) format is refused.
public enum TorchCheckpoint {
    /// Reads the checkpoint at `path`.
    public static func read(path: String) throws -> NamedTensors {
        try FileIO.read(path).withUnsafeBytes { try decode($0, name: path) }
    }

    /// Decodes the bytes of a checkpoint; `name` is the file name that errors report.
    public static func decode(_ bytes: [UInt8], name: String) throws -> NamedTensors {
        try bytes.withUnsafeBytes { try decode($0, name: name) }
    }

    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// PROTO 2 then LONG1 of the magic number 0x1950a86a20f9469cfc6c that legacy files begin with.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8,
                                       0x50, 0x19]

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> NamedTensors {
        let fail = { FormatError(file: name, $0) }
        guard bytes.starts(with: zipMagic) else {
            if bytes.starts(with: legacyMagic) { throw fail("legacy torch.save format; re-save with torch ≥ 1.6") }
            throw fail("not a PyTorch zip checkpoint: expected bytes 50 4b 03 04, "
                + "found \(HexText.leading(bytes, count: 4))")
        }
        let archive = try ZipArchive(bytes, fail: fail)
        let prefix = try archivePrefix(archive, fail: fail)
        if let order = archive.entries["\(prefix)/byteorder"] {
            let text = try archive.withContents(of: order) { String(decoding: $0, as: UTF8.self) }
            guard text == "little" else { throw fail("byteorder is '\(text)'; expected 'little'") }
        }
        let pickle = archive.entries["\(prefix)/data.pkl"]!
        let root = try archive.withContents(of: pickle) { try Unpickler.load($0, name: pickle.name, fail: fail) }
        var result = NamedTensors()
        for (key, tensor) in try stateDict(root, fail: fail) {
            result[key] = try materialise(tensor, from: archive, prefix: prefix) { fail("tensor '\(key)': \($0)") }
        }
        return result
    }

    /// The tensor's elements, read from its storage entry `<prefix>/data/<key>`.
    private static func materialise(_ tensor: TorchTensor, from archive: ZipArchive, prefix: String,
                                    fail: (String) -> FormatError) throws -> Tensor {
        let storage = tensor.storage, entryName = "\(prefix)/data/\(storage.key)"
        guard let type = storage.elementType else {
            throw fail("storage type torch.\(storage.typeName) is not supported; expected torch.FloatStorage "
                + "(float32), torch.HalfStorage (float16) or torch.BFloat16Storage (bfloat16)")
        }
        guard let entry = archive.entries[entryName] else { throw fail("storage entry '\(entryName)' is missing") }
        return try archive.withContents(of: entry) { bytes in
            let (expected, overflow) = storage.count.multipliedReportingOverflow(by: type.size)
            guard !overflow, bytes.count == expected else {
                throw fail("storage '\(entryName)' has \(bytes.count) bytes, expected \(storage.count) elements "
                    + "of \(type.size) bytes")
            }
            return try tensor.layout.tensor(from: bytes, type: type, fail: fail)
        }
    }

    /// The top folder of the one `<prefix>/data.pkl` entry.
    private static func archivePrefix(_ archive: ZipArchive, fail: (String) -> FormatError) throws -> String {
        let prefixes = archive.entries.keys.compactMap { name -> String? in
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl" && !parts[0].isEmpty ? String(parts[0]) : nil
        }.sorted()
        guard prefixes.count == 1 else {
            let found = prefixes.map { "\($0)/data.pkl" }.joined(separator: ", ")
            throw fail(prefixes.isEmpty ? "missing data.pkl: no '<folder>/data.pkl' entry in the zip archive"
                : "\(prefixes.count) data.pkl entries (\(found)); expected one")
        }
        return prefixes[0]
    }

    /// The (name, tensor) pairs of the saved dict, or of the dict it wraps, in key order.
    private static func stateDict(_ root: PickleValue,
                                  fail: (String) -> FormatError) throws -> [(String, TorchTensor)] {
        guard case .dict(var dict) = root else {
            throw fail("data.pkl holds \(root.described); expected a dict of tensors (a state_dict)")
        }
        let wrapped = ["state_dict", "params", "model"].compactMap { dict.values[.string($0)] }
        if wrapped.count == 1, case .dict(let inner) = wrapped[0] { dict = inner }
        return try dict.keys.map { key in
            guard case .string(let name) = key else { throw fail("the state dict has an int key; expected names") }
            let value = dict.values[key]!
            guard case .tensor(let tensor) = value else {
                throw fail("entry '\(name)' is \(value.described); expected a tensor")
            }
            return (name, tensor)
        }
    }
}
