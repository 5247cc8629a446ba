import Denoisers
import Tensor

/// Plug-and-play half-quadratic splitting (PnP-HQS, and DPIR with its schedule): each iteration
/// is a data step, `x_k = argmin ½Σ‖A_k x − y_k‖² + (μ_k/2)‖x − z_{k−1}‖²`, i.e.
/// `(Σ A_kᵀA_k + μ_k I)x = Σ A_kᵀy_k + μ_k z_{k−1}` solved by warm-started conjugate gradients
/// (a fixed number of inner iterations at most, each one normal-operator application: one
/// all-reduce when the physics is spread), then the prior step `z_k = D_{σ_k}(x_k)`. The iterate
/// recorded is z_k; z_0 and the first warm start are the run's start. With an `iterationLimit`
/// (DPIR) it stops there, whatever the run asks.
public struct PnPHQS: IterativeSolver, Sendable {
    /// The data term, prior, schedule and data-step solver.
    public let splitting: Splitting
    /// DPIR: the schedule's length, after which the method stops; nil for plain HQS.
    public let iterationLimit: Int?

    public var normSquared: Double? { splitting.normSquared }
    /// The proximal step 1/μ of the first iteration.
    public var step: Double { 1 / splitting.schedule.penalty(at: 1) }

    /// A solver of `splitting`, stopping after `iterationLimit` iterations when given.
    public init(_ splitting: Splitting, iterationLimit: Int? = nil) {
        self.splitting = splitting
        self.iterationLimit = iterationLimit
    }

    public func initialImage(_ method: PnPInitialisation, fbp: (() throws -> Tensor)?) throws -> Tensor {
        try splitting.fidelity.initialImage(method, fbp: fbp)
    }

    /// Runs iterations from `x` (z_0) until `maxIterations` or until `observer` says stop; `x`
    /// ends as the last z_k.
    @discardableResult
    public func solve<Observer: IterationObserver>(_ x: inout Tensor, maxIterations: Int, observer: inout Observer) throws -> Int {
        var data = x, dataStep = splitting.dataStep()
        let iterations = max(1, min(maxIterations, iterationLimit ?? maxIterations))
        for iteration in 1...iterations {
            try observer.run(.gradient, iteration: iteration) {
                try dataStep.solve(&data, towards: x, penalty: splitting.schedule.penalty(at: iteration))
            }
            try observer.run(.denoise, iteration: iteration) {
                x = try splitting.prior.denoise(data, sigma: splitting.schedule.sigma(at: iteration))
            }
            guard try observer.shouldContinue(after: iteration, iterate: x) else { return iteration }
        }
        return iterations
    }
}
