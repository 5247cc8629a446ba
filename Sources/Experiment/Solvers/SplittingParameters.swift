import Denoisers
import Solvers

/// The parameters of the splitting solvers' data step (`PnP-HQS`, `PnP-ADMM`, `DPIR`): the
/// penalty μ as a multiple of ‖A‖², and the conjugate gradients that solve
/// `(Σ A_kᵀA_k + μI)x = Σ A_kᵀy_k + μv`: at most `cg_iterations`, stopping at `cg_tolerance`.
public struct SplittingParameters: Sendable {
    static let cgIterations = ParameterSpec("cg_iterations", .int, .int(5),
                                            "most conjugate-gradient iterations per data step (each one normal-operator application)",
                                            bound: .positive)
    static let cgTolerance = ParameterSpec("cg_tolerance", .float, .double(1e-4),
                                           "stop a data step once its residual is this fraction of its right side", bound: .nonNegative)

    /// μ/‖A‖² (DPIR: the factor on its schedule).
    public let penaltyScale: Double
    public let cgIterations: Int
    public let cgTolerance: Double

    /// The values of `parameters`, μ/‖A‖² read from `penaltyScale` (each solver declares its own
    /// default and meaning).
    init(_ parameters: ParameterSet, penaltyScale: ParameterSpec) throws(RunModelError) {
        self.penaltyScale = try parameters.double(penaltyScale)
        cgIterations = try parameters.int(Self.cgIterations)
        cgTolerance = try parameters.double(Self.cgTolerance)
    }

    /// A splitting solver's parts: ‖A‖² (`knownNormSquared` when an earlier run estimated it,
    /// else by power iteration; 1 for a zero operator), the schedule `schedule` makes from it,
    /// the prior and the data step's conjugate gradients.
    func parts(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>, knownNormSquared: Double?,
               schedule: (Double) throws -> SplittingSchedule) throws -> Splitting {
        let measured = try knownNormSquared ?? PnP.normSquared(of: fidelity)
        let norm = measured > 0 ? measured : 1
        return Splitting(fidelity: fidelity, prior: try DenoiserPrior(denoiser: denoiser, valueRange: valueRange),
                         schedule: try schedule(norm), conjugateGradient: try ConjugateGradient(maxIterations: cgIterations, tolerance: cgTolerance),
                         normSquared: norm)
    }

    /// The label part: "CG 5".
    var label: String { "CG \(cgIterations)" }

    /// At most `cg_iterations` normal applications per data step (CG's N·x is carried from one
    /// solve to the next); the iterate, the start, z, u and CG's residual, direction and product.
    var work: SolverWork { SolverWork(normalApplications: cgIterations, images: 8) }
}
