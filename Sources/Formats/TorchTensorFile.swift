import Tensor

/// A `torch.save` file (see `TorchCheckpoint`) whose saved object is a dict holding tensors,
/// opened without reading them: the file is mapped into memory and each tensor is converted when
/// asked for, whole, as selected items along its first axis, or as Doubles. Entries that are not
/// tensors (numbers, strings, lists) are skipped. Errors are `FormatError`s naming the file and
/// the key.
public struct TorchTensorFile: Sendable {
    /// The file's path.
    public let path: String
    /// The names of the tensors, in the dict's key order.
    public let names: [String]
    private let tensors: [String: TorchTensor]
    /// The Python type of each skipped entry with its article (`an int`), by name.
    private let skipped: [String: String]
    private let file: MappedFile

    /// Opens the file at `path` and reads its pickled dict.
    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        let fail = { (problem: String) in FormatError(file: path, problem) }
        let entries = try file.withBytes { try TorchArchive($0, fail: fail).entries }
        var names: [String] = [], tensors: [String: TorchTensor] = [:], skipped: [String: String] = [:]
        for (name, value) in entries {
            if case .tensor(let tensor) = value {
                names.append(name)
                tensors[name] = tensor
            } else {
                skipped[name] = value.described
            }
        }
        (self.names, self.tensors, self.skipped) = (names, tensors, skipped)
    }

    /// The shape of the tensor `name` (`[]` for a scalar).
    public func shape(of name: String) throws -> [Int] { try entry(name).layout.shape }

    /// The tensor `name` as a contiguous Float32 tensor (a scalar becomes shape `[1]`).
    public func tensor(_ name: String) throws -> Tensor {
        try read(name) { try $0.floats($1, fail: $2) }
    }

    /// The items `indices` (in that order) along the first axis of the tensor `name`, as a
    /// contiguous Float32 tensor of shape `[indices.count] + shape.dropFirst()`; only those
    /// items are converted.
    public func tensor(_ name: String, items indices: [Int]) throws -> Tensor {
        try read(name) { try $0.floats($1, indices: indices, fail: $2) }
    }

    /// The elements of the tensor `name` in row-major order as Doubles (float64 exactly as stored).
    public func doubles(_ name: String) throws -> [Double] {
        try read(name) { try $0.doubles($1, fail: $2) }
    }

    /// The result of `body(archive, tensor, fail)` for the tensor `name`.
    private func read<R>(_ name: String,
                         _ body: (TorchArchive, TorchTensor, (String) -> FormatError) throws -> R) throws -> R {
        let tensor = try entry(name), path = path
        let failForFile = { (problem: String) in FormatError(file: path, problem) }
        let failForTensor = { (problem: String) in FormatError(file: path, "tensor '\(name)': \(problem)") }
        return try file.withBytes { try body(try TorchArchive($0, fail: failForFile), tensor, failForTensor) }
    }

    /// The tensor `name`, or an error listing what the file holds.
    private func entry(_ name: String) throws -> TorchTensor {
        if let tensor = tensors[name] { return tensor }
        let problem = skipped[name].map { "entry '\(name)' is \($0); expected a tensor" } ?? "no entry '\(name)'"
        throw FormatError(file: path, "\(problem) (tensors: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
    }
}
