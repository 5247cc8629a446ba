import Tensor

/// Conjugate gradients for the shifted normal equations `(N + μI)x = b` of a data step, N
/// symmetric positive semi-definite (`Σ_k A_kᵀA_k`) and μ > 0: at most `maxIterations`
/// iterations, each one application of N (one all-reduce when N is distributed), stopping
/// earlier once `‖b − (N + μI)x‖ ≤ tolerance·‖b‖`.
///
/// Every scalar comes from tensors that are the same on all ranks (a distributed N all-reduces
/// inside its application), so all ranks take the same path and stop at the same iteration.
public struct ConjugateGradient: Sendable {
    /// The most iterations (applications of N) per solve.
    public let maxIterations: Int
    /// The relative residual at which a solve stops early.
    public let tolerance: Double

    /// What one solve did.
    public struct Outcome: Sendable, Equatable {
        /// Iterations done (applications of N, not counting a first `N x`).
        public let iterations: Int
        /// `‖b − (N + μI)x‖ / ‖b‖` at the end, from the recurrence.
        public let relativeResidual: Double
    }

    /// A solver of at most `maxIterations` iterations (≥ 1) to `tolerance` (≥ 0).
    public init(maxIterations: Int, tolerance: Double) throws {
        guard maxIterations >= 1 else { throw SolverError("cg_iterations: expected at least 1, got \(maxIterations)") }
        guard tolerance >= 0, tolerance.isFinite else {
            throw SolverError("cg_tolerance: expected a finite value ≥ 0, got \(tolerance)")
        }
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Solves `(N + shift·I)x = b` from the warm start `x`. `normalOfX` is `N x` when the caller
    /// kept it from the previous solve (nil: computed here, one more application); on return it
    /// is `N x` of the new x, updated by the recurrence, so a sequence of warm-started solves
    /// costs exactly `iterations` applications each.
    @discardableResult
    public func solve(_ x: inout Tensor, normalOfX: inout Tensor?, rightHandSide b: Tensor, shift: Double,
                      normal: (Tensor) throws -> Tensor) throws -> Outcome {
        guard shift > 0, shift.isFinite else { throw SolverError("conjugate gradients: expected a shift μ > 0, got \(shift)") }
        let mu = Float(shift)
        var nx = try normalOfX ?? normal(x)
        var residual = b
        residual.subtract(nx)
        residual.axpy(-mu, x)
        let scale = b.norm()
        var rr = residual.dot(residual)
        var done = 0
        var direction = residual
        while done < maxIterations, rr.squareRoot() > tolerance * scale {
            let nd = try normal(direction)
            var md = nd
            md.axpy(mu, direction)
            let curvature = direction.dot(md)
            guard curvature > 0, curvature.isFinite else { break }
            let alpha = Float(rr / curvature)
            x.axpy(alpha, direction)
            nx.axpy(alpha, nd)
            residual.axpy(-alpha, md)
            done += 1
            let next = residual.dot(residual)
            direction.scale(by: Float(next / rr))
            direction.add(residual)
            rr = next
        }
        normalOfX = nx
        return Outcome(iterations: done, relativeResidual: scale > 0 ? rr.squareRoot() / scale : rr.squareRoot())
    }
}
