/// How `padded` fills the new elements along an axis.
public enum PaddingMode: String, Sendable, CaseIterable {
    /// Zeros.
    case zero
    /// Mirror without repeating the edge element (PyTorch `reflect`: `d c b | a b c d | c b a`).
    case reflect
    /// Repeat the edge element (`a a | a b c d | d d`).
    case replicate
}

/// Copies of sub-ranges, padding and concatenation along any axis.
extension Tensor {
    /// Decomposes the shape around `axis` into (elements before it, its extent, elements after it).
    func split(at axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    private func checkAxis(_ axis: Int, _ operation: String) throws {
        guard (0..<rank).contains(axis) else {
            throw TensorError.invalidArgument("\(operation): axis \(axis) is out of range for shape \(shape)")
        }
    }

    /// The elements whose index along `axis` lies in `range`, as a new tensor.
    public func slice(axis: Int, _ range: Range<Int>) throws -> Tensor {
        try checkAxis(axis, "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            throw TensorError.invalidArgument("slice: range \(range) is outside 0..<\(shape[axis]) on axis \(axis)")
        }
        let (outer, extent, inner) = split(at: axis)
        var newShape = shape
        newShape[axis] = range.count
        let source = storage.pointer
        return Tensor(shape: newShape) { target in
            let block = range.count * inner
            for o in 0..<outer {
                (target.baseAddress! + o * block).update(from: source + (o * extent + range.lowerBound) * inner,
                                                         count: block)
            }
        }
    }

    /// A copy with `before` and `after` new elements along `axis`, filled according to `mode`.
    public func padded(axis: Int, before: Int, after: Int, mode: PaddingMode) throws -> Tensor {
        try checkAxis(axis, "padded")
        let (outer, extent, inner) = split(at: axis)
        guard before >= 0, after >= 0 else {
            throw TensorError.invalidArgument("padded: padding must be non-negative, got \(before) and \(after)")
        }
        guard extent > 0 || (before == 0 && after == 0) || mode == .zero else {
            throw TensorError.invalidArgument("padded: cannot \(mode.rawValue)-pad an empty axis \(axis)")
        }
        var newShape = shape
        newShape[axis] = extent + before + after
        let length = newShape[axis]
        let source = storage.pointer
        return Tensor(shape: newShape) { target in
            for o in 0..<outer {
                for position in 0..<length {
                    let destination = target.baseAddress! + (o * length + position) * inner
                    if let index = Tensor.sourceIndex(position - before, extent: extent, mode: mode) {
                        destination.update(from: source + (o * extent + index) * inner, count: inner)
                    } else {
                        destination.update(repeating: 0, count: inner)
                    }
                }
            }
        }
    }

    /// Index of the source element for padded position `index` (may be outside `0..<extent`).
    static func sourceIndex(_ index: Int, extent: Int, mode: PaddingMode) -> Int? {
        if index >= 0 && index < extent { return index }
        switch mode {
        case .zero:
            return nil
        case .replicate:
            return index < 0 ? 0 : extent - 1
        case .reflect:
            if extent == 1 { return 0 }
            let period = 2 * (extent - 1)
            var folded = index % period
            if folded < 0 { folded += period }
            return folded < extent ? folded : period - folded
        }
    }

    /// The tensors joined along `axis`; all other extents must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument("concatenate: no tensors given")
        }
        try first.checkAxis(axis, "concatenate")
        func offAxis(_ shape: [Int]) -> [Int] {
            var copy = shape
            copy[axis] = 0
            return copy
        }
        var newShape = offAxis(first.shape)
        for tensor in tensors {
            guard tensor.rank == first.rank, offAxis(tensor.shape) == offAxis(first.shape) else {
                throw TensorError.invalidShape("concatenate: shape \(tensor.shape) does not match \(first.shape) off axis \(axis)")
            }
            newShape[axis] += tensor.shape[axis]
        }
        let (outer, _, inner) = first.split(at: axis)
        return Tensor(shape: newShape) { target in
            var offset = 0
            for o in 0..<outer {
                for tensor in tensors {
                    let block = tensor.shape[axis] * inner
                    (target.baseAddress! + offset).update(from: tensor.storage.pointer + o * block, count: block)
                    offset += block
                }
            }
        }
    }
}
