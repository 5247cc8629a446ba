import Datasets
import Measurement
import Physics
import Solvers
import Tensor

/// The result of `invscale bench blur`: one gradient step `Σ_k A_kᵀ(A_k x − y_k)` of the colour
/// dataset's blurs, computed in the Fourier domain at once (`CircularBlurStack`, what runs use)
/// and operator by operator (each blur and its adjoint, as DeepInverse computes it), and one blur.
public struct BlurBenchmarkReport: Sendable, Codable {
    public let benchmark: String
    /// Timed cases: `gradient` (fused), `gradient_per_operator`, `blur` (one A x).
    public let cases: [String: TimingStats]
    /// `[1, 3, H, W]`.
    public let imageShape: [Int]
    public let operators: Int
    public let kernelSize: Int
    /// Largest difference between the two gradients over the largest gradient value.
    public let relativeDifference: Double
    public let threads: Int
    public let peakRSSMB: Double?

    private enum CodingKeys: String, CodingKey {
        case benchmark, cases, operators, threads
        case imageShape = "image_shape"
        case kernelSize = "kernel_size"
        case relativeDifference = "relative_difference"
        case peakRSSMB = "peak_rss_mb"
    }
}

/// Times the data term of `highres_color_image` (S = `imageSize`, `operators` blurs, noise 0.1):
/// one untimed warm-up of each case, then `repetitions` timed ones.
public enum BlurBenchmark {
    public static func run(imageSize: Int, operators: Int, repetitions: Int) throws -> BlurBenchmarkReport {
        let dataset = try HighresColorImage(imageSize: imageSize, numOperators: operators, noiseLevel: 0.1, dataDirectory: nil)
        try dataset.requireMemory()
        let truth = try dataset.groundTruth()
        let blurs = try (0..<operators).map { try dataset.blur(operator: $0, height: truth.shape[2], width: truth.shape[3]) }
        let measurements = try blurs.enumerated().map { try dataset.measurement(operator: $0, blur: $1, groundTruth: truth) }
        let perOperator = try LeastSquaresFidelity(operators: OperatorStack(blurs), measurements: measurements, imageShape: truth.shape)
        let fused = try CircularBlurStack(blurs: blurs, measurements: measurements)
        let x = try perOperator.adjointOfMeasurements()
        func timed(_ body: () throws -> Void) throws -> TimingStats {
            try body()
            return TimingStats(samples: try (0..<repetitions).map { _ in
                let start = Stopwatch.now()
                try body()
                return Stopwatch.now() - start
            })
        }
        let (a, b) = (try fused.gradient(x), try perOperator.gradient(x))
        let scale = max(Double(b.scalars.map(abs).max() ?? 0), .leastNormalMagnitude)
        let difference = Double(zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0)
        return BlurBenchmarkReport(
            benchmark: "blur",
            cases: ["gradient": try timed { _ = try fused.gradient(x) },
                    "gradient_per_operator": try timed { _ = try perOperator.gradient(x) },
                    "blur": try timed { _ = try blurs[0].apply(x) }],
            imageShape: truth.shape, operators: operators, kernelSize: 2 * GaussianBlurKernel.halfWidth(sigma: dataset.sigma) + 1,
            relativeDifference: difference / scale, threads: ThreadPool.shared.threadCount,
            peakRSSMB: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 })
    }
}
