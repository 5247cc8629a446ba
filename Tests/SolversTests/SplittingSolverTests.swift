import Foundation
import Solvers
import Tensor
import Testing

@Suite("PnP-HQS, PnP-ADMM and DPIR's schedule")
struct SplittingSolverTests {
    static let weights: [Float] = [1, 0.5, 0.25, 0.1, 2, 1.5, 0.05, 0.8]
    static let data: [Float] = [0.9, 0.2, 0.4, 0.1, 1.1, 0.3, 0.05, 0.7]
    static let fidelity = DiagonalFidelity(weights: weights, data: data)
    /// Enough inner iterations that each data step is exact to float rounding.
    static let exact = Result { try ConjugateGradient(maxIterations: 50, tolerance: 0) }

    /// The data step of a diagonal problem: `x = (d·b + μv)/(d² + μ)` elementwise.
    static func dataStep(_ v: [Double], penalty mu: Double) -> [Double] {
        v.indices.map { (Double(weights[$0]) * Double(data[$0]) + mu * v[$0]) / (Double(weights[$0] * weights[$0]) + mu) }
    }

    static func maxError(_ tensor: Tensor, _ expected: [Double]) -> Double {
        zip(tensor.scalars, expected).map { abs(Double($0) - $1) }.max()!
    }

    @Test("HQS follows x_k = (N + μ_k I)⁻¹(Aᵀy + μ_k z_{k−1}), z_k = D_{σ_k}(x_k), computed by hand, with the schedule's σ_k")
    func hqsByHand() throws {
        let denoiser = ScalingDenoiser(factor: 0.9)
        let schedule = try SplittingSchedule(sigmas: [0.2, 0.1, 0.05], penalties: [0.3, 0.6, 1.2])
        let solver = PnPHQS(Splitting(fidelity: Self.fidelity, prior: try DenoiserPrior(denoiser: denoiser, valueRange: 0...1),
                                      schedule: schedule, conjugateGradient: try Self.exact.get(), normSquared: 4))
        var x = try solver.initialImage(.pseudoInverse, fbp: nil), observer = KeepingObserver()
        var z = x.scalars.map(Double.init)
        try solver.solve(&x, maxIterations: 5, observer: &observer)
        for (k, iterate) in observer.iterates.enumerated() {
            z = Self.dataStep(z, penalty: schedule.penalty(at: k + 1)).map { 0.9 * $0 }
            #expect(Self.maxError(iterate, z) < 1e-5, "iteration \(k + 1)")
        }
        // Past its end the schedule keeps its last values.
        #expect(denoiser.sigmas == [0.2, 0.1, 0.05, 0.05, 0.05])
        #expect(solver.step == 1 / 0.3)
        // DPIR's form: a method of as many iterations as its schedule, whatever the run asks.
        let limited = PnPHQS(solver.splitting, iterationLimit: 3)
        var y = try limited.initialImage(.zeros, fbp: nil), limitedObserver = KeepingObserver()
        #expect(try limited.solve(&y, maxIterations: 10, observer: &limitedObserver) == 3)
        #expect(limitedObserver.iterates.count == 3 && limited.iterationLimit == 3)
    }

    @Test("ADMM follows x = (N + μI)⁻¹(Aᵀy + μ(z − u)), z = D(x + u), u ← u + x − z, computed by hand")
    func admmByHand() throws {
        let solver = PnPADMM(Splitting(fidelity: Self.fidelity, prior: try DenoiserPrior(denoiser: ScalingDenoiser(factor: 0.8), valueRange: 0...1),
                                       schedule: try .constant(sigma: 0.05, penalty: 0.5), conjugateGradient: try Self.exact.get(),
                                       normSquared: 4))
        var x = try solver.initialImage(.zeros, fbp: nil), observer = KeepingObserver()
        try solver.solve(&x, maxIterations: 6, observer: &observer)
        var z = [Double](repeating: 0, count: Self.weights.count), u = z
        for (k, iterate) in observer.iterates.enumerated() {
            let data = Self.dataStep(zip(z, u).map { $0 - $1 }, penalty: 0.5)
            let point = zip(data, u).map { $0 + $1 }
            z = point.map { 0.8 * $0 }
            u = zip(point, z).map { $0 - $1 }
            #expect(Self.maxError(iterate, z) < 1e-5, "iteration \(k + 1)")
        }
        #expect(observer.steps.count == 12)
    }

    @Test("with the identity denoiser, HQS and ADMM converge to the least-squares solution")
    func identityConvergesToLeastSquares() throws {
        let prior = try DenoiserPrior(denoiser: ScalingDenoiser(), valueRange: 0...1)
        let solution = zip(Self.data, Self.weights).map { Double($0 / $1) }
        let cg = try ConjugateGradient(maxIterations: 8, tolerance: 1e-7)
        for solver: any IterativeSolver in [
            PnPHQS(Splitting(fidelity: Self.fidelity, prior: prior, schedule: try .constant(sigma: 0, penalty: 0.01), conjugateGradient: cg, normSquared: 4)),
            PnPADMM(Splitting(fidelity: Self.fidelity, prior: prior, schedule: try .constant(sigma: 0, penalty: 0.01), conjugateGradient: cg, normSquared: 4)),
        ] {
            var x = try solver.initialImage(.zeros, fbp: nil), observer = KeepingObserver()
            try solver.solve(&x, maxIterations: 400, observer: &observer)
            #expect(Self.maxError(x, solution) < 2e-3, "\(type(of: solver)): \(x.scalars)")
        }
    }

    @Test("DPIR's schedule is the paper's: σ_k = σ₁(σ_K/σ₁)^((k−1)/(K−1)), μ_k = 0.23·‖A‖²·(σ_K/σ_k)²")
    func dpirSchedule() throws {
        let (start, end) = (Float(49.0 / 255.0), Float(0.05))
        for (iterations, scale) in [(8, 1.0), (5, 2500.0), (1, 1.0)] {
            let schedule = try SplittingSchedule.dpir(start: start, end: end, iterations: iterations, scale: scale)
            #expect(schedule.sigmas.count == iterations)
            for k in 1...iterations {
                let exponent = iterations > 1 ? Double(k - 1) / Double(iterations - 1) : 0
                let sigma = Double(start) * pow(Double(end) / Double(start), exponent)
                #expect(abs(Double(schedule.sigma(at: k)) - sigma) <= 2e-7 * sigma, "σ_\(k) of \(iterations)")
                let mu = scale * 0.23 * pow(Double(end) / sigma, 2)
                #expect(abs(schedule.penalty(at: k) - mu) <= 1e-6 * mu, "μ_\(k) of \(iterations)")
            }
            #expect(schedule.sigma(at: iterations + 3) == schedule.sigmas.last!)
        }
        // The 0.01 floor of the noise level in μ: DeepInverse's max(0.01, σ_noise).
        let low = try SplittingSchedule.dpir(start: 0.2, end: 0.005, iterations: 4, scale: 1)
        let floored = 0.23 * pow(0.01 / Double(low.sigma(at: 4)), 2)
        #expect(abs(low.penalty(at: 4) - floored) < 1e-6 * floored)
        #expect(throws: SolverError.self) { try SplittingSchedule.dpir(start: 0.2, end: 0.05, iterations: 0, scale: 1) }
        #expect(throws: SolverError.self) { try SplittingSchedule.dpir(start: 0, end: 0.05, iterations: 8, scale: 1) }
        #expect(throws: SolverError.self) { try SplittingSchedule(sigmas: [0.1], penalties: [0]) }
    }
}
