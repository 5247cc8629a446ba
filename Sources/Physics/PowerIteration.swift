import Tensor

/// The outcome of a power iteration.
public struct PowerIterationResult: Sendable, Equatable {
    /// Estimate of the largest eigenvalue (for `AᵀA`: ‖A‖²).
    public let value: Double
    /// Iterations run.
    public let iterations: Int
    /// Whether the relative change fell below the tolerance.
    public let converged: Bool
}

/// Power iteration for the largest eigenvalue of a symmetric positive semi-definite map, e.g.
/// `x ↦ AᵀA x` for ‖A‖². Starts from a seeded standard normal vector, so the result is
/// reproducible; stops when `|λ_t − λ_{t−1}| ≤ tolerance·|λ_t|` (a relative test, unlike the
/// reference's absolute one).
public func powerIteration(shape: [Int], tolerance: Double = 1e-4, maxIterations: Int = 100, seed: UInt64 = 0,
                           _ apply: (Tensor) throws -> Tensor) throws -> PowerIterationResult {
    guard tolerance > 0, maxIterations > 0 else {
        throw PhysicsError("power iteration: expected tolerance > 0 and maxIterations > 0")
    }
    var x = try GaussianNoise(sigma: 1, seed: seed).standardNormalTensor(shape: shape)
    x.scale(by: Float(1 / x.norm()))
    var previous = 0.0
    for iteration in 1...maxIterations {
        let y = try apply(x)
        let value = x.dot(y)
        let size = y.norm()
        if abs(value - previous) <= tolerance * abs(value) || size == 0 {
            return PowerIterationResult(value: value, iterations: iteration, converged: true)
        }
        previous = value
        x = y
        x.scale(by: Float(1 / size))
    }
    return PowerIterationResult(value: previous, iterations: maxIterations, converged: false)
}
