import Denoisers
import Solvers

/// `PnP-HQS`: half-quadratic splitting. A data step that solves
/// `(Σ A_kᵀA_k + μI)x = Σ A_kᵀy_k + μz` by warm-started conjugate gradients (μ = `penalty_scale`·‖A‖²),
/// then the prior step `z = D_σ(x)`. `PnP-ADMM` reads the same parameters.
public struct PnPHQSRun: SolverRun {
    static let penaltyScale = ParameterSpec("penalty_scale", .float, .double(0.1),
                                            "μ/‖A‖²: the penalty tying the data step to the denoised image (z; z − u in PnP-ADMM)", bound: .positive)

    public static let component = ComponentSpec(
        "PnP-HQS", .solver,
        summary: "Half-quadratic splitting: a data step solved by conjugate gradients (penalty μ), then a denoiser.",
        isBuilt: true,
        parameters: SolverParameters.list(own: [penaltyScale, SplittingParameters.cgIterations, SplittingParameters.cgTolerance]))

    public let prior: DenoiserParameters
    public let splitting: SplittingParameters
    public var work: SolverWork { splitting.work }
    public let initialisation: PnPInitialisation

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        prior = try DenoiserParameters(parameters)
        splitting = try SplittingParameters(parameters, penaltyScale: Self.penaltyScale)
        initialisation = try parameters.choice(SolverParameters.initMethod, as: PnPInitialisation.self)
    }

    public func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                           knownNormSquared: Double?) throws -> any IterativeSolver {
        PnPHQS(try parts(fidelity: fidelity, denoiser: denoiser, valueRange: valueRange, knownNormSquared: knownNormSquared))
    }

    /// The solver's parts: σ and μ = `penalty_scale`·‖A‖² at every iteration.
    func parts(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
               knownNormSquared: Double?) throws -> Splitting {
        try splitting.parts(fidelity: fidelity, denoiser: denoiser, valueRange: valueRange, knownNormSquared: knownNormSquared) { norm in
            try .constant(sigma: Float(prior.sigma), penalty: splitting.penaltyScale * norm)
        }
    }

    public var label: String { label(name: Self.component.name) }

    /// The label part under `name`: "PnP-HQS (drunet σ 0.05, μ 0.1·‖A‖², CG 5, init fbp)".
    func label(name: String) -> String {
        "\(name) (\(prior.label), μ \(ParameterValue.double(splitting.penaltyScale))·‖A‖², \(splitting.label), init \(initialisation.rawValue))"
    }
}
