/// Elementwise arithmetic on whole tensors, vectorised with SIMD16 and chunked over the pool.
extension Tensor {
    /// `self += alpha * x` (the BLAS axpy).
    public mutating func axpy(_ alpha: Float, _ x: Tensor) {
        precondition(x.shape == shape, "axpy: shape \(x.shape) does not match \(shape)")
        let source = x.storage.pointer
        apply { target, range in
            Tensor.vectorLoop(range) { index in
                target.store(target.load(index) + SIMD16(repeating: alpha) * source.load(index), index)
            } scalar: { index in target[index] += alpha * source[index] }
        }
    }

    /// `self *= alpha`.
    public mutating func scale(by alpha: Float) {
        apply { target, range in
            Tensor.vectorLoop(range) { index in
                target.store(target.load(index) * SIMD16(repeating: alpha), index)
            } scalar: { index in target[index] *= alpha }
        }
    }

    /// `self = alpha * self + offset` (an affine map of every element).
    public mutating func affine(scale alpha: Float, offset: Float) {
        apply { target, range in
            Tensor.vectorLoop(range) { index in
                target.store(target.load(index) * SIMD16(repeating: alpha) + SIMD16(repeating: offset), index)
            } scalar: { index in target[index] = alpha * target[index] + offset }
        }
    }

    /// `self += x`, element by element.
    public mutating func add(_ x: Tensor) { axpy(1, x) }

    /// `self -= x`, element by element.
    public mutating func subtract(_ x: Tensor) { axpy(-1, x) }

    /// `self *= x`, element by element.
    public mutating func multiply(by x: Tensor) {
        precondition(x.shape == shape, "multiply: shape \(x.shape) does not match \(shape)")
        let source = x.storage.pointer
        apply { target, range in
            Tensor.vectorLoop(range) { index in
                target.store(target.load(index) * source.load(index), index)
            } scalar: { index in target[index] *= source[index] }
        }
    }

    /// Limits every element to `lower...upper`.
    public mutating func clamp(to bounds: ClosedRange<Float>) {
        let low = bounds.lowerBound, high = bounds.upperBound
        apply { target, range in
            Tensor.vectorLoop(range) { index in
                target.store(target.load(index).clamped(lowerBound: SIMD16(repeating: low),
                                                        upperBound: SIMD16(repeating: high)), index)
            } scalar: { index in target[index] = Swift.min(Swift.max(target[index], low), high) }
        }
    }

    /// Sets every element to `value`.
    public mutating func fill(_ value: Float) {
        apply { target, range in (target + range.lowerBound).update(repeating: value, count: range.count) }
    }

    /// `a + b`.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        var result = lhs
        result.add(rhs)
        return result
    }

    /// `a - b`.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        var result = lhs
        result.subtract(rhs)
        return result
    }

    /// `alpha * a`.
    public static func * (alpha: Float, tensor: Tensor) -> Tensor {
        var result = tensor
        result.scale(by: alpha)
        return result
    }

    private mutating func apply(_ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) {
        makeUnique()
        let target = storage.pointer
        Chunks.forEach(count) { range in body(target, range) }
    }

    @inline(__always)
    static func vectorLoop(_ range: Range<Int>, vector: (Int) -> Void, scalar: (Int) -> Void) {
        var index = range.lowerBound
        while index + 16 <= range.upperBound {
            vector(index)
            index += 16
        }
        while index < range.upperBound {
            scalar(index)
            index += 1
        }
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func load(_ index: Int) -> SIMD16<Float> {
        UnsafeRawPointer(self + index).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    func store(_ value: SIMD16<Float>, _ index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: SIMD16<Float>.self)
    }
}
