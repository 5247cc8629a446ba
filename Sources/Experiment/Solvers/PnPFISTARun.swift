import Denoisers
import Solvers

/// `PnP-FISTA`: the accelerated form of `PnP`. The same gradient step and denoiser, taken at a
/// point extrapolated with FISTA's momentum; the same cost per iteration. Its parameters are
/// `PnP`'s and `restart` (none, gradient or residual: `FISTARestart`).
public struct PnPFISTARun: SolverRun {
    static let restart = ParameterSpec("restart", .string, .string(FISTARestart.residual.rawValue),
                                       "when the momentum starts again: none, gradient (it points against the last step) or residual (the PnP step's residual grew)",
                                       choices: FISTARestart.allCases.map(\.rawValue))

    public static let component = ComponentSpec(
        "PnP-FISTA", .solver,
        summary: "PnP with FISTA's momentum: the gradient step and denoiser at an extrapolated point, same cost per iteration.",
        isBuilt: true, parameters: SolverParameters.list(own: PnPRun.own + [restart]))

    /// The proximal-gradient parameters, as `PnP` reads them.
    public let steps: PnPRun
    public let restart: FISTARestart
    /// PnP's step, and the previous iterate and the extrapolated point.
    public var work: SolverWork { SolverWork(normalApplications: 1, images: 6) }
    public var prior: DenoiserParameters { steps.prior }
    public var initialisation: PnPInitialisation { steps.initialisation }

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        steps = try PnPRun(parameters)
        restart = try parameters.choice(Self.restart, as: FISTARestart.self)
    }

    public func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                           knownNormSquared: Double?) throws -> any IterativeSolver {
        try PnPFISTA(fidelity: fidelity, denoiser: denoiser, settings: steps.settings(valueRange: valueRange), restart: restart,
                     knownNormSquared: knownNormSquared)
    }

    /// The label part: "PnP-FISTA (drunet σ 0.05, init fbp)", with ", restart none" when not the
    /// default residual restart.
    public var label: String {
        let relaxationPart = steps.relaxation.map { ", λ \(ParameterValue.double($0))" } ?? ""
        let restartPart = restart == .residual ? "" : ", restart \(restart.rawValue)"
        return "\(Self.component.name) (\(prior.label)\(relaxationPart)\(restartPart), init \(initialisation.rawValue))"
    }
}
