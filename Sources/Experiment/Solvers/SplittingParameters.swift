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

    /// The data step's solver.
    func conjugateGradient() throws -> ConjugateGradient {
        try ConjugateGradient(maxIterations: cgIterations, tolerance: cgTolerance)
    }

    /// ‖A‖² of `fidelity`: `known` when an earlier run estimated it, else by power iteration.
    static func normSquared(of fidelity: any DataFidelity, known: Double?) throws -> Double {
        let norm = try known ?? PnP.normSquared(of: fidelity)
        return norm > 0 ? norm : 1
    }

    /// The label part: "CG 5".
    var label: String { "CG \(cgIterations)" }
}
