/// A sum of tensors accumulated in double and rounded to float once, at the end.
///
/// Sums of a few float32 terms in double differ with the order of the terms only by double
/// rounding, far below float32's resolution, so the rounded result is the same however the terms
/// are grouped: one process summing K operators' parts, or P ranks each summing theirs before an
/// all-reduce of the doubles. Float32 sums would differ by the grouping's rounding, which a solver
/// with ill-conditioned inner solves amplifies.
public struct DoubleSum: Sendable {
    /// Shape of the summed tensors.
    public let shape: [Int]
    /// The running sum.
    public var values: [Double]

    /// A zero sum for tensors of `shape`.
    public init(shape: [Int]) {
        self.shape = shape
        values = [Double](repeating: 0, count: shape.reduce(1, *))
    }

    /// Adds `tensor`, of the sum's shape.
    public mutating func add(_ tensor: Tensor) {
        precondition(tensor.shape == shape, "DoubleSum: shape \(tensor.shape) does not match \(shape)")
        let source = tensor.storage.pointer
        values.withUnsafeMutableBufferPointer { buffer in
            guard let target = buffer.baseAddress else { return }
            Chunks.forEach(buffer.count) { range in
                for index in range { target[index] += Double(source[index]) }
            }
        }
    }

    /// The sum rounded to float.
    public var rounded: Tensor {
        var result = Tensor(shape: shape)
        let target = result.storage.pointer
        values.withUnsafeBufferPointer { buffer in
            guard let source = buffer.baseAddress else { return }
            Chunks.forEach(buffer.count) { range in
                for index in range { target[index] = Float(source[index]) }
            }
        }
        return result
    }
}
