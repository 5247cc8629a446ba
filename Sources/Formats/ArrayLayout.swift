import Tensor

/// Reads arrays handed in by users, refusing NaN and infinite values (`FiniteValues`), and gives
/// them the `[B, C, …]` layout our operators use.
public enum ArrayLayout {
    /// An array read from a file with batch and channel axes in front.
    public struct Batched {
        /// The array as `[B, C, …]`.
        public let tensor: Tensor
        /// Axes added in front (to be removed again from outputs).
        public let addedAxes: Int

        /// `output` with the axes that were added to the input removed again.
        public func restore(_ output: Tensor) throws -> Tensor {
            guard addedAxes > 0 else { return output }
            return try output.reshaped(Array(output.shape.dropFirst(addedAxes)))
        }
    }

    /// Reads `path` and accepts an array whose shape is `trailing` (treated as `[1, 1] + trailing`)
    /// or `[B, C] + trailing`; `expected` names the trailing extents (e.g. "N, N" or "R, V, U")
    /// for the error message.
    public static func read(_ path: String, trailing: [Int], expected: String) throws -> Batched {
        let tensor = try NPY.read(path: path)
        try FiniteValues.check(tensor, file: path)
        let batched: Batched
        switch tensor.rank {
        case trailing.count: batched = Batched(tensor: try tensor.reshaped([1, 1] + tensor.shape), addedAxes: 2)
        case trailing.count + 2: batched = Batched(tensor: tensor, addedAxes: 0)
        default:
            throw FormatError(file: path, "expected an array [\(expected)] or [B, C, \(expected)], got shape \(tensor.shape)")
        }
        guard Array(batched.tensor.shape.dropFirst(2)) == trailing else {
            let extents = trailing.map(String.init).joined(separator: ", ")
            throw FormatError(file: path, "expected an array [\(expected)] = [\(extents)] (or with [B, C] in front), got shape \(tensor.shape)")
        }
        return batched
    }

    /// Reads an image for metrics: `[H, W]`, `[D, H, W]` (a volume), `[B, C, H, W]` or `[B, C, D, H, W]`.
    public static func readImage(_ path: String) throws -> Tensor {
        let tensor = try NPY.read(path: path)
        try FiniteValues.check(tensor, file: path)
        switch tensor.rank {
        case 2, 3: return try tensor.reshaped([1, 1] + tensor.shape)
        case 4, 5: return tensor
        default:
            throw FormatError(file: path, "expected an image [H, W], a volume [D, H, W], or [B, C, H, W] / [B, C, D, H, W], got shape \(tensor.shape)")
        }
    }
}
