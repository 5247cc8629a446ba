import Denoisers
import Solvers

/// A solver that experiment files may name, declared once in its own file (`Solvers/`): its
/// parameters (its own, and the shared groups it lists), its typed values, and how it builds the
/// `IterativeSolver` the runner runs. Registered in `ParameterCatalog.solverRuns`.
public protocol SolverRun: Sendable {
    /// The name, summary and parameters, as `invscale solvers` prints them.
    static var component: ComponentSpec { get }
    /// The typed values of a run's solver parameters.
    init(_ parameters: ParameterSet) throws(RunModelError)
    /// The plug-and-play prior: which denoiser, σ, weights.
    var prior: DenoiserParameters { get }
    /// The first iterate.
    var initialisation: PnPInitialisation { get }
    /// The solver part of a run's label: "PnP (drunet σ 0.05, init fbp)".
    var label: String { get }
    /// The iterations the method is made of (DPIR's schedule), nil when it goes on as asked.
    var iterationLimit: Int? { get }
    /// What one iteration's data step costs, for the planner.
    var work: SolverWork { get }
    /// The solver for `fidelity` and `denoiser` on data in `valueRange`; `knownNormSquared` is
    /// ‖A‖² when an earlier run on the same data estimated it.
    func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                    knownNormSquared: Double?) throws -> any IterativeSolver
}

extension SolverRun {
    public var iterationLimit: Int? { nil }
    /// A proximal-gradient step: one gradient, the iterate, the start, the gradient and the step's result.
    public var work: SolverWork { SolverWork(normalApplications: 1, images: 4) }
}

/// The work of one iteration's data step: how many times it applies the normal operator
/// `Σ A_kᵀA_k` (or the gradient), and how many images the solver and the runner hold.
public struct SolverWork: Sendable, Equatable {
    public let normalApplications: Int
    public let images: Int

    public init(normalApplications: Int, images: Int) {
        self.normalApplications = normalApplications
        self.images = images
    }
}
