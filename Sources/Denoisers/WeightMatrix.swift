import Tensor

/// Re-layout of PyTorch convolution weights into the GEMM matrices of our layers.
enum WeightMatrix {
    /// The elements of a `[first, second, k, k]` (or `[first, second, k, k, k]`) weight tensor placed
    /// by `position(first, second, tap)` (tap = dy·k + dx, or (dz·k + dy)·k + dx) into a matrix of
    /// the same size.
    static func tapMajor(_ weights: Tensor, position: (_ first: Int, _ second: Int, _ tap: Int) -> Int) -> [Float] {
        let (first, second, taps) = (weights.shape[0], weights.shape[1], weights.shape.dropFirst(2).reduce(1, *))
        var matrix = [Float](repeating: 0, count: first * second * taps)
        weights.withUnsafeBufferPointer { w in
            for a in 0..<first {
                for b in 0..<second {
                    for tap in 0..<taps { matrix[position(a, b, tap)] = w[(a * second + b) * taps + tap] }
                }
            }
        }
        return matrix
    }
}
