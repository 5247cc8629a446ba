import Denoisers
import Solvers

/// `PnP-HQS`: half-quadratic splitting. A data step that solves
/// `(Σ A_kᵀA_k + μI)x = Σ A_kᵀy_k + μz` by warm-started conjugate gradients (μ = `penalty_scale`·‖A‖²),
/// then the prior step `z = D_σ(x)`.
public struct PnPHQSRun: SolverRun {
    static let penaltyScale = ParameterSpec("penalty_scale", .float, .double(0.1),
                                            "μ/‖A‖²: the weight that pulls the data step towards the denoised image", bound: .positive)

    public static let component = ComponentSpec(
        "PnP-HQS", .solver,
        summary: "Half-quadratic splitting: a data step solved by conjugate gradients (penalty μ), then a denoiser.",
        isBuilt: true,
        parameters: SolverParameters.list(own: [penaltyScale, SplittingParameters.cgIterations, SplittingParameters.cgTolerance]))

    public let prior: DenoiserParameters
    public let splitting: SplittingParameters
    public let initialisation: PnPInitialisation

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        prior = try DenoiserParameters(parameters)
        splitting = try SplittingParameters(parameters, penaltyScale: Self.penaltyScale)
        initialisation = try parameters.choice(SolverParameters.initMethod, as: PnPInitialisation.self)
    }

    public func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                           knownNormSquared: Double?) throws -> any IterativeSolver {
        let norm = try SplittingParameters.normSquared(of: fidelity, known: knownNormSquared)
        return PnPHQS(fidelity: fidelity, prior: try DenoiserPrior(denoiser: denoiser, valueRange: valueRange),
                      schedule: try .constant(sigma: Float(prior.sigma), penalty: splitting.penaltyScale * norm),
                      conjugateGradient: try splitting.conjugateGradient(), normSquared: norm)
    }

    /// The label part: "PnP-HQS (drunet σ 0.05, μ 0.1·‖A‖², CG 5, init fbp)".
    public var label: String {
        "\(Self.component.name) (\(prior.label), μ \(ParameterValue.double(splitting.penaltyScale))·‖A‖², \(splitting.label), init \(initialisation.rawValue))"
    }
}
