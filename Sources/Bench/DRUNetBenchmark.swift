import Denoisers
import Metrics
import Tensor

/// The result of `invscale bench drunet`: one forward pass of DRUNet on an N×N image.
public struct DRUNetBenchmarkReport: Sendable, Codable {
    /// Benchmark name.
    public let benchmark: String
    /// Timed cases: `forward`.
    public let cases: [String: TimingStats]
    /// Image side N.
    public let size: Int
    /// Image channels (1 grey, 3 colour).
    public let channels: Int
    /// Channels per level.
    public let nc: [Int]
    /// Residual blocks per level.
    public let nb: Int
    /// Where the weights came from.
    public let weights: String
    /// Floating-point operations of one forward pass, 10⁹.
    public let gflop: Double
    /// `gflop` divided by the median time.
    public let gflops_per_s: Double
    /// Threads of the pool.
    public let threads: Int
    /// Peak resident set size of the process, MiB.
    public let peak_rss_mb: Double?
}

/// Times DRUNet's forward pass on a seeded random image at σ = 0.01.
public enum DRUNetBenchmark {
    /// Runs the forward pass `repetitions` times after the warm-up.
    public static func run(model: DRUNet, weights: String, size: Int, repetitions: Int) throws -> DRUNetBenchmarkReport {
        let c = model.configuration
        var image = NormalGenerator(seed: 11).tensor(shape: [1, c.inputChannels, size, size])
        image.scale(by: 0.1)
        image.add(Tensor(shape: image.shape, repeating: 0.5))
        let stats = try Stopwatch.measure(repetitions: repetitions) { _ = try model.denoise(image, sigma: [0.01]) }
        let padded = (size + 7) / 8 * 8
        let gflop = c.flops(height: padded, width: padded) / 1e9
        return DRUNetBenchmarkReport(
            benchmark: "drunet", cases: ["forward": stats], size: size, channels: c.inputChannels, nc: c.channels,
            nb: c.blocks, weights: weights, gflop: gflop, gflops_per_s: gflop / stats.median_s,
            threads: ThreadPool.shared.threadCount,
            peak_rss_mb: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 })
    }
}
