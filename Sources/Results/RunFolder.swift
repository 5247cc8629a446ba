import Experiment
import FoundationEssentials
import SafeFiles

/// The names of a run folder's files, in one place: what the runner writes (`run.json`, the
/// per-rank CSVs, images and arrays) and what a launcher and the ranks of a multi-process run
/// share (the run specification, log, pids, errors and heartbeats).
public struct RunFolder: Sendable {
    /// The folder.
    public let path: String

    /// The run folder at `path`.
    public init(_ path: String) { self.path = path }

    /// The ‖A‖² cache shared by the runs of the output folder holding the run folder at `path`
    /// (`operator_norms.json`, next to the run folders).
    public static func operatorNormsFile(besideRunFolder path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("operator_norms.json").path
    }

    /// The RunSpec the workers read (`invscale worker RUNSPEC.json`).
    public var specFile: String { path + "/runspec.json" }
    /// The sbatch script of a run launched through SLURM.
    public var jobScriptFile: String { path + "/job.sbatch" }
    /// mpirun's (or SLURM's) standard output and error.
    public var logFile: String { path + "/worker.log" }
    /// The planner's prediction (`RunPrediction`), written by the launcher before the run starts.
    public var predictionFile: String { path + "/prediction.json" }
    /// `run.json` (`RunRecord`), written by rank 0.
    public var recordFile: String { path + "/run.json" }
    /// Rank `rank`'s per-iteration CSV (`MetricsColumn`).
    public func metricsFile(rank: Int) -> String { path + "/metrics_rank\(rank).csv" }
    /// The dataset preview: ground truth beside the whole sinogram (or a volume's slices).
    public var previewFile: String { path + "/dataset_preview.png" }
    /// The last iterate and the first, as `.npy`.
    public var reconstructionFile: String { path + "/reconstruction.npy" }
    public var initialFile: String { path + "/initial.npy" }
    /// Truth, start, reconstruction and error side by side.
    public var comparisonFile: String { path + "/comparison.png" }
    /// Where rank `rank` writes why it failed, before aborting the job.
    public func errorFile(rank: Int) -> String { path + "/error_rank\(rank).txt" }
    /// Where rank `rank` writes its process id (the launcher forwards SIGTERM through it).
    public func pidFile(rank: Int) -> String { path + "/rank\(rank).pid" }

    /// Where rank `rank`'s `RankHeartbeat` beats.
    public func heartbeatFile(rank: Int) -> String { path + "/heartbeat_rank\(rank)" }

    /// Writes `spec` for the workers.
    public func writeSpec(_ spec: RunSpec) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileWriter.write(try encoder.encode(spec), to: specFile)
    }

    /// Reads the RunSpec at `file`; errors name the file.
    public static func readSpec(_ file: String) throws -> RunSpec {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw ResultsError("\(file): cannot read the run specification (\(error.localizedDescription))")
        }
        do { return try JSONDecoder().decode(RunSpec.self, from: data) } catch {
            throw ResultsError("\(file): not a run specification written by invscale (\(error))")
        }
    }

    /// The ranks' error messages, "rank r: message", in rank order.
    public func rankErrors(processes: Int) -> [String] {
        (0..<processes).compactMap { rank in
            (try? String(contentsOfFile: errorFile(rank: rank), encoding: .utf8)).map { "rank \(rank): \($0)" }
        }
    }

    /// The text a rank records in its pid file: its process id and its host.
    public static func pidRecord(pid: Int32, host: String = FolderLock.hostName()) -> String { "\(pid) \(host)\n" }

    /// Process ids the ranks on this host recorded: a pid from another host names another process
    /// here, so those are left out.
    public func rankProcessIDs(processes: Int) -> [Int32] {
        (0..<processes).compactMap(rankProcessID)
    }

    /// The process id rank `rank` recorded, if any and if it runs on this host.
    public func rankProcessID(rank: Int) -> Int32? {
        guard let (pid, host) = rankRecord(rank: rank), host == nil || host == FolderLock.hostName() else { return nil }
        return pid
    }

    /// The host rank `rank` recorded, if any.
    public func rankHost(rank: Int) -> String? { rankRecord(rank: rank)?.host }

    private func rankRecord(rank: Int) -> (pid: Int32, host: String?)? {
        guard let text = try? String(contentsOfFile: pidFile(rank: rank), encoding: .utf8) else { return nil }
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let first = words.first, let pid = Int32(first) else { return nil }
        return (pid, words.count > 1 ? String(words[1]) : nil)
    }

    /// Removes what a previous attempt of the run left for the launcher (rank errors, pids and
    /// heartbeats).
    public func clearRankFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where (name.hasPrefix("error_rank") && name.hasSuffix(".txt")) || (name.hasPrefix("rank") && name.hasSuffix(".pid"))
            || name.hasPrefix("heartbeat_rank") {
            try? FileManager.default.removeItem(atPath: path + "/" + name)
        }
    }
}
