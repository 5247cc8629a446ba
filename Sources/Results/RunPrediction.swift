import FoundationEssentials
import SafeFiles

/// What the planner predicted for a run before it started (per rank, the largest rank's figures),
/// kept in `run.json` beside what was measured. Keys are snake_case, as `--plan --json` prints them.
public struct RunPrediction: Codable, Sendable, Equatable {
    /// Processes of the run and the batch size used (`max_batch_size`, 0: all of a rank's windows
    /// at once), and whether it was chosen by `max_batch_size: auto`.
    public var processes: Int
    public var maxBatchSize: Int
    public var batchSizeChosen: Bool
    /// Peak resident memory of the largest rank over the whole run, and during the gradient and
    /// denoiser steps, MiB.
    public var peakRSSMB: Double
    public var gradientPeakRSSMB: Double
    public var denoisePeakRSSMB: Double
    /// Seconds per iteration, and its parts: the gradient (data) step, the denoiser step and the
    /// collectives (transfer time, and waiting for the slowest rank).
    public var iterationS: Double
    public var gradientS: Double
    public var denoiseS: Double
    public var commS: Double
    /// Bytes each rank sends or receives through collectives per iteration.
    public var commBytes: Double
    /// The memory budget per rank the run was checked against, MiB, and where it came from.
    public var budgetMB: Double
    public var budgetSource: String
    /// The machine profile used ("calibrated on HOST at DATE" or "conservative defaults").
    public var profile: String
    /// The model's curve over batch sizes, for the report's batch-size section (tiled runs only).
    public var batchCurve: [BatchPoint]

    private enum CodingKeys: String, CodingKey {
        case processes, profile
        case maxBatchSize = "max_batch_size", batchSizeChosen = "batch_size_chosen"
        case peakRSSMB = "predicted_peak_rss_mb", gradientPeakRSSMB = "predicted_gradient_peak_rss_mb"
        case denoisePeakRSSMB = "predicted_denoise_peak_rss_mb", iterationS = "predicted_iteration_s"
        case gradientS = "predicted_gradient_s", denoiseS = "predicted_denoise_s", commS = "predicted_comm_s"
        case commBytes = "predicted_comm_bytes", budgetMB = "budget_mb", budgetSource = "budget_source"
        case batchCurve = "batch_curve"
    }

    public init(processes: Int, maxBatchSize: Int, batchSizeChosen: Bool, peakRSSMB: Double, gradientPeakRSSMB: Double,
                denoisePeakRSSMB: Double, iterationS: Double, gradientS: Double, denoiseS: Double, commS: Double,
                commBytes: Double, budgetMB: Double, budgetSource: String, profile: String, batchCurve: [BatchPoint]) {
        self.processes = processes
        self.maxBatchSize = maxBatchSize
        self.batchSizeChosen = batchSizeChosen
        self.peakRSSMB = peakRSSMB
        self.gradientPeakRSSMB = gradientPeakRSSMB
        self.denoisePeakRSSMB = denoisePeakRSSMB
        self.iterationS = iterationS
        self.gradientS = gradientS
        self.denoiseS = denoiseS
        self.commS = commS
        self.commBytes = commBytes
        self.budgetMB = budgetMB
        self.budgetSource = budgetSource
        self.profile = profile
        self.batchCurve = batchCurve
    }

    /// The prediction as pretty-printed JSON with sorted keys.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Writes the prediction to `path` (atomically, `FileWriter`).
    public func write(to path: String) throws { try FileWriter.write(try encoded(), to: path) }

    /// The prediction at `path`, or nil when there is none or it cannot be read.
    public static func read(from path: String) -> RunPrediction? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return nil }
        return try? JSONDecoder().decode(RunPrediction.self, from: data)
    }

    /// One batch size on the model's curve: predicted peak memory and seconds per iteration.
    public struct BatchPoint: Codable, Sendable, Equatable {
        public var maxBatchSize: Int
        public var peakRSSMB: Double
        public var iterationS: Double
        public var denoiseS: Double

        private enum CodingKeys: String, CodingKey {
            case maxBatchSize = "max_batch_size", peakRSSMB = "predicted_peak_rss_mb", iterationS = "predicted_iteration_s"
            case denoiseS = "predicted_denoise_s"
        }

        public init(maxBatchSize: Int, peakRSSMB: Double, iterationS: Double, denoiseS: Double) {
            self.maxBatchSize = maxBatchSize
            self.peakRSSMB = peakRSSMB
            self.iterationS = iterationS
            self.denoiseS = denoiseS
        }
    }
}
