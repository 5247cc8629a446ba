import Experiment
import FoundationEssentials
import Measurement
import SafeFiles
import Tensor

/// A run's `run.json`: what was run, on what, and how it ended. The runner writes it (atomically,
/// through a temporary file) when the run starts, after every iteration and when it ends; the
/// report and the launchers read it back with the same type.
///
/// Keys are snake_case (`CodingKeys`). Reading is lenient where older records or hand-written
/// ones leave a key out: counts and times default to 0, the process count to 1.
public struct RunRecord: Codable, Sendable {
    /// The run's specification, defaults filled in, and its one-line label.
    public var spec: RunSpec
    public var label: String?
    public var status: RunStatus
    /// Why the run failed or was interrupted.
    public var error: String?
    /// ISO 8601 times.
    public var started: String
    public var finished: String?
    /// Iterations completed.
    public var iterations: Int = 0
    /// Which denoiser ran (weights file or model, tiling).
    public var denoiser: String = ""
    /// Where the data came from (real files or a synthetic phantom).
    public var dataSource: String?
    /// Windows of the tiled denoiser per call, over all ranks (nil when it is not tiled).
    public var tileWindows: Int?
    /// The step γ and, when it was estimated, ‖A‖² (`normSquaredCached`: taken from an earlier
    /// run on the same data in this output folder, `operator_norms.json`).
    public var stepSize: Double?
    public var normSquared: Double?
    public var normSquaredCached: Bool?
    /// Quality of the initial image and of the last iterate.
    public var initialPSNR: Double?
    public var finalPSNR: Double?
    public var finalSSIM: Double?
    public var finalMSE: Double?
    /// Why the run stopped before max-runs, if it did.
    public var stopReason: String?
    /// Solver time (evaluation excluded) and set-up time, seconds.
    public var solverSeconds: Double = 0
    public var setupSeconds: Double = 0
    /// Peak RSS over the whole run (set-up, steps and scoring), MiB: rank 0's, and the largest over
    /// the ranks.
    public var peakRSSMB: Double?
    public var peakRSSMBMaxRank: Double?
    /// Processes (MPI ranks) of the run, which operators rank 0 held, and the time spent in
    /// collectives during set-up and during the iterations (rank 0), seconds.
    public var processes: Int = 1
    public var operators: String?
    public var setupCommSeconds: Double = 0
    public var commSeconds: Double = 0
    /// How the run was started (in-process, mpirun, slurm), and the SLURM job when there is one.
    public var launcher: String?
    public var slurmJobID: String?
    /// The planner's prediction for the run (`prediction.json` in the run folder, written by the
    /// launcher before the run starts); nil when the run was started without one.
    public var prediction: RunPrediction?
    /// Threads, processes and the machine.
    public var threads: Int
    public var machine: MachineDescription
    public var versions: [String: String]

    /// A record for a run starting now.
    public init(spec: RunSpec) {
        self.spec = spec
        label = spec.label
        status = .running
        started = Date.now.ISO8601Format()
        threads = ThreadPool.shared.threadCount
        machine = MachineDescription.current
        versions = ["invscale": InvScaleVersion.current]
    }

    private enum CodingKeys: String, CodingKey {
        case spec, label, status, error, started, finished, iterations, denoiser, operators, processes, launcher, threads
        case machine, versions, prediction
        case dataSource = "data_source", tileWindows = "tile_windows", stepSize = "step_size", normSquared = "norm_squared"
        case normSquaredCached = "norm_squared_cached", initialPSNR = "initial_psnr", finalPSNR = "final_psnr"
        case finalSSIM = "final_ssim", finalMSE = "final_mse", stopReason = "stop_reason", solverSeconds = "solver_seconds"
        case setupSeconds = "setup_seconds", peakRSSMB = "peak_rss_mb", peakRSSMBMaxRank = "peak_rss_mb_max_rank"
        case setupCommSeconds = "setup_comm_seconds", commSeconds = "comm_seconds", slurmJobID = "slurm_job_id"
    }

    /// Reads a record; keys that older or hand-written records leave out take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spec = try c.decode(RunSpec.self, forKey: .spec)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        status = try c.decode(RunStatus.self, forKey: .status)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        started = try c.decode(String.self, forKey: .started)
        finished = try c.decodeIfPresent(String.self, forKey: .finished)
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? 0
        denoiser = try c.decodeIfPresent(String.self, forKey: .denoiser) ?? ""
        dataSource = try c.decodeIfPresent(String.self, forKey: .dataSource)
        tileWindows = try c.decodeIfPresent(Int.self, forKey: .tileWindows)
        stepSize = try c.decodeIfPresent(Double.self, forKey: .stepSize)
        normSquared = try c.decodeIfPresent(Double.self, forKey: .normSquared)
        normSquaredCached = try c.decodeIfPresent(Bool.self, forKey: .normSquaredCached)
        initialPSNR = try c.decodeIfPresent(Double.self, forKey: .initialPSNR)
        finalPSNR = try c.decodeIfPresent(Double.self, forKey: .finalPSNR)
        finalSSIM = try c.decodeIfPresent(Double.self, forKey: .finalSSIM)
        finalMSE = try c.decodeIfPresent(Double.self, forKey: .finalMSE)
        stopReason = try c.decodeIfPresent(String.self, forKey: .stopReason)
        solverSeconds = try c.decodeIfPresent(Double.self, forKey: .solverSeconds) ?? 0
        setupSeconds = try c.decodeIfPresent(Double.self, forKey: .setupSeconds) ?? 0
        peakRSSMB = try c.decodeIfPresent(Double.self, forKey: .peakRSSMB)
        peakRSSMBMaxRank = try c.decodeIfPresent(Double.self, forKey: .peakRSSMBMaxRank)
        processes = try c.decodeIfPresent(Int.self, forKey: .processes) ?? 1
        operators = try c.decodeIfPresent(String.self, forKey: .operators)
        setupCommSeconds = try c.decodeIfPresent(Double.self, forKey: .setupCommSeconds) ?? 0
        commSeconds = try c.decodeIfPresent(Double.self, forKey: .commSeconds) ?? 0
        launcher = try c.decodeIfPresent(String.self, forKey: .launcher)
        slurmJobID = try c.decodeIfPresent(String.self, forKey: .slurmJobID)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? 0
        machine = try c.decode(MachineDescription.self, forKey: .machine)
        versions = try c.decodeIfPresent([String: String].self, forKey: .versions) ?? [:]
        prediction = try c.decodeIfPresent(RunPrediction.self, forKey: .prediction)
    }

    /// The record as pretty-printed JSON with sorted keys, numbers that are not finite as null.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(finiteOnly()))
    }

    /// Writes the record to `path` (through a temporary file and a rename, `FileWriter`).
    public func write(to path: String) throws {
        try FileWriter.write(try encoded(), to: path)
    }

    /// The record with its non-finite optional numbers (a diverged run's PSNR) set to nil and
    /// the others to 0, so that it can always be written as JSON.
    public func finiteOnly() -> RunRecord {
        var record = self
        for path in [\RunRecord.stepSize, \.normSquared, \.initialPSNR, \.finalPSNR, \.finalSSIM, \.finalMSE,
                     \.peakRSSMB, \.peakRSSMBMaxRank] where record[keyPath: path]?.isFinite == false {
            record[keyPath: path] = nil
        }
        for path in [\RunRecord.solverSeconds, \.setupSeconds, \.setupCommSeconds, \.commSeconds]
        where !record[keyPath: path].isFinite {
            record[keyPath: path] = 0
        }
        return record
    }

    /// The record at `path`, or nil when there is none or it cannot be read.
    public static func read(from path: String) -> RunRecord? {
        try? load(from: path)
    }

    /// The record at `path`; nil when there is no such file; throws a `ResultsError` naming the
    /// file when it cannot be read or is not a run record.
    public static func load(from path: String) throws -> RunRecord? {
        guard let data = FileManager.default.contents(atPath: path) else {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            throw ResultsError("\(path): cannot read the run record")
        }
        do { return try JSONDecoder().decode(RunRecord.self, from: data) } catch {
            throw ResultsError("\(path): not a run record (\(ResultsError.describe(error)))")
        }
    }
}
