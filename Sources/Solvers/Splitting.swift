import Tensor

/// What the splitting solvers (`PnPHQS`, DPIR, `PnPADMM`) are made of: the data term, the prior,
/// the per-iteration σ_k and μ_k, and the data step's conjugate gradients.
public struct Splitting: Sendable {
    /// The data term.
    public let fidelity: any DataFidelity
    /// The prior step.
    public let prior: DenoiserPrior
    /// σ_k and μ_k (μ in the data term's units).
    public let schedule: SplittingSchedule
    /// The data step's solver.
    public let conjugateGradient: ConjugateGradient
    /// ‖A‖² the penalties were scaled by.
    public let normSquared: Double?

    /// The parts of a splitting solver.
    public init(fidelity: any DataFidelity, prior: DenoiserPrior, schedule: SplittingSchedule,
                conjugateGradient: ConjugateGradient, normSquared: Double?) {
        self.fidelity = fidelity
        self.prior = prior
        self.schedule = schedule
        self.conjugateGradient = conjugateGradient
        self.normSquared = normSquared
    }

    /// The data step of one solve: `x = argmin ½Σ‖A_k x − y_k‖² + (μ/2)‖x − v‖²`, i.e.
    /// `(Σ A_kᵀA_k + μI)x = Σ A_kᵀy_k + μv`, by conjugate gradients warm-started at `x`. It keeps
    /// `Σ A_kᵀy_k` (computed at the first call) and `N x` (carried by the recurrence) between
    /// calls, so each call costs the inner iterations' normal-operator applications only.
    public struct DataStep {
        let splitting: Splitting
        private var adjoint: Tensor?
        private var normalOfX: Tensor?

        init(_ splitting: Splitting) { self.splitting = splitting }

        /// Moves `x` to the data step's solution towards `v` with penalty `penalty`.
        public mutating func solve(_ x: inout Tensor, towards v: Tensor, penalty: Double) throws {
            let back = try adjoint ?? splitting.fidelity.adjointOfMeasurements()
            adjoint = back
            var rightHandSide = back
            rightHandSide.axpy(Float(penalty), v)
            let fidelity = splitting.fidelity
            var normal = normalOfX
            try splitting.conjugateGradient.solve(&x, normalOfX: &normal, rightHandSide: rightHandSide, shift: penalty) {
                try fidelity.normal($0)
            }
            normalOfX = normal
        }
    }

    /// A fresh data step (nothing kept yet).
    public func dataStep() -> DataStep { DataStep(self) }
}
