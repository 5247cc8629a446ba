import Tensor

extension DataFidelity {
    /// The first iterate a solver starts from: zeros, `Σ_k A_kᵀ y_k`, or the filtered
    /// back-projection `fbp` gives (which must be given for `.fbp`).
    public func initialImage(_ method: PnPInitialisation, fbp: (() throws -> Tensor)? = nil) throws -> Tensor {
        switch method {
        case .zeros: return Tensor(shape: imageShape)
        case .pseudoInverse: return try adjointOfMeasurements()
        case .fbp:
            guard let fbp else { throw SolverError("init_method fbp: this problem has no filtered back-projection") }
            return try fbp()
        }
    }
}
