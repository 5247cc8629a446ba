import Tensor

/// Named Float32 tensors in order (the order of the file they were read from): a model's
/// parameters, looked up by name such as `m_head.weight`.
public struct NamedTensors: Sendable, Equatable, RandomAccessCollection, CustomStringConvertible {
    /// The names, in order.
    public private(set) var names: [String] = []
    /// The tensors by name.
    public private(set) var tensors: [String: Tensor] = [:]

    /// An empty collection.
    public init() {}

    /// The `(name, tensor)` pairs in the given order; names must be unique.
    public init(_ entries: some Sequence<(String, Tensor)>) {
        for (name, tensor) in entries {
            precondition(tensors[name] == nil, "NamedTensors: duplicate name '\(name)'")
            self[name] = tensor
        }
    }

    /// The tensor called `name`. Setting a new name appends it, setting an existing one replaces
    /// the tensor in place, and setting nil removes it.
    public subscript(name: String) -> Tensor? {
        get { tensors[name] }
        set {
            if let newValue {
                if tensors.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if tensors.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    /// The position of the first entry.
    public var startIndex: Int { 0 }
    /// The position after the last entry.
    public var endIndex: Int { names.count }

    /// The entry at `position`.
    public subscript(position: Int) -> (name: String, tensor: Tensor) {
        (names[position], tensors[names[position]]!)
    }

    /// One line per tensor: its name and shape.
    public var description: String {
        "NamedTensors(\(count) tensors)" + map { "\n  \($0.name) \($0.tensor.shape)" }.joined()
    }

    /// Reads a PyTorch zip checkpoint (see `TorchCheckpoint`) or a safetensors file (see
    /// `SafeTensors`), telling them apart by their first bytes.
    public static func read(path: String) throws -> NamedTensors {
        try FileIO.read(path).withUnsafeBytes { try decode($0, name: path) }
    }

    /// Decodes the bytes of a PyTorch checkpoint or safetensors file; `name` is the file name
    /// that errors report.
    public static func decode(_ bytes: [UInt8], name: String) throws -> NamedTensors {
        try bytes.withUnsafeBytes { try decode($0, name: name) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> NamedTensors {
        if bytes.starts(with: TorchArchive.zipMagic) || bytes.starts(with: TorchArchive.legacyMagic) {
            return try TorchCheckpoint.decode(bytes, name: name)
        }
        if bytes.count > 8, bytes[8] == UInt8(ascii: "{") { return try SafeTensors.decode(bytes, name: name) }
        throw FormatError(file: name, "unrecognised format: expected a PyTorch zip checkpoint (bytes 50 4b 03 04) "
            + "or a safetensors file (8-byte header length, then '{'), found \(HexText.leading(bytes, count: 9))")
    }
}
