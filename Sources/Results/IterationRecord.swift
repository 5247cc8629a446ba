import Measurement

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

    /// Wall time of the iteration's two steps.
    public var iterationSeconds: Double { gradient.seconds + denoise.seconds }

    /// The row's fields, in `MetricsColumn` order (empty for values not measured).
    public var fields: [String] { MetricsColumn.allCases.map(field) }

    /// The text of `column` in this row: the `gpu_*` columns 0.0, allocated = reserved.
    public func field(_ column: MetricsColumn) -> String {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        switch column {
        case .gpuMemoryAllocatedMB, .gpuMemoryReservedMB, .gpuMemoryMaxAllocatedMB, .gpuAvailableMemoryMB: return "0.0"
        case .gradientTime: return number(gradient.seconds)
        case .gradientMemoryAllocatedMB: return number(gradient.allocatedMB)
        case .gradientMemoryReservedMB: return number(gradient.reservedMB ?? gradient.allocatedMB)
        case .gradientMemoryDeltaMB: return number(gradient.deltaMB)
        case .gradientMemoryPeakMB: return number(gradient.peakMB)
        case .denoiseTime: return number(denoise.seconds)
        case .denoiseMemoryAllocatedMB: return number(denoise.allocatedMB)
        case .denoiseMemoryReservedMB: return number(denoise.reservedMB ?? denoise.allocatedMB)
        case .denoiseMemoryDeltaMB: return number(denoise.deltaMB)
        case .denoiseMemoryPeakMB: return number(denoise.peakMB)
        case .iteration: return "\(iteration)"
        case .rank: return "\(rank)"
        case .commTime: return number(communicationSeconds)
        case .iterationTime: return number(iterationSeconds)
        case .cumulativeTime: return number(cumulativeSeconds)
        case .psnr: return number(psnr)
        case .ssim: return number(ssim)
        case .mse: return number(mse)
        case .gradientRSSPeakMB: return number(gradient.residentPeakMB)
        case .denoiseRSSPeakMB: return number(denoise.residentPeakMB)
        case .rssMB: return number(residentMB)
        case .gradientCommTime: return number(gradientCommunicationSeconds)
        case .denoiseCommTime: return number(denoiseCommunicationSeconds)
        case .wallTime: return number(wallSeconds)
        }
    }
}
