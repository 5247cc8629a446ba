import Denoisers
import Solvers

/// `PnP-ADMM`: the alternating direction method of multipliers with a scaled dual variable u.
/// The same data step as `PnP-HQS` on `z − u` (μ = `penalty_scale`·‖A‖²), then `z = D_σ(x + u)`
/// and `u ← u + x − z`. Its parameters are `PnP-HQS`'s.
public struct PnPADMMRun: SolverRun {
    public static let component = ComponentSpec(
        "PnP-ADMM", .solver,
        summary: "Plug-and-play ADMM: the data step of PnP-HQS on z − u, a denoiser on x + u, then the dual update.",
        isBuilt: true, parameters: PnPHQSRun.component.parameters)

    /// The values, read as `PnP-HQS` reads them.
    public let values: PnPHQSRun
    public var prior: DenoiserParameters { values.prior }
    public var initialisation: PnPInitialisation { values.initialisation }
    public var work: SolverWork { values.work }

    public init(_ parameters: ParameterSet) throws(RunModelError) { values = try PnPHQSRun(parameters) }

    public func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                           knownNormSquared: Double?) throws -> any IterativeSolver {
        PnPADMM(try values.parts(fidelity: fidelity, denoiser: denoiser, valueRange: valueRange, knownNormSquared: knownNormSquared))
    }

    /// The label part: "PnP-ADMM (drunet σ 0.05, μ 0.1·‖A‖², CG 5, init fbp)".
    public var label: String { values.label(name: Self.component.name) }
}
