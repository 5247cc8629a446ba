import Measurement
import Datasets
import Denoisers
import Metrics
import Physics
import Solvers
import Tensor

/// The result of `invscale bench pnp`: PnP iterations on `tomography_2d` or `highres_color_image`,
/// split into the gradient step, the denoising step and the whole iteration.
public struct PnPBenchmarkReport: Sendable, Codable {
    public let benchmark: String
    /// The dataset the iterations ran on.
    public let dataset: String
    /// Timed cases: `gradient`, `denoise`, `iteration` (medians over the timed iterations).
    public let cases: [String: TimingStats]
    public let size: Int
    public let operators: Int
    /// Projection angles (tomography only).
    public let angles: Int?
    /// Which denoiser ran.
    public let denoiser: String
    /// Set-up time (problem, ‖A‖² by power iteration, initialisation), seconds.
    public let setupSeconds: Double
    public let threads: Int
    public let peakRSSMB: Double?

    private enum CodingKeys: String, CodingKey {
        case benchmark, dataset, cases, size, operators, angles, denoiser, threads
        case setupSeconds = "setup_s"
        case peakRSSMB = "peak_rss_mb"
    }
}

/// Times PnP iterations as the peer benchmark does. `tomography_2d`: N², `angles` angles split over
/// `operators` operators, noise 0.01, σ_denoiser 0.01, step 0.99/‖A‖². `highres_color_image`:
/// longest side N, `operators` blurs, noise 0.1, the reference's σ_denoiser 0.005 and step 0.1.
/// Adjoint start; one untimed warm-up iteration, then `repetitions` timed ones.
public enum PnPBenchmark {
    /// The datasets the benchmark runs on.
    public static let datasets = [Tomography2D.name, HighresColorImage.name]

    public static func run(dataset: String = Tomography2D.name, size: Int, operators: Int, angles: Int, denoiser: any Denoiser,
                           denoiserName: String, repetitions: Int) throws -> PnPBenchmarkReport {
        let setupStart = Stopwatch.now()
        let solver: PnP
        if dataset == HighresColorImage.name {
            let scan = try HighresColorImage(imageSize: size, numOperators: operators, noiseLevel: 0.1, dataDirectory: nil)
            try scan.requireMemory()
            let fidelity = try scan.blurStack(operators: Array(0..<operators), groundTruth: scan.groundTruth())
            solver = try PnP(fidelity: fidelity, denoiser: denoiser, settings: PnPSettings(denoiserSigma: 0.005, stepSize: 0.1))
        } else {
            let problem = try Tomography2D(imgSize: size, numOperators: operators, numAngles: angles, noiseLevel: 0.01).makeProblem()
            let fidelity = try LeastSquaresFidelity(operators: problem.operators, measurements: problem.measurements,
                                                    imageShape: problem.groundTruth.shape)
            solver = try PnP(fidelity: fidelity, denoiser: denoiser,
                             settings: PnPSettings(denoiserSigma: 0.01, valueRange: problem.valueRange))
        }
        var x = try solver.initialImage(.pseudoInverse)
        let setup = Stopwatch.now() - setupStart
        try solver.gradientStep(&x)
        try solver.denoiseStep(&x)
        var gradient: [Double] = [], denoise: [Double] = [], total: [Double] = []
        for _ in 0..<repetitions {
            let start = Stopwatch.now()
            try solver.gradientStep(&x)
            let middle = Stopwatch.now()
            try solver.denoiseStep(&x)
            let end = Stopwatch.now()
            gradient.append(middle - start)
            denoise.append(end - middle)
            total.append(end - start)
        }
        return PnPBenchmarkReport(
            benchmark: "pnp", dataset: dataset,
            cases: ["gradient": TimingStats(samples: gradient), "denoise": TimingStats(samples: denoise),
                    "iteration": TimingStats(samples: total)],
            size: size, operators: operators, angles: dataset == Tomography2D.name ? angles : nil, denoiser: denoiserName,
            setupSeconds: setup, threads: ThreadPool.shared.threadCount,
            peakRSSMB: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 })
    }
}
