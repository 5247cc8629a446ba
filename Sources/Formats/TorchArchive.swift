import Tensor

/// The zip archive of a `torch.save` file and its unpickled `data.pkl`: the top folder and the
/// entries of the saved dict in key order (the inner dict of a training checkpoint).
struct TorchArchive {
    let zip: ZipArchive
    /// The archive's top folder, e.g. `archive` or the file stem.
    let prefix: String
    /// The saved dict's entries, in key order.
    let entries: [(name: String, value: PickleValue)]

    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// PROTO 2 then LONG1 of the magic number 0x1950a86a20f9469cfc6c that legacy files begin with.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8,
                                       0x50, 0x19]

    /// Reads the archive in `bytes` and unpickles its `data.pkl`, which must hold a dict with
    /// string keys; errors are made by `fail`.
    init(_ bytes: UnsafeRawBufferPointer, fail: @escaping (String) -> FormatError) throws {
        guard bytes.starts(with: TorchArchive.zipMagic) else {
            if bytes.starts(with: TorchArchive.legacyMagic) { throw fail("legacy torch.save format; re-save with torch ≥ 1.6") }
            throw fail("not a PyTorch zip checkpoint: expected bytes 50 4b 03 04, "
                + "found \(HexText.leading(bytes, count: 4))")
        }
        zip = try ZipArchive(bytes, fail: fail)
        prefix = try TorchArchive.archivePrefix(zip, fail: fail)
        if let order = zip.entries["\(prefix)/byteorder"] {
            let text = try zip.withContents(of: order) { String(decoding: $0, as: UTF8.self) }
            guard text == "little" else { throw fail("byteorder is '\(text)'; expected 'little'") }
        }
        let pickle = zip.entries["\(prefix)/data.pkl"]!
        let root = try zip.withContents(of: pickle) { try Unpickler.load($0, name: pickle.name, fail: fail) }
        entries = try TorchArchive.dictEntries(root, fail: fail)
    }

    /// The tensor's elements as Float32, all of them or the items `indices` along its first axis,
    /// read from its storage entry `<prefix>/data/<key>`.
    func floats(_ tensor: TorchTensor, indices: [Int]? = nil, fail: (String) -> FormatError) throws -> Tensor {
        try withStorage(of: tensor, fail: fail) { try tensor.layout.tensor(from: $0, type: $1, indices: indices, fail: fail) }
    }

    /// The tensor's elements as Doubles, in row-major order.
    func doubles(_ tensor: TorchTensor, fail: (String) -> FormatError) throws -> [Double] {
        try withStorage(of: tensor, fail: fail) { try tensor.layout.doubles(from: $0, type: $1, fail: fail) }
    }

    /// Calls `body` with the bytes and element type of the tensor's storage, after checking both.
    private func withStorage<R>(of tensor: TorchTensor, fail: (String) -> FormatError,
                                _ body: (UnsafeRawBufferPointer, ElementType) throws -> R) throws -> R {
        let storage = tensor.storage, entryName = "\(prefix)/data/\(storage.key)"
        guard let type = storage.elementType else {
            throw fail("storage type torch.\(storage.typeName) is not supported; expected torch.FloatStorage "
                + "(float32), torch.DoubleStorage (float64), torch.HalfStorage (float16) or torch.BFloat16Storage (bfloat16)")
        }
        guard let entry = zip.entries[entryName] else { throw fail("storage entry '\(entryName)' is missing") }
        return try zip.withContents(of: entry) { bytes in
            let (expected, overflow) = storage.count.multipliedReportingOverflow(by: type.size)
            guard !overflow, bytes.count == expected else {
                throw fail("storage '\(entryName)' has \(bytes.count) bytes, expected \(storage.count) elements "
                    + "of \(type.size) bytes")
            }
            return try body(bytes, type)
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

    /// The (name, value) pairs of the saved dict, or of the dict it wraps: a dict with exactly one
    /// of the keys `state_dict`, `params` or `model` whose value is a dict.
    private static func dictEntries(_ root: PickleValue,
                                    fail: (String) -> FormatError) throws -> [(name: String, value: PickleValue)] {
        guard case .dict(var dict) = root else {
            throw fail("data.pkl holds \(root.described); expected a dict of tensors (a state_dict)")
        }
        let wrapped = ["state_dict", "params", "model"].compactMap { dict.values[.string($0)] }
        if wrapped.count == 1, case .dict(let inner) = wrapped[0] { dict = inner }
        return try dict.keys.map { key in
            guard case .string(let name) = key else { throw fail("the state dict has an int key; expected names") }
            return (name, dict.values[key]!)
        }
    }
}
