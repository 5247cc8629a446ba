import Tensor

/// Where a tensor's elements lie in a flat storage of elements: PyTorch's `storage_offset`,
/// `size` and `stride` (in elements), of rank 0 to `Tensor.maxRank`.
struct StridedLayout: Sendable {
    /// Index of the first element in the storage.
    let offset: Int
    /// Extent of each axis, outermost first (empty for a scalar).
    let shape: [Int]
    /// Storage elements between neighbours along each axis (0 for a broadcast axis).
    let strides: [Int]

    /// The elements, in row-major order, as a contiguous Float32 tensor; a rank-0 scalar becomes
    /// shape `[1]`, since `Tensor` has rank 1 to 5. `storage` holds elements of `type`; an offset,
    /// shape or stride that reaches outside it is an error made by `fail`.
    func tensor(from storage: UnsafeRawBufferPointer, type: ElementType,
                fail: (String) -> FormatError) throws -> Tensor {
        try tensor(from: storage, type: type, indices: nil, fail: fail)
    }

    /// As `tensor(from:type:fail:)`, keeping only the items `indices` (in that order) along the
    /// first axis when given: shape `[indices.count] + shape.dropFirst()`.
    func tensor(from storage: UnsafeRawBufferPointer, type: ElementType, indices: [Int]?,
                fail: (String) -> FormatError) throws -> Tensor {
        let count = try validatedCount(storageCount: storage.count / type.size, fail: fail)
        guard let indices else {
            return Tensor(shape: shape.isEmpty ? [1] : shape) { target in
                forEachRun(count: count) { type.convert(storage, start: $0, stride: $1, count: $2, into: target.baseAddress! + $3) }
            }
        }
        guard let extent = shape.first else { throw fail("a scalar has no first axis to pick items from") }
        if let bad = indices.first(where: { !(0..<extent).contains($0) }) {
            throw fail("item \(bad) is out of range; expected 0…\(extent - 1) along the first axis of shape \(shape)")
        }
        let items = indices.map { StridedLayout(offset: offset + $0 * strides[0], shape: Array(shape.dropFirst()),
                                                strides: Array(strides.dropFirst())) }
        let itemCount = extent == 0 ? 0 : count / extent
        return Tensor(shape: [indices.count] + shape.dropFirst()) { target in
            for (position, item) in items.enumerated() {
                item.forEachRun(count: itemCount) {
                    type.convert(storage, start: $0, stride: $1, count: $2, into: target.baseAddress! + position * itemCount + $3)
                }
            }
        }
    }

    /// The elements, in row-major order, as Doubles (float64 storages exactly as stored).
    func doubles(from storage: UnsafeRawBufferPointer, type: ElementType,
                 fail: (String) -> FormatError) throws -> [Double] {
        let count = try validatedCount(storageCount: storage.count / type.size, fail: fail)
        return [Double](unsafeUninitializedCapacity: count) { target, initialised in
            forEachRun(count: count) { type.convert(storage, start: $0, stride: $1, count: $2, into: target.baseAddress! + $3) }
            initialised = count
        }
    }

    /// Calls `body(start, stride, length, position)` for each run of `length` elements along the
    /// last axis, from storage element `start` in steps of `stride`, that lands at `position` of the
    /// row-major result; `count` is the (validated) element count.
    private func forEachRun(count: Int, _ body: (Int, Int, Int, Int) -> Void) {
        guard count > 0 else { return }
        if isContiguous {
            body(offset, 1, count, 0)
            return
        }
        // Row by row along the last axis; `index` counts through the outer axes.
        let rowLength = shape[shape.count - 1], rowStride = strides[strides.count - 1]
        var index = [Int](repeating: 0, count: shape.count - 1)
        for row in 0..<(count / rowLength) {
            body(zip(index, strides).reduce(offset) { $0 + $1.0 * $1.1 }, rowStride, rowLength, row * rowLength)
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Whether the elements are consecutive in row-major order (axes of extent 1 aside).
    private var isContiguous: Bool {
        let rowMajor = Tensor.strides(for: shape)
        return shape.indices.allSatisfy { shape[$0] == 1 || strides[$0] == rowMajor[$0] }
    }

    /// The element count, after checking the rank, that nothing is negative, and that the last
    /// element lies inside a storage of `storageCount` elements.
    private func validatedCount(storageCount: Int, fail: (String) -> FormatError) throws -> Int {
        guard shape.count <= Tensor.maxRank else {
            throw fail("rank \(shape.count) (shape \(shape)) is not supported; expected rank 0 to \(Tensor.maxRank)")
        }
        guard strides.count == shape.count else {
            throw fail("\(strides.count) strides \(strides) for shape \(shape); expected one per axis")
        }
        guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw fail("negative offset, extent or stride (offset \(offset), shape \(shape), strides \(strides))")
        }
        guard let count = StridedLayout.elementCount(shape) else { throw fail("shape \(shape) is too large") }
        var last = offset, overflow = false
        for (extent, stride) in zip(shape, strides) {
            let (reach, reachOverflow) = stride.multipliedReportingOverflow(by: max(extent - 1, 0))
            (last, overflow) = last.addingReportingOverflow(reach)
            if reachOverflow || overflow { throw fail("strides \(strides) reach too far") }
        }
        guard count == 0 || last < storageCount else {
            throw fail("offset \(offset), shape \(shape) and strides \(strides) reach element \(last), "
                + "but the storage holds \(storageCount)")
        }
        guard count <= max(storageCount, StridedLayout.maxRepeatedCount) else {
            throw fail("a broadcast view of \(count) elements from a storage of \(storageCount) is too large; "
                + "expected at most \(StridedLayout.maxRepeatedCount)")
        }
        return count
    }

    /// A view with more elements than its storage (zero or overlapping strides) may have at most
    /// this many, so that a corrupt file cannot ask for a huge allocation.
    static let maxRepeatedCount = 1 << 26

    /// The product of the extents, or nil when one is negative or the product of the non-zero
    /// ones overflows (so that no partial product in any order overflows either).
    static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for extent in shape where extent != 0 {
            guard extent > 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            product = next
        }
        return shape.contains(0) ? 0 : product
    }
}
