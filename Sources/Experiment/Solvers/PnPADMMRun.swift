import Denoisers
import Solvers

/// `PnP-ADMM`: the alternating direction method of multipliers with a scaled dual variable u.
/// The same data step as `PnP-HQS` on `z − u` (μ = `penalty_scale`·‖A‖²), then `z = D_σ(x + u)`
/// and `u ← u + x − z`.
public struct PnPADMMRun: SolverRun {
    static let penaltyScale = ParameterSpec("penalty_scale", .float, .double(0.1),
                                            "μ/‖A‖²: the weight that pulls the data step towards z − u", bound: .positive)

    public static let component = ComponentSpec(
        "PnP-ADMM", .solver,
        summary: "Plug-and-play ADMM: the data step of PnP-HQS on z − u, a denoiser on x + u, then the dual update.",
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
        return PnPADMM(fidelity: fidelity, prior: try DenoiserPrior(denoiser: denoiser, valueRange: valueRange),
                       schedule: try .constant(sigma: Float(prior.sigma), penalty: splitting.penaltyScale * norm),
                       conjugateGradient: try splitting.conjugateGradient(), normSquared: norm)
    }

    /// The label part: "PnP-ADMM (drunet σ 0.05, μ 0.1·‖A‖², CG 5, init fbp)".
    public var label: String {
        "\(Self.component.name) (\(prior.label), μ \(ParameterValue.double(splitting.penaltyScale))·‖A‖², \(splitting.label), init \(initialisation.rawValue))"
    }
}
