import Formats
import FoundationEssentials
import SafeFiles
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Where a run stands.
public enum RunStatus: String, Codable, Sendable {
    case running, finished, failed, interrupted
}

/// A run's `run.json`: what was run, on what, and how it ended. Rewritten (atomically, through a
/// temporary file) when the run starts and when it ends.
public struct RunRecordFile: Codable, Sendable {
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
    public var data_source: String?
    /// Windows of the tiled denoiser per call, over all ranks (nil when it is not tiled).
    public var tile_windows: Int?
    /// The step γ and, when it was estimated, ‖A‖² (`norm_squared_cached`: taken from an earlier
    /// run on the same data in this output folder, `operator_norms.json`).
    public var step_size: Double?
    public var norm_squared: Double?
    public var norm_squared_cached: Bool?
    /// Quality of the initial image and of the last iterate.
    public var initial_psnr: Double?
    public var final_psnr: Double?
    public var final_ssim: Double?
    public var final_mse: Double?
    /// Why the run stopped before max-runs, if it did.
    public var stop_reason: String?
    /// Solver time (evaluation excluded) and set-up time, seconds.
    public var solver_seconds: Double = 0
    public var setup_seconds: Double = 0
    /// Process peak RSS at the end, MiB: rank 0's, and the largest over the ranks.
    public var peak_rss_mb: Double?
    public var peak_rss_mb_max_rank: Double?
    /// Processes (MPI ranks) of the run, which operators rank 0 held, and the time spent in
    /// collectives during set-up and during the iterations (rank 0), seconds.
    public var processes: Int = 1
    public var operators: String?
    public var setup_comm_seconds: Double = 0
    public var comm_seconds: Double = 0
    /// How the run was started (in-process, mpirun, slurm), and the SLURM job when there is one.
    public var launcher: String?
    public var slurm_job_id: String?
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

    /// Writes the record to `path` (through a temporary file and a rename, `FileWriter`), numbers
    /// that are not finite as null. While the run is `running` it also publishes, as the
    /// `EmergencyRecord`, the same record marked `interrupted` and marked `failed` (crashed), for a
    /// process that must end at once.
    public func write(to path: String) throws {
        let record = finiteOnly()
        try FileWriter.write(try Self.encoded(record), to: path)
        guard record.status == .running else { return EmergencyRecord.publish(interrupted: nil, crashed: nil, path: path) }
        var interrupted = record, crashed = record
        interrupted.status = .interrupted
        interrupted.error = "ended at once (a second signal, or its launcher ended) after iteration \(record.iterations)"
        crashed.status = .failed
        crashed.error = "crashed (a fatal signal: a runtime trap, an abort or a memory fault) after iteration \(record.iterations); its output says more"
        interrupted.finished = Date.now.ISO8601Format()
        crashed.finished = interrupted.finished
        EmergencyRecord.publish(interrupted: try? Self.encoded(interrupted), crashed: try? Self.encoded(crashed), path: path)
    }

    private static func encoded(_ record: RunRecordFile) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(record))
    }

    /// The record with its non-finite optional numbers (a diverged run's PSNR) set to nil and
    /// the others to 0, so that it can always be written as JSON.
    func finiteOnly() -> RunRecordFile {
        var record = self
        for path in [\RunRecordFile.step_size, \.norm_squared, \.initial_psnr, \.final_psnr, \.final_ssim, \.final_mse,
                     \.peak_rss_mb, \.peak_rss_mb_max_rank] where record[keyPath: path]?.isFinite == false {
            record[keyPath: path] = nil
        }
        for path in [\RunRecordFile.solver_seconds, \.setup_seconds, \.setup_comm_seconds, \.comm_seconds]
        where !record[keyPath: path].isFinite {
            record[keyPath: path] = 0
        }
        return record
    }

    /// The record at `path`, or nil when there is none or it cannot be read.
    public static func read(from path: String) -> RunRecordFile? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return nil }
        return try? JSONDecoder().decode(RunRecordFile.self, from: data)
    }
}

/// The program's version, written into every result.
public enum InvScaleVersion {
    public static let current = "0.4.0-dev"
}
