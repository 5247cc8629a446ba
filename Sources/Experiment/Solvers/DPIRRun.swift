import Denoisers
import Solvers

/// `DPIR`: half-quadratic splitting with the schedule of Zhang et al., "Plug-and-Play Image
/// Restoration with Deep Denoiser Prior" (TPAMI 2021), as DeepInverse implements it. σ_k falls
/// geometrically from `dpir_sigma_start` (49/255) to `denoiser_sigma` over `dpir_iterations` (8,
/// the paper's count for deblurring), and the data step's penalty follows from it:
/// μ_k = `penalty_scale`·‖A‖²·λ·(max(0.01, σ_end)/σ_k)², λ = 0.23. Like DeepInverse's DPIR it
/// stops at the schedule's end (a run's `max-runs` can only end it sooner).
///
/// Tomography's scale: DeepInverse's μ_k = λ(σ_noise/σ_k)² is written for a blur, whose ‖A‖² is 1
/// and whose measurement noise is in image units. Multiplying by ‖A‖² keeps the balance between
/// the data term and the penalty the same for any operator's scale, and σ_end, the last
/// denoiser level, stands for the noise level in image units.
public struct DPIRRun: SolverRun {
    static let sigmaStart = ParameterSpec("dpir_sigma_start", .float, .double(49.0 / 255.0),
                                          "denoiser σ of the first iteration (the schedule falls geometrically to denoiser_sigma)",
                                          bound: .positive)
    static let iterations = ParameterSpec("dpir_iterations", .int, .int(8), "iterations of the σ schedule, which are all DPIR runs (8 for deblurring)",
                                          bound: .positive)
    static let penaltyScale = ParameterSpec("penalty_scale", .float, .double(1),
                                            "factor on μ_k = 0.23·‖A‖²·(σ_end/σ_k)²; 1 is DeepInverse's DPIR on a blur", bound: .positive)

    public static let component = ComponentSpec(
        "DPIR", .solver,
        summary: "HQS with DPIR's schedule: denoiser σ falling from 49/255 to denoiser_sigma in 8 iterations, μ following it.",
        isBuilt: true,
        parameters: SolverParameters.list(own: [sigmaStart, iterations, penaltyScale, SplittingParameters.cgIterations,
                                                SplittingParameters.cgTolerance]))

    public let prior: DenoiserParameters
    public let splitting: SplittingParameters
    public var work: SolverWork { splitting.work }
    public let sigmaStart: Double
    public let scheduleIterations: Int
    public let initialisation: PnPInitialisation

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        prior = try DenoiserParameters(parameters)
        splitting = try SplittingParameters(parameters, penaltyScale: Self.penaltyScale)
        sigmaStart = try parameters.double(Self.sigmaStart)
        scheduleIterations = try parameters.int(Self.iterations)
        initialisation = try parameters.choice(SolverParameters.initMethod, as: PnPInitialisation.self)
    }

    public var iterationLimit: Int? { scheduleIterations }

    public func makeSolver(fidelity: any DataFidelity, denoiser: any Denoiser, valueRange: ClosedRange<Float>,
                           knownNormSquared: Double?) throws -> any IterativeSolver {
        let parts = try splitting.parts(fidelity: fidelity, denoiser: denoiser, valueRange: valueRange,
                                        knownNormSquared: knownNormSquared) { norm in
            try .dpir(start: Float(sigmaStart), end: Float(prior.sigma), iterations: scheduleIterations, scale: splitting.penaltyScale * norm)
        }
        return PnPHQS(parts, iterationLimit: scheduleIterations)
    }

    /// The label part: "DPIR (drunet σ 0.05, from σ 0.192 in 8, CG 5, init fbp)".
    public var label: String {
        let start = ParameterValue.double((sigmaStart * 1000).rounded() / 1000)
        let penalty = splitting.penaltyScale == 1 ? "" : ", μ ×\(ParameterValue.double(splitting.penaltyScale))"
        return "\(Self.component.name) (\(prior.label), from σ \(start) in \(scheduleIterations)\(penalty), \(splitting.label), init \(initialisation.rawValue))"
    }
}
