import Denoisers
import Tensor

/// Accelerated plug-and-play proximal gradient (PnP-FISTA): PnP's two steps taken at an
/// extrapolated point, `x_k = D_σ(y_k − γ∇f(y_k))`, `y_{k+1} = x_k + ((t_k − 1)/t_{k+1})(x_k − x_{k−1})`
/// with `t_1 = 1`, `t_{k+1} = (1 + √(1 + 4t_k²))/2` (Beck and Teboulle). One gradient and one
/// denoiser call per iteration, as `PnP`; the extrapolation is an axpy, timed with the gradient.
///
/// The momentum can start again (t = 1, so the next point is x_k itself): see `FISTARestart`.
public struct PnPFISTA: IterativeSolver, Sendable {
    /// The proximal-gradient steps, shared with `PnP`.
    public let steps: PnP
    /// When the momentum starts again.
    public let restart: FISTARestart

    public var step: Double { steps.step }
    public var normSquared: Double? { steps.normSquared }

    /// A solver with `PnP`'s settings and step (see `PnP.init`).
    public init(fidelity: any DataFidelity, denoiser: any Denoiser, settings: PnPSettings, restart: FISTARestart,
                knownNormSquared: Double? = nil) throws {
        steps = try PnP(fidelity: fidelity, denoiser: denoiser, settings: settings, knownNormSquared: knownNormSquared)
        self.restart = restart
    }

    public func initialImage(_ method: PnPInitialisation, fbp: (() throws -> Tensor)?) throws -> Tensor {
        try steps.initialImage(method, fbp: fbp)
    }

    /// Runs iterations on `x` (x_0) until `maxIterations` or until `observer` says stop; `x` ends
    /// as the last denoised iterate x_k.
    @discardableResult
    public func solve<Observer: IterationObserver>(_ x: inout Tensor, maxIterations: Int, observer: inout Observer) throws -> Int {
        var previous = x, extrapolated = x, t = 1.0
        var residuals = Residuals()
        for iteration in 1...max(1, maxIterations) {
            var point = x
            try observer.run(.gradient, iteration: iteration) {
                if iteration > 1 {
                    extrapolated = momentumPoint(current: x, previous: previous, extrapolated: extrapolated,
                                                 residuals: residuals, t: &t)
                }
                point = extrapolated
                try steps.gradientStep(&point)
            }
            try observer.run(.denoise, iteration: iteration) {
                try steps.denoiseStep(&point)
                if restart == .residual { residuals.record((point - extrapolated).norm()) }
            }
            previous = x
            x = point
            guard try observer.shouldContinue(after: iteration, iterate: x) else { return iteration }
        }
        return max(1, maxIterations)
    }

    /// `y = x_k + ((t − 1)/t')(x_k − x_{k−1})` with `t' = (1 + √(1 + 4t²))/2`, t reset to 1 first
    /// when restarting; t becomes t'. `residuals` are the last two fixed-point residuals ‖x_j − y_j‖.
    func momentumPoint(current: Tensor, previous: Tensor, extrapolated: Tensor, residuals: Residuals, t: inout Double) -> Tensor {
        let direction = current - previous
        switch restart {
        case .none: break
        case .gradient: if (extrapolated - current).dot(direction) > 0 { t = 1 }
        case .residual: if residuals.grew { t = 1 }
        }
        let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
        var point = current
        point.axpy(Float((t - 1) / next), direction)
        t = next
        return point
    }

    /// The last two fixed-point residuals.
    struct Residuals {
        private var last: Double?, beforeLast: Double?
        /// Whether the last residual is larger than the one before.
        var grew: Bool { if let last, let beforeLast { last > beforeLast } else { false } }
        mutating func record(_ residual: Double) { (beforeLast, last) = (last, residual) }
    }
}

/// When PnP-FISTA's momentum starts again.
public enum FISTARestart: String, Sendable, CaseIterable {
    /// Never: plain FISTA.
    case none
    /// When it points against the last step, `(y_k − x_k)·(x_k − x_{k−1}) > 0` (O'Donoghue and
    /// Candès' gradient restart).
    case gradient
    /// When the fixed-point residual `‖x_k − y_k‖` (how far the PnP step moved the point) grew
    /// since the last iteration: a safeguard for denoisers that are not proximal operators, whose
    /// PnP iteration can drift and whose drift momentum amplifies.
    case residual
}
