import Measurement
import Metrics
import Physics
import Tensor

/// The result of `invscale bench projector`: forward and adjoint timings of `ParallelBeam2D` on
/// one image, the problem sizes and the process's peak memory.
public struct ProjectorBenchmarkReport: Sendable, Codable {
    /// Benchmark name.
    public let benchmark: String
    /// Timed cases: `forward`, `adjoint`.
    public let cases: [String: TimingStats]
    /// Image side N.
    public let size: Int
    /// Number of angles.
    public let angles: Int
    /// Number of detector cells.
    public let detectors: Int
    /// Circle mode.
    public let circle: Bool
    /// Threads of the pool.
    public let threads: Int
    /// Peak resident set size of the process, MiB.
    public let peakRSSMB: Double?

    private enum CodingKeys: String, CodingKey {
        case benchmark, cases, size, angles, detectors, circle, threads
        case peakRSSMB = "peak_rss_mb"
    }
}

/// Times the 2-D parallel-beam projector on an image of seeded standard normal values.
public enum ProjectorBenchmark {
    /// Runs forward and adjoint `repetitions` times each after one warm-up.
    public static func run(size: Int, angles: Int, circle: Bool, repetitions: Int) throws -> ProjectorBenchmarkReport {
        let op = try ParallelBeam2D(size: size, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: angles),
                                    circle: circle)
        let noise = try GaussianNoise(sigma: 1, seed: 7)
        let image = noise.standardNormalTensor(shape: op.domainShape(batch: 1, channels: 1))
        let sinogram = try op.apply(image)
        let forward = try Stopwatch.measure(repetitions: repetitions) { _ = try op.apply(image) }
        let adjoint = try Stopwatch.measure(repetitions: repetitions) { _ = try op.adjoint(sinogram) }
        return ProjectorBenchmarkReport(
            benchmark: "projector", cases: ["forward": forward, "adjoint": adjoint], size: size, angles: angles,
            detectors: op.geometry.detectorCount, circle: circle, threads: ThreadPool.shared.threadCount,
            peakRSSMB: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 })
    }
}
