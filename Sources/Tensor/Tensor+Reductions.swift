/// Reductions over all elements. Sums accumulate in Double over fixed chunks combined in order,
/// so every result is identical for any thread count.
extension Tensor {
    /// Sum of the elements.
    public func sum() -> Double {
        let source = storage.pointer
        return chunkedSum { range in
            Tensor.doubleSum(range) { SIMD8<Double>(source.load8($0)) } scalar: { Double(source[$0]) }
        }
    }

    /// Inner product `Σ self[i]·other[i]`, accumulated in Double.
    public func dot(_ other: Tensor) -> Double {
        precondition(other.count == count, "dot: \(other.count) elements against \(count)")
        let a = storage.pointer, b = other.storage.pointer
        return chunkedSum { range in
            Tensor.doubleSum(range) { SIMD8<Double>(a.load8($0)) * SIMD8<Double>(b.load8($0)) }
                scalar: { Double(a[$0]) * Double(b[$0]) }
        }
    }

    /// Euclidean norm `sqrt(Σ self[i]²)`.
    public func norm() -> Double { dot(self).squareRoot() }

    /// Smallest element (`nil` for an empty tensor).
    public func min() -> Float? { extreme(smaller: true) }

    /// Largest element (`nil` for an empty tensor).
    public func max() -> Float? { extreme(smaller: false) }

    private func extreme(smaller: Bool) -> Float? {
        guard count > 0 else { return nil }
        let source = storage.pointer
        var partial = [Float](repeating: source[0], count: Chunks.count(for: count))
        partial.withUnsafeMutableBufferPointer { results in
            Chunks.forEach(count) { range in
                var best = source[range.lowerBound]
                for index in range {
                    let value = source[index]
                    best = smaller ? Swift.min(best, value) : Swift.max(best, value)
                }
                results[range.lowerBound / Chunks.size] = best
            }
        }
        return smaller ? partial.min() : partial.max()
    }

    private func chunkedSum(_ body: (Range<Int>) -> Double) -> Double {
        var partial = [Double](repeating: 0, count: Chunks.count(for: count))
        partial.withUnsafeMutableBufferPointer { results in
            Chunks.forEach(count) { range in results[range.lowerBound / Chunks.size] = body(range) }
        }
        return partial.reduce(0, +)
    }

    @inline(__always)
    private static func doubleSum(_ range: Range<Int>, vector: (Int) -> SIMD8<Double>,
                                  scalar: (Int) -> Double) -> Double {
        var even = SIMD8<Double>(), odd = SIMD8<Double>()
        var index = range.lowerBound
        while index + 16 <= range.upperBound {
            even += vector(index)
            odd += vector(index + 8)
            index += 16
        }
        var total = (even + odd).sum()
        while index < range.upperBound {
            total += scalar(index)
            index += 1
        }
        return total
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func load8(_ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + index).loadUnaligned(as: SIMD8<Float>.self)
    }
}
