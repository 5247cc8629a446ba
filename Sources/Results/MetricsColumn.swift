/// The columns of a run's per-rank CSV (`metrics_rank<r>.csv`), in file order: the reference's
/// `*_gpu_metrics.csv` columns, then ours. `IterationRecord` writes them; the report reads them
/// by these cases, never by name.
public enum MetricsColumn: String, CaseIterable, Sendable {
    case gpuMemoryAllocatedMB = "gpu_memory_allocated_mb", gpuMemoryReservedMB = "gpu_memory_reserved_mb"
    case gpuMemoryMaxAllocatedMB = "gpu_memory_max_allocated_mb", gpuAvailableMemoryMB = "gpu_available_memory_mb"
    case gradientTime = "gradient_time_sec", gradientMemoryAllocatedMB = "gradient_memory_allocated_mb"
    case gradientMemoryReservedMB = "gradient_memory_reserved_mb", gradientMemoryDeltaMB = "gradient_memory_delta_mb"
    case gradientMemoryPeakMB = "gradient_memory_peak_mb"
    case denoiseTime = "denoise_time_sec", denoiseMemoryAllocatedMB = "denoise_memory_allocated_mb"
    case denoiseMemoryReservedMB = "denoise_memory_reserved_mb", denoiseMemoryDeltaMB = "denoise_memory_delta_mb"
    case denoiseMemoryPeakMB = "denoise_memory_peak_mb"
    case iteration, rank
    case commTime = "comm_time_sec", iterationTime = "iteration_time_sec", cumulativeTime = "time_sec"
    case psnr, ssim, mse
    case gradientRSSPeakMB = "gradient_rss_peak_mb", denoiseRSSPeakMB = "denoise_rss_peak_mb", rssMB = "rss_mb"
    case gradientCommTime = "gradient_comm_sec", denoiseCommTime = "denoise_comm_sec"
    case wallTime = "wall_time_sec"

    /// The CSV header's names, in order.
    public static var header: [String] { allCases.map(\.rawValue) }
}
