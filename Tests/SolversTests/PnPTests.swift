import Physics
import Datasets
import Communication
import Denoisers
import Metrics
import Solvers
import Tensor
import Testing

/// The 128² tomography problem of these tests: 60 angles over 4 operators, noise 0.01.
let testProblem = Result { try Tomography2D(imgSize: 128, numOperators: 4, numAngles: 60, noiseLevel: 0.01, seed: 7).makeProblem() }

func fidelity(_ problem: Problem) throws -> LeastSquaresFidelity {
    try LeastSquaresFidelity(operators: problem.operators, measurements: problem.measurements, imageShape: problem.groundTruth.shape)
}

func psnr(_ x: Tensor, _ problem: Problem) throws -> Double {
    try peakSignalToNoiseRatio(x, problem.groundTruth)[0]
}

/// Runs `iterations` PnP iterations from `start`.
func run(_ solver: PnP, from start: PnPInitialisation, iterations: Int, problem: Problem) throws -> Tensor {
    var x = try solver.initialImage(start) { try problem.filteredBackProjection() }
    for _ in 0..<iterations {
        try solver.gradientStep(&x)
        try solver.denoiseStep(&x)
    }
    return x
}

@Suite("PnP proximal gradient")
struct PnPTests {
    @Test("the gradient is Σ Aᵀ(Ax − y): zero at an exact solution, and the step is 0.99/‖A‖²")
    func gradientAndStep() throws {
        let problem = try testProblem.get()
        let exact = try problem.operators.apply(problem.groundTruth)
        let noiseless = try LeastSquaresFidelity(operators: problem.operators, measurements: exact, imageShape: problem.groundTruth.shape)
        #expect(try noiseless.gradient(problem.groundTruth).norm() < 1e-3 * problem.groundTruth.norm())
        let solver = try PnP(fidelity: noiseless, denoiser: TotalVariationDenoiser(), settings: PnPSettings())
        let norm = try PnP.normSquared(of: noiseless)
        #expect(abs(solver.step - 0.99 / norm) < 1e-12)
        // ‖A‖² bounds the Rayleigh quotient of any image, e.g. the phantom.
        let x = problem.groundTruth
        #expect(try x.dot(noiseless.normal(x)) / x.dot(x) <= norm * (1 + 1e-4))
        let fixed = try PnP(fidelity: noiseless, denoiser: TotalVariationDenoiser(), settings: PnPSettings(stepSize: 0.1))
        #expect(fixed.step == 0.1)
    }

    /// Measured (debug build, 2026-11-21): FBP 28.47 dB; PnP-TV from FBP 29.95 dB after 20
    /// iterations and still rising (the step 0.99/‖A‖² makes high frequencies converge slowly).
    @Test("PnP-TV from FBP beats FBP on tomography_2d 128² (60 angles, noise 0.01)")
    func beatsFBP() throws {
        let problem = try testProblem.get()
        let fbp = try psnr(problem.filteredBackProjection(), problem)
        let solver = try PnP(fidelity: fidelity(problem), denoiser: TotalVariationDenoiser(iterations: 20),
                             settings: PnPSettings(denoiserSigma: 0.0005))
        let pnp = try psnr(run(solver, from: .fbp, iterations: 30, problem: problem), problem)
        print("tomography_2d 128², 60 angles: FBP \(fbp) dB, PnP-TV (30 iterations from FBP) \(pnp) dB")
        #expect(pnp > fbp + 1)
    }

    @Test("initialisations: zeros, the adjoint of the data (the reference's pseudo_inverse), FBP")
    func initialisations() throws {
        let problem = try testProblem.get()
        let solver = try PnP(fidelity: fidelity(problem), denoiser: TotalVariationDenoiser(iterations: 20),
                             settings: PnPSettings(denoiserSigma: 0.0005))
        #expect(try solver.initialImage(.zeros).norm() == 0)
        #expect(try solver.initialImage(.pseudoInverse) == problem.operators.adjoint(problem.measurements))
        #expect(try solver.initialImage(.fbp) { try problem.filteredBackProjection() } == problem.filteredBackProjection())
        #expect(throws: SolverError.self) { try solver.initialImage(.fbp) }
        // From zeros the iterates climb; the unscaled adjoint (‖A‖² times too large) is a poor start.
        let zeros = try (1...2).map { try psnr(run(solver, from: .zeros, iterations: 5 * $0, problem: problem), problem) }
        let adjoint = try psnr(run(solver, from: .pseudoInverse, iterations: 10, problem: problem), problem)
        print("PnP-TV from zeros after 5 / 10 iterations: \(zeros) dB; from the adjoint after 10: \(adjoint) dB")
        #expect(zeros[1] > zeros[0] && zeros[0] > 10)
        #expect(adjoint < zeros[1])
    }

    @Test("relaxation: α = γλ/(1+γλ) mixes the input and D(x); a huge λ is the plain step")
    func relaxation() throws {
        let problem = try testProblem.get()
        let denoiser = try TotalVariationDenoiser(iterations: 20)
        let base = PnPSettings(denoiserSigma: 0.01, stepSize: 0.01)
        var x = try problem.filteredBackProjection()
        var plainResult = x, relaxedResult = x, nearlyPlain = x
        try PnP(fidelity: fidelity(problem), denoiser: denoiser, settings: base).denoiseStep(&plainResult)
        var relaxed = base
        relaxed.relaxation = 50  // γλ = 0.5 → α = 1/3
        try PnP(fidelity: fidelity(problem), denoiser: denoiser, settings: relaxed).denoiseStep(&relaxedResult)
        var expected = plainResult
        expected.scale(by: 1.0 / 3)
        x.scale(by: 2.0 / 3)
        expected.add(x)
        #expect((relaxedResult - expected).norm() <= 1e-5 * expected.norm())
        relaxed.relaxation = 1e9
        try PnP(fidelity: fidelity(problem), denoiser: denoiser, settings: relaxed).denoiseStep(&nearlyPlain)
        #expect((nearlyPlain - plainResult).norm() <= 1e-5 * plainResult.norm())
        relaxed.relaxation = -1
        #expect(throws: SolverError.self) { try PnP(fidelity: fidelity(problem), denoiser: denoiser, settings: relaxed) }
    }

    @Test("the denoiser sees [0, 1] through the declared value range, whatever the iterate's range")
    func valueRangeMap() throws {
        let problem = try testProblem.get()
        /// Records the range of what it is given and returns it unchanged.
        struct Probe: Denoiser {
            func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor { x }
        }
        var x = Tensor(shape: [1, 1, 4, 4], values: (0..<16).map { Float($0) })
        let solver = try PnP(fidelity: fidelity(problem), denoiser: Probe(),
                             settings: PnPSettings(stepSize: 1, valueRange: -2...6))
        let before = x
        try solver.denoiseStep(&x)
        #expect((x - before).norm() < 1e-5)
        #expect(throws: SolverError.self) {
            try PnP(fidelity: fidelity(problem), denoiser: Probe(), settings: PnPSettings(stepSize: 1, valueRange: 1...1))
        }
    }
}

@Suite("Distributed least squares on one rank")
struct DistributedFidelityTests {
    @Test("operators k mod P; with one rank the gradient, Aᵀy and AᵀA equal the plain fidelity; a rank without operators gives zeros")
    func oneRank() throws {
        #expect(DistributedLeastSquaresFidelity.operators(count: 8, rank: 1, size: 3) == [1, 4, 7])
        #expect(DistributedLeastSquaresFidelity.operators(count: 2, rank: 2, size: 3).isEmpty)
        let problem = try Tomography2D(imgSize: 32, numOperators: 4, numAngles: 20).makeProblem()
        let plain = try fidelity(problem)
        let distributed = try DistributedLeastSquaresFidelity(local: plain, imageShape: plain.imageShape, communicator: LocalCommunicator())
        let x = problem.groundTruth
        #expect(try distributed.gradient(x) == plain.gradient(x))
        #expect(try distributed.adjointOfMeasurements() == plain.adjointOfMeasurements())
        #expect(try distributed.normal(x) == plain.normal(x))
        // Operators split in two groups, their double sums added (what an all-reduce of two ranks
        // does): the float results are the one-stack results, bit for bit.
        let stacks = try [[0, 2], [1, 3]].map { group in
            try LeastSquaresFidelity(operators: OperatorStack(group.map { plain.operators.operators[$0] }),
                                     measurements: group.map { plain.measurements[$0] }, imageShape: plain.imageShape)
        }
        for term in [FidelityTerm.gradient(x), .adjointOfMeasurements, .normal(x)] {
            var sum = try stacks[0].unroundedSum(term)
            let other = try stacks[1].unroundedSum(term)
            for index in sum.values.indices { sum.values[index] += other.values[index] }
            #expect(sum.rounded == (try plain.unroundedSum(term).rounded), "\(term)")
        }
        let idle = try DistributedLeastSquaresFidelity(local: nil, imageShape: plain.imageShape, communicator: LocalCommunicator())
        #expect(try idle.gradient(x) == Tensor(shape: plain.imageShape))
    }

    @Test("partial FBPs of the operators sum to the FBP of the whole scan, bit for bit however they are grouped")
    func partialFBP() throws {
        let dataset = try Tomography2D(imgSize: 48, numOperators: 3, numAngles: 31)
        let problem = try dataset.makeProblem()
        var grouped = DoubleSum(shape: [1, 1, 48, 48])
        for group in [[0, 2], [1]] {
            let part = try dataset.filteredBackProjection(operators: group, measurements: group.map { problem.measurements[$0] })
            for index in grouped.values.indices { grouped.values[index] += part.values[index] }
        }
        let sum = grouped.rounded
        #expect(sum == (try dataset.filteredBackProjection(operators: [0, 1, 2], measurements: problem.measurements).rounded))
        let full = try problem.filteredBackProjection()
        let difference = zip(sum.scalars, full.scalars).map { abs($0 - $1) }.max() ?? .infinity
        let scale = full.scalars.map(abs).max() ?? 1
        #expect(difference <= 1e-5 * scale, "max difference \(difference) of \(scale)")
    }
}
