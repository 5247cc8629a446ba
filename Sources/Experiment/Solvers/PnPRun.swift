import Denoisers
import Solvers

/// `PnP`: plug-and-play proximal gradient, the reference's solver. Each iteration takes a
/// gradient step on ½‖Ax − y‖² with step γ (`step_size`, or `step_size_scale`/‖A‖²), then
/// replaces x by the denoiser's output D_σ(x), optionally relaxed: x ← (1 − α)x + αD_σ(x) with
/// α = γλ/(1 + γλ). Its parameters are its own below, the prior's (`DenoiserParameters`), how the
/// run is spread (`ExecutionParameters`) and the early stops (`StoppingRule`), listed in the
/// reference's order.
public struct PnPRun: SolverRun {
    static let relaxation = ParameterSpec("denoiser_lambda_relaxation", .floatOrNull, .null,
                                          "λ: mix input and denoised image with α = step·λ/(1 + step·λ); null = no relaxation",
                                          bound: .positive)
    static let stepSize = ParameterSpec("step_size", .floatOrNull, .null, "gradient step; null = step_size_scale / ‖A‖²",
                                        bound: .positive)
    static let stepSizeScale = ParameterSpec("step_size_scale", .float, .double(0.99), "factor on 1/‖A‖² when step_size is null",
                                             bound: .positive)
    public static let component = ComponentSpec(
        "PnP", .solver,
        summary: "Plug-and-play proximal gradient: a gradient step on ½‖Ax − y‖², then a denoiser.",
        isBuilt: true, parameters: SolverParameters.list(own: own))

    /// The parameters of proximal-gradient PnP, which `PnP-FISTA` shares.
    static let own = [relaxation, stepSize, stepSizeScale]

    public let prior: DenoiserParameters
    public let relaxation: Double?
    public let stepSize: Double?
    public let stepSizeScale: Double
    public let initialisation: PnPInitialisation

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        prior = try DenoiserParameters(parameters)
        relaxation = try parameters.optionalDouble(Self.relaxation)
        stepSize = try parameters.optionalDouble(Self.stepSize)
        stepSizeScale = try parameters.double(Self.stepSizeScale)
        initialisation = try parameters.choice(SolverParameters.initMethod, as: PnPInitialisation.self)
    }

    /// The solver for `fidelity` and `denoiser` on data in `valueRange`; `knownNormSquared` is
    /// ‖A‖² when an earlier run on the same data estimated it.
    public func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                           knownNormSquared: Double?) throws -> any IterativeSolver {
        try PnP(fidelity: fidelity, denoiser: denoiser, settings: settings(valueRange: valueRange), knownNormSquared: knownNormSquared)
    }

    /// The proximal-gradient settings on data in `valueRange`.
    func settings(valueRange: ClosedRange<Float>) -> PnPSettings {
        PnPSettings(denoiserSigma: Float(prior.sigma), stepSize: stepSize, stepSizeScale: stepSizeScale,
                    relaxation: relaxation, valueRange: valueRange)
    }

    /// The label part: "PnP (drunet σ 0.05, weights bundled, λ 10.0, init fbp)".
    public var label: String {
        let relaxationPart = relaxation.map { ", λ \(ParameterValue.double($0))" } ?? ""
        return "\(Self.component.name) (\(prior.label)\(relaxationPart), init \(initialisation.rawValue))"
    }
}
