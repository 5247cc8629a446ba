import Measurement
import Denoisers
import Metrics
import Tensor

/// The result of `invscale bench drunet`: one forward pass of DRUNet on an N×N image, or of the
/// 3-D DRUNet on a D×N×N volume.
public struct DRUNetBenchmarkReport: Sendable, Codable {
    /// Benchmark name.
    public let benchmark: String
    /// Timed cases: `forward`.
    public let cases: [String: TimingStats]
    /// Image side N.
    public let size: Int
    /// Volume depth D when the 3-D DRUNet was timed (the model converted by the benchmark's rule).
    public let depth: Int?
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
    public let gflopsPerSecond: Double
    /// Threads of the pool.
    public let threads: Int
    /// The instruction set of the Winograd products (`PackedGEMM`).
    public let instructionSet: String
    /// Peak resident set size of the process, MiB.
    public let peakRSSMB: Double?
    /// Images (or volumes) per call.
    public let batch: Int
    /// Highest tensor bytes a call allocated beyond its input (the allocator's counters, on a call
    /// of its own), and what `NetworkFootprint` predicts for them.
    public let featureMapPeakBytes: Int
    public let predictedFeatureMapBytes: Int

    private enum CodingKeys: String, CodingKey {
        case benchmark, cases, size, depth, channels, nc, nb, weights, gflop, threads, batch
        case gflopsPerSecond = "gflops_per_s", instructionSet = "instruction_set"
        case peakRSSMB = "peak_rss_mb"
        case featureMapPeakBytes = "feature_map_peak_bytes", predictedFeatureMapBytes = "predicted_feature_map_bytes"
    }
}

/// Times DRUNet's forward pass on a seeded random image (or volume) at σ = 0.01.
public enum DRUNetBenchmark {
    /// Runs the forward pass `repetitions` times after the warm-up: of `model` on an N×N image, or,
    /// given `depth`, of `DRUNet3D(converting: model)` on a `depth`×N×N volume.
    /// `batch` images (volumes) per call.
    public static func run(model: DRUNet, weights: String, size: Int, depth: Int? = nil, batch: Int = 1,
                           repetitions: Int) throws -> DRUNetBenchmarkReport {
        let c = model.configuration
        let denoiser: any Denoiser = depth == nil ? model : DRUNet3D(converting: model)
        var image = NormalGenerator(seed: 11).tensor(shape: [batch, c.inputChannels] + (depth.map { [$0] } ?? []) + [size, size])
        image.scale(by: 0.1)
        image.add(Tensor(shape: image.shape, repeating: 0.5))
        let before = TensorMemory.liveBytes
        TensorMemory.resetPeak()
        _ = try denoiser.denoise(image, sigma: [0.01])
        let featureMaps = TensorMemory.peakBytes - before
        let footprint = c.footprint(batch: batch, depth: depth ?? 1, height: size, width: size, volumetric: depth != nil)
        let stats = try Stopwatch.measure(repetitions: repetitions) { _ = try denoiser.denoise(image, sigma: [0.01]) }
        func padded(_ side: Int) -> Int { (side + 7) / 8 * 8 }
        let flops = Double(batch) * (depth.map { c.flops(depth: padded($0), height: padded(size), width: padded(size)) }
            ?? c.flops(height: padded(size), width: padded(size)))
        return DRUNetBenchmarkReport(
            benchmark: "drunet", cases: ["forward": stats], size: size, depth: depth, channels: c.inputChannels, nc: c.channels,
            nb: c.blocks, weights: weights, gflop: flops / 1e9, gflopsPerSecond: flops / 1e9 / stats.medianSeconds,
            threads: ThreadPool.shared.threadCount, instructionSet: PackedGEMM.instructionSet.description,
            peakRSSMB: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 }, batch: batch,
            featureMapPeakBytes: featureMaps, predictedFeatureMapBytes: footprint.featureMapBytes)
    }
}
