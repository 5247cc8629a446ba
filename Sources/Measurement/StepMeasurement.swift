import Tensor

/// Wall time and memory of one solver step (gradient or denoiser), as the reference's
/// `track_step` records them, with our allocator's numbers in place of PyTorch's.
public struct StepMeasurement: Sendable, Equatable, Codable {
    /// Wall time of the step, seconds.
    public var seconds: Double = 0
    /// Tensor bytes live at the end of the step, MiB.
    public var allocatedMB: Double = 0
    /// Those bytes plus the freed tensors' pages kept for reuse (`TensorMemory.reusingMappings`)
    /// at the end of the step, MiB: what PyTorch calls reserved memory.
    public var reservedMB: Double?
    /// Tensor bytes live at the end minus at the start, MiB.
    public var deltaMB: Double = 0
    /// Highest tensor bytes live during the step, MiB.
    public var peakMB: Double = 0
    /// Highest resident set size of the process during the step, MiB (nil where unknown).
    public var residentPeakMB: Double?

    /// A zero measurement.
    public init() {}

    /// Runs `body` and measures it.
    public static func measure(_ body: () throws -> Void) rethrows -> StepMeasurement {
        let mebibyte = 1_048_576.0
        TensorMemory.resetPeak()
        ResidentPeak.fold()
        let resetResident = ProcessMemory.resetPeakResident()
        let startBytes = TensorMemory.liveBytes
        let start = Stopwatch.now()
        try body()
        var result = StepMeasurement()
        result.seconds = Stopwatch.now() - start
        let endBytes = TensorMemory.liveBytes
        result.allocatedMB = Double(endBytes) / mebibyte
        result.reservedMB = Double(endBytes + TensorMemory.keptMappingBytes) / mebibyte
        result.deltaMB = Double(endBytes - startBytes) / mebibyte
        result.peakMB = Double(TensorMemory.peakBytes) / mebibyte
        result.residentPeakMB = resetResident ? ProcessMemory.peakResidentBytes().map { Double($0) / mebibyte } : nil
        return result
    }
}
