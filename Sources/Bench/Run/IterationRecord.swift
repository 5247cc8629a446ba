/// One row of a run's per-rank CSV: the reference's `*_gpu_metrics.csv` columns, in its order,
/// followed by ours.
///
/// On the CPU the `gpu_*` columns are 0, as the reference writes them without a GPU; the
/// `gradient_memory_*` / `denoise_memory_*` columns hold our tensor allocator's MiB (allocated =
/// reserved: we keep no cache). Ours: iteration, rank, communication time, the iteration's and the
/// cumulative solver time (evaluation excluded), PSNR/SSIM/MSE (evaluated outside the timed
/// region, rank 0 only), the process's peak RSS during each step and its RSS after the iteration,
/// then the time in the gradient's and the denoiser's collectives (waiting for slower ranks included).
public struct IterationRecord: Sendable, Equatable {
    /// 1-based iteration.
    public var iteration: Int
    /// Rank that wrote the row.
    public var rank: Int
    /// The gradient step.
    public var gradient: StepMeasurement
    /// The denoising step.
    public var denoise: StepMeasurement
    /// Time spent in collectives during the iteration, seconds (0 in one process): those of the
    /// gradient step, of the denoising step, and the stop decision.
    public var communicationSeconds: Double
    /// Time spent in the gradient step's collectives, seconds.
    public var gradientCommunicationSeconds: Double
    /// Time spent in the denoising step's collectives, seconds.
    public var denoiseCommunicationSeconds: Double
    /// Solver time since the start of the loop, seconds (evaluation excluded).
    public var cumulativeSeconds: Double
    /// Quality of the iterate against the ground truth (nil when not evaluated on this rank).
    public var psnr: Double?
    public var ssim: Double?
    public var mse: Double?
    /// Resident set size after the iteration, MiB.
    public var residentMB: Double?
    /// Wall time of the whole iteration on this rank, seconds: the two steps plus evaluation, the
    /// stop agreement and bookkeeping (nil when not measured).
    public var wallSeconds: Double?

    /// A record of iteration `iteration` on `rank`.
    public init(iteration: Int, rank: Int, gradient: StepMeasurement, denoise: StepMeasurement,
                communicationSeconds: Double = 0, gradientCommunicationSeconds: Double = 0, denoiseCommunicationSeconds: Double = 0,
                cumulativeSeconds: Double, psnr: Double? = nil, ssim: Double? = nil, mse: Double? = nil, residentMB: Double? = nil,
                wallSeconds: Double? = nil) {
        self.iteration = iteration
        self.rank = rank
        self.gradient = gradient
        self.denoise = denoise
        self.communicationSeconds = communicationSeconds
        self.gradientCommunicationSeconds = gradientCommunicationSeconds
        self.denoiseCommunicationSeconds = denoiseCommunicationSeconds
        self.cumulativeSeconds = cumulativeSeconds
        self.psnr = psnr
        self.ssim = ssim
        self.mse = mse
        self.residentMB = residentMB
        self.wallSeconds = wallSeconds
    }

    /// The CSV header.
    public static let columns = [
        "gpu_memory_allocated_mb", "gpu_memory_reserved_mb", "gpu_memory_max_allocated_mb", "gpu_available_memory_mb",
        "gradient_time_sec", "gradient_memory_allocated_mb", "gradient_memory_reserved_mb", "gradient_memory_delta_mb",
        "gradient_memory_peak_mb",
        "denoise_time_sec", "denoise_memory_allocated_mb", "denoise_memory_reserved_mb", "denoise_memory_delta_mb",
        "denoise_memory_peak_mb",
        "iteration", "rank", "comm_time_sec", "iteration_time_sec", "time_sec", "psnr", "ssim", "mse",
        "gradient_rss_peak_mb", "denoise_rss_peak_mb", "rss_mb", "gradient_comm_sec", "denoise_comm_sec",
        "wall_time_sec",
    ]

    /// Wall time of the iteration's two steps.
    public var iterationSeconds: Double { gradient.seconds + denoise.seconds }

    /// The row's fields, in `columns` order (empty for values not measured).
    public var fields: [String] {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func step(_ s: StepMeasurement) -> [String] {
            [number(s.seconds), number(s.allocatedMB), number(s.allocatedMB), number(s.deltaMB), number(s.peakMB)]
        }
        return ["0.0", "0.0", "0.0", "0.0"] + step(gradient) + step(denoise) + [
            "\(iteration)", "\(rank)", number(communicationSeconds), number(iterationSeconds), number(cumulativeSeconds),
            number(psnr), number(ssim), number(mse), number(gradient.residentPeakMB), number(denoise.residentPeakMB),
            number(residentMB), number(gradientCommunicationSeconds), number(denoiseCommunicationSeconds),
            number(wallSeconds),
        ]
    }
}
