/// A dense Float32 tensor of rank 1 to 5, stored row-major (C order), with copy-on-write value
/// semantics: copies share storage until one of them is mutated.
///
/// Image tensors use the PyTorch layouts `[B, C, H, W]` and `[B, C, D, H, W]`.
public struct Tensor: Sendable {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage

    /// Largest rank a tensor may have.
    public static let maxRank = 5

    /// A tensor of the given shape with every element equal to `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(Tensor.isValid(shape: shape), "Tensor: invalid shape \(shape)")
        self.shape = shape
        storage = TensorStorage(count: shape.reduce(1, *))
        storage.pointer.initialize(repeating: value, count: storage.count)
    }

    /// A tensor of the given shape holding `values` in row-major order.
    public init(shape: [Int], values: [Float]) {
        precondition(Tensor.isValid(shape: shape), "Tensor: invalid shape \(shape)")
        precondition(values.count == shape.reduce(1, *), "Tensor: \(values.count) values for shape \(shape)")
        self.shape = shape
        storage = TensorStorage(count: values.count)
        values.withUnsafeBufferPointer { storage.pointer.initialize(from: $0.baseAddress!, count: values.count) }
    }

    /// A tensor of the given shape whose elements are written by `fill` (all of them must be).
    public init(shape: [Int], uninitializedWith fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(Tensor.isValid(shape: shape), "Tensor: invalid shape \(shape)")
        self.shape = shape
        storage = TensorStorage(count: shape.reduce(1, *))
        try fill(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Whether `shape` has 1 to 5 non-negative extents.
    public static func isValid(shape: [Int]) -> Bool {
        (1...maxRank).contains(shape.count) && shape.allSatisfy { $0 >= 0 }
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Row-major strides, in elements.
    public var strides: [Int] { Tensor.strides(for: shape) }

    /// Row-major strides of `shape`, in elements.
    public static func strides(for shape: [Int]) -> [Int] {
        var result = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            result[axis] = step
            step *= shape[axis]
        }
        return result
    }

    /// The elements in row-major order.
    public var scalars: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// Calls `body` with read access to the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Calls `body` with write access to the elements, copying the storage first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    @usableFromInline
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Element at a full multi-index.
    public subscript(_ indices: Int...) -> Float {
        get { storage.pointer[offset(of: indices)] }
        set {
            let position = offset(of: indices)
            makeUnique()
            storage.pointer[position] = newValue
        }
    }

    private func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "Tensor: \(indices.count) indices for shape \(shape)")
        var position = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "Tensor: index \(indices) out of range for \(shape)")
            position = position * shape[axis] + index
        }
        return position
    }

    /// The same elements viewed with another shape of equal element count (storage is shared).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard Tensor.isValid(shape: newShape), newShape.reduce(1, *) == count else {
            throw TensorError.invalidShape("cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        var result = self
        result.shape = newShape
        return result
    }
}

extension Tensor: Equatable {
    /// Equal shapes and bit-for-bit equal elements (NaN payloads aside).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        if lhs.storage === rhs.storage { return true }
        for index in 0..<lhs.count where lhs.storage.pointer[index] != rhs.storage.pointer[index] { return false }
        return true
    }
}
