import Measurement
import Metrics
import Physics
import Tensor

/// The result of `invscale bench conebeam`: forward and adjoint timings of `ConeBeam3D` on a
/// walnut-like scan of an `N³` volume, the rate in voxel-ray updates per second (N³·views per
/// second), the peak memory and the memory of the volume plus the projections.
public struct ConeBeamBenchmarkReport: Sendable, Codable {
    public let benchmark: String
    /// Timed cases: `forward`, `adjoint`.
    public let cases: [String: TimingStats]
    /// N³·views / median seconds, per case.
    public let voxelRayUpdatesPerSecond: [String: Double]
    public let size: Int
    public let views: Int
    public let detectorRows: Int
    public let detectorColumns: Int
    public let threads: Int
    /// Volume plus projections, MiB (float32).
    public let dataMB: Double
    public let peakRSSMB: Double?

    private enum CodingKeys: String, CodingKey {
        case benchmark, cases, size, views, threads
        case voxelRayUpdatesPerSecond = "voxel_ray_updates_per_second"
        case detectorRows = "detector_rows"
        case detectorColumns = "detector_columns"
        case dataMB = "data_mb"
        case peakRSSMB = "peak_rss_mb"
    }
}

/// Times the cone-beam projector on a volume of seeded standard normal values.
public enum ConeBeamBenchmark {
    /// Runs forward and adjoint `repetitions` times each after a warm-up.
    public static func run(size: Int, views: Int, detectorRows: Int, detectorColumns: Int,
                           repetitions: Int) throws -> ConeBeamBenchmarkReport {
        let geometry = try ConeBeamGeometry.walnutLike(volumeSide: size, detectorRows: detectorRows, detectorColumns: detectorColumns,
                                                       anglesDegrees: (0..<views).map { 360 * Double($0) / Double(views) })
        let op = ConeBeam3D(geometry: geometry)
        // At most one volume and one set of projections are alive at any time, as in a solver step.
        var volume: Tensor? = try GaussianNoise(sigma: 1, seed: 7).standardNormalTensor(shape: op.domainShape(batch: 1, channels: 1))
        let forward = try Stopwatch.measure(repetitions: repetitions) { _ = try op.apply(volume!) }
        let projections = try op.apply(volume!)
        volume = nil
        let adjoint = try Stopwatch.measure(repetitions: repetitions) { _ = try op.adjoint(projections) }
        let updates = Double(size) * Double(size) * Double(size) * Double(views)
        return ConeBeamBenchmarkReport(
            benchmark: "conebeam", cases: ["forward": forward, "adjoint": adjoint],
            voxelRayUpdatesPerSecond: ["forward": updates / forward.medianSeconds, "adjoint": updates / adjoint.medianSeconds],
            size: size, views: views, detectorRows: detectorRows, detectorColumns: detectorColumns,
            threads: ThreadPool.shared.threadCount, dataMB: Double(size * size * size + projections.count) * 4 / 1_048_576,
            peakRSSMB: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 })
    }
}
