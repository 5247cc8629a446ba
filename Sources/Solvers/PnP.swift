import Denoisers
import Physics
import Tensor

/// How a PnP run starts.
public enum PnPInitialisation: String, Sendable, Codable, CaseIterable {
    /// `x₀ = 0`.
    case zeros
    /// `x₀ = Σ_k A_kᵀ y_k`, what the reference's "pseudo_inverse" computes.
    case pseudoInverse = "pseudo_inverse"
    /// `x₀` = filtered back-projection of the data (supplied by the caller).
    case fbp
}

/// The settings of a plug-and-play proximal-gradient run.
public struct PnPSettings: Sendable, Equatable {
    /// Noise level given to the denoiser, in [0, 1] image units.
    public var denoiserSigma: Float
    /// A fixed step γ; nil takes `stepSizeScale / ‖A‖²`.
    public var stepSize: Double?
    /// γ = `stepSizeScale / ‖A‖²` when `stepSize` is nil.
    public var stepSizeScale: Double
    /// λ of the relaxed denoising step `(1 − α)x + α·D(x)`, α = γλ/(1 + γλ); nil: plain `D(x)`.
    public var relaxation: Double?
    /// The range of image values the denoiser's [0, 1] maps onto (the dataset's declared range).
    public var valueRange: ClosedRange<Float>

    /// Settings with the reference's defaults (σ 0.05, step 0.99/‖A‖², no relaxation).
    public init(denoiserSigma: Float = 0.05, stepSize: Double? = nil, stepSizeScale: Double = 0.99,
                relaxation: Double? = nil, valueRange: ClosedRange<Float> = 0...1) {
        self.denoiserSigma = denoiserSigma
        self.stepSize = stepSize
        self.stepSizeScale = stepSizeScale
        self.relaxation = relaxation
        self.valueRange = valueRange
    }
}

/// Plug-and-play proximal gradient descent (PnP-PGD):
/// `x ← x − γ·∇f(x)`, then `x ← D_σ(x)` (or `(1 − α)x + α·D_σ(x)`), the denoiser applied through
/// the data's value range (`DenoiserPrior`). The two steps are separate calls so a runner can time
/// them apart.
public struct PnP: IterativeSolver, Sendable {
    /// The data term.
    public let fidelity: any DataFidelity
    /// The prior step.
    public let prior: DenoiserPrior
    /// The settings.
    public let settings: PnPSettings
    /// The step γ in use.
    public let step: Double
    /// ‖A‖² behind the step (nil with a fixed `step_size`).
    public let normSquared: Double?

    /// A solver; with no fixed step it uses `knownNormSquared` (‖A‖² of this very fidelity, e.g.
    /// from an earlier run on the same data) or estimates ‖A‖² by a seeded power iteration on the
    /// normal operator.
    public init(fidelity: any DataFidelity, denoiser: any Denoiser, settings: PnPSettings,
                knownNormSquared: Double? = nil) throws {
        prior = try DenoiserPrior(denoiser: denoiser, valueRange: settings.valueRange)
        try DenoiserPrior.check(sigma: settings.denoiserSigma)
        if let lambda = settings.relaxation, !(lambda > 0 && lambda.isFinite) {
            throw SolverError("denoiser_lambda_relaxation: expected a positive number, got \(lambda)")
        }
        self.fidelity = fidelity
        self.settings = settings
        if let fixed = settings.stepSize {
            guard fixed > 0, fixed.isFinite else { throw SolverError("step_size: expected a positive number, got \(fixed)") }
            step = fixed
            normSquared = nil
        } else {
            let norm = try knownNormSquared ?? PnP.normSquared(of: fidelity)
            normSquared = norm
            // A zero operator has no scale: the reference then uses a raw step of 1.
            step = settings.stepSizeScale / (norm > 0 ? norm : 1)
        }
    }

    /// ‖A‖² of the fidelity's stacked operator, by power iteration on `AᵀA` (seed 0) with the
    /// reference's settings (DeepInverse's `compute_norm`: relative tolerance 1e-3, at most 100
    /// iterations); a tighter tolerance costs hundreds of projections on 3-D scans.
    public static func normSquared(of fidelity: any DataFidelity) throws -> Double {
        try powerIteration(shape: fidelity.imageShape, tolerance: 1e-3, maxIterations: 100) { try fidelity.normal($0) }.value
    }

    /// The starting image; `fbp` must be given for `.fbp`.
    public func initialImage(_ method: PnPInitialisation, fbp: (() throws -> Tensor)? = nil) throws -> Tensor {
        try fidelity.initialImage(method, fbp: fbp)
    }

    /// Runs iterations on `x` until `maxIterations` (at least one) or until `observer` says stop;
    /// returns the number done. Each iteration is `gradientStep` then `denoiseStep`, each run
    /// through the observer.
    @discardableResult
    public func solve<Observer: IterationObserver>(_ x: inout Tensor, maxIterations: Int, observer: inout Observer) throws -> Int {
        for iteration in 1...max(1, maxIterations) {
            try observer.run(.gradient, iteration: iteration) { try gradientStep(&x) }
            try observer.run(.denoise, iteration: iteration) { try denoiseStep(&x) }
            guard try observer.shouldContinue(after: iteration, iterate: x) else { return iteration }
        }
        return max(1, maxIterations)
    }

    /// `x ← x − γ·∇f(x)`.
    public func gradientStep(_ x: inout Tensor) throws {
        x.axpy(Float(-step), try fidelity.gradient(x))
    }

    /// `x ← D_σ(x)` or its relaxed form with α = γλ/(1 + γλ).
    public func denoiseStep(_ x: inout Tensor) throws {
        let alpha = settings.relaxation.map { Float(step * $0 / (1 + step * $0)) }
        x = try prior.denoise(x, sigma: settings.denoiserSigma, relaxation: alpha)
    }
}
