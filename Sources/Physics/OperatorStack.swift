import Tensor

/// A list of linear operators sharing one domain, `A = [A_1; …; A_K]`: `apply` gives every
/// `A_k x`, `adjoint` gives `Σ_k A_kᵀ y_k` (the reference's stacked physics, reduction "sum").
public struct OperatorStack: Sendable {
    /// The operators, in order.
    public let operators: [any LinearOperator]

    /// A stack of `operators` (at least one).
    public init(_ operators: [any LinearOperator]) throws {
        guard !operators.isEmpty else { throw PhysicsError("operator stack: expected at least one operator") }
        self.operators = operators
    }

    /// Contiguous blocks of `0..<count` for `parts` operators: the first `count mod parts` blocks
    /// get one extra element (as the reference splits angles).
    public static func blocks(count: Int, parts: Int) throws -> [Range<Int>] {
        guard parts > 0 else {
            throw PhysicsError("number of operators: expected a positive integer, got \(parts)")
        }
        guard parts <= count else {
            throw PhysicsError("number of operators: \(parts) operators need at least \(parts) angles, got \(count)")
        }
        var result: [Range<Int>] = [], start = 0
        for part in 0..<parts {
            let length = count / parts + (part < count % parts ? 1 : 0)
            result.append(start..<(start + length))
            start += length
        }
        return result
    }

    /// `[A_1 x, …, A_K x]`.
    public func apply(_ x: Tensor) throws -> [Tensor] { try operators.map { try $0.apply(x) } }

    /// `Σ_k A_kᵀ y_k`, rounded once from its double sum (see `adjointSum`).
    public func adjoint(_ measurements: [Tensor]) throws -> Tensor { try adjointSum(measurements).rounded }

    /// `Σ_k A_kᵀ y_k` accumulated in double: the same after rounding however the operators are
    /// grouped (in one stack, or in stacks on several ranks whose sums are added).
    public func adjointSum(_ measurements: [Tensor]) throws -> DoubleSum {
        guard measurements.count == operators.count else {
            throw PhysicsError("operator stack adjoint: expected \(operators.count) measurements, got \(measurements.count)")
        }
        var total: DoubleSum?
        for (op, y) in zip(operators, measurements) {
            let part = try op.adjoint(y)
            if total == nil { total = DoubleSum(shape: part.shape) }
            total?.add(part)
        }
        return total!
    }

    /// `Σ_k A_kᵀ A_k x`.
    public func normal(_ x: Tensor) throws -> Tensor { try adjoint(apply(x)) }
}

extension ParallelBeam2D {
    /// This scan split into `parts` operators over contiguous blocks of angles.
    public func split(into parts: Int) throws -> OperatorStack {
        let ranges = try OperatorStack.blocks(count: geometry.anglesDegrees.count, parts: parts)
        return try OperatorStack(ranges.map { ParallelBeam2D(geometry: try geometry.restricted(to: $0)) })
    }
}

extension ConeBeam3D {
    /// This scan split into `parts` operators over contiguous blocks of views.
    public func split(into parts: Int) throws -> OperatorStack {
        let ranges = try OperatorStack.blocks(count: geometry.views.count, parts: parts)
        return try OperatorStack(ranges.map { ConeBeam3D(geometry: try geometry.restricted(to: $0)) })
    }
}
