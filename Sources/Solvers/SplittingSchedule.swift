import Glibc

/// The denoiser's noise level σ_k and the penalty μ_k of each iteration of a splitting solver
/// (HQS, ADMM, DPIR); past the listed iterations the last values hold.
///
/// μ is in the units of the data term `½Σ‖A_k x − y_k‖²`: the data step solves
/// `(Σ A_kᵀA_k + μI)x = Σ A_kᵀy_k + μz`. The run declarations give μ as a multiple of ‖A‖², so
/// one setting means the same balance on a blur (‖A‖² = 1) and on a projector (‖A‖² ~ 10⁴).
public struct SplittingSchedule: Sendable, Equatable {
    /// σ_k, in the denoiser's [0, 1] units.
    public let sigmas: [Float]
    /// μ_k.
    public let penalties: [Double]

    /// A schedule of the given values (the same count, at least one; σ ≥ 0 and μ > 0).
    public init(sigmas: [Float], penalties: [Double]) throws {
        guard !sigmas.isEmpty, sigmas.count == penalties.count else {
            throw SolverError("splitting schedule: expected as many σ as μ, at least one, got \(sigmas.count) and \(penalties.count)")
        }
        for sigma in sigmas { try DenoiserPrior.check(sigma: sigma) }
        guard penalties.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw SolverError("penalty_scale: expected μ > 0 at every iteration, got \(penalties)")
        }
        self.sigmas = sigmas
        self.penalties = penalties
    }

    /// The same σ and μ at every iteration.
    public static func constant(sigma: Float, penalty: Double) throws -> SplittingSchedule {
        try SplittingSchedule(sigmas: [sigma], penalties: [penalty])
    }

    /// The paper's λ of DPIR's data weight.
    public static let dpirLambda = 0.23

    /// DPIR's schedule (Zhang et al., TPAMI 2021), as DeepInverse 0.5.0 computes it: σ_k falls
    /// geometrically from `start` to `end` over `iterations` (a log-spaced sequence, computed in
    /// double and rounded to float32), and μ_k = `scale`·λ·(max(0.01, end)/σ_k)² with λ = 0.23,
    /// the inverse of DeepInverse's step `(1/λ)(σ_k / max(0.01, noise))²` with the noise level
    /// `end`. `scale` is ‖A‖² times the user's factor; with a blur (‖A‖² = 1) and factor 1 this
    /// is DeepInverse's DPIR.
    public static func dpir(start: Float, end: Float, iterations: Int, scale: Double) throws -> SplittingSchedule {
        guard iterations >= 1 else { throw SolverError("dpir_iterations: expected at least 1, got \(iterations)") }
        guard start > 0, end > 0, start.isFinite, end.isFinite else {
            throw SolverError("DPIR schedule: expected σ start and end > 0, got \(start) and \(end)")
        }
        let (low, high) = (log10(Double(start)), log10(Double(end)))
        let delta = iterations > 1 ? (high - low) / Double(iterations - 1) : 0
        let sigmas = (0..<iterations).map { k in
            Float(pow(10, k == iterations - 1 && iterations > 1 ? high : Double(k) * delta + low))
        }
        let floor = Swift.max(0.01, end)
        let penalties = sigmas.map { sigma -> Double in
            let ratio = sigma / floor
            return scale * dpirLambda / Double(ratio * ratio)
        }
        return try SplittingSchedule(sigmas: sigmas, penalties: penalties)
    }

    /// σ of iteration `iteration` (from 1).
    public func sigma(at iteration: Int) -> Float { sigmas[Swift.min(iteration, sigmas.count) - 1] }

    /// μ of iteration `iteration` (from 1).
    public func penalty(at iteration: Int) -> Double { penalties[Swift.min(iteration, penalties.count) - 1] }
}
