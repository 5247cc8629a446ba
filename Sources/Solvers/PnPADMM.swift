import Denoisers
import Tensor

/// Plug-and-play ADMM with a scaled dual variable u: the data step
/// `x_k = argmin ½Σ‖A_k x − y_k‖² + (μ/2)‖x − (z_{k−1} − u_{k−1})‖²`, solved by warm-started
/// conjugate gradients as in `PnPHQS`; then `z_k = D_σ(x_k + u_{k−1})` and
/// `u_k = u_{k−1} + x_k − z_k`. The iterate recorded is z_k; z_0 and the first warm start are the
/// run's start, u_0 = 0.
public struct PnPADMM: IterativeSolver, Sendable {
    /// The data term, prior, schedule (ADMM's declaration gives one constant σ and μ) and
    /// data-step solver.
    public let splitting: Splitting

    public var normSquared: Double? { splitting.normSquared }
    /// The proximal step 1/μ of the first iteration.
    public var step: Double { 1 / splitting.schedule.penalty(at: 1) }

    /// A solver of `splitting`.
    public init(_ splitting: Splitting) { self.splitting = splitting }

    public func initialImage(_ method: PnPInitialisation, fbp: (() throws -> Tensor)?) throws -> Tensor {
        try splitting.fidelity.initialImage(method, fbp: fbp)
    }

    /// Runs iterations from `x` (z_0) until `maxIterations` or until `observer` says stop; `x`
    /// ends as the last z_k.
    @discardableResult
    public func solve<Observer: IterationObserver>(_ x: inout Tensor, maxIterations: Int, observer: inout Observer) throws -> Int {
        var data = x, dataStep = splitting.dataStep(), dual = Tensor(shape: x.shape)
        for iteration in 1...max(1, maxIterations) {
            try observer.run(.gradient, iteration: iteration) {
                try dataStep.solve(&data, towards: x - dual, penalty: splitting.schedule.penalty(at: iteration))
            }
            try observer.run(.denoise, iteration: iteration) {
                let point = data + dual
                x = try splitting.prior.denoise(point, sigma: splitting.schedule.sigma(at: iteration))
                dual = point - x
            }
            guard try observer.shouldContinue(after: iteration, iterate: x) else { return iteration }
        }
        return max(1, maxIterations)
    }
}
