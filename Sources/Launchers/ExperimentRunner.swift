import Experiment
import FoundationEssentials
import Results
import Runner
import SafeFiles
#if canImport(Glibc)
import Glibc
#endif

/// How one run of an experiment ended, for the final table.
public struct RunSummary: Sendable {
    public let spec: RunSpec
    /// finished, failed, interrupted, skipped (already finished), or why it did not start.
    public let outcome: String
    public let record: RunRecord?
}

/// Runs the runs of an experiment one after the other, each in its own folder
/// `OUTPUT/<identifier>`: runs finished before are skipped unless `force`; 1-process runs go in
/// this process, runs needing several processes through the launcher of `launch` (mpirun or
/// SLURM); runs of a dataset not built yet are reported, not run. A failed run does not stop the
/// grid; an interrupted one does.
public enum ExperimentRunner {
    /// Runs `runs`; `log` receives progress lines (`transient` ones may be overwritten on a terminal).
    ///
    /// `predictions` (by run index) are written to each run's folder before it starts, for its
    /// record; a run with a reason in `refusals` (predicted not to fit its memory budget) is not
    /// started unless `force`.
    public static func run(_ runs: [RunSpec], output: String, force: Bool, launch: LaunchOptions = LaunchOptions(),
                           predictions: [Int: RunPrediction] = [:], refusals: [Int: String] = [:],
                           log: (_ line: String, _ kind: LogKind) -> Void) -> [RunSummary] {
        var summaries: [RunSummary] = []
        for (position, spec) in runs.enumerated() {
            let folder = RunFolder(output + "/" + spec.identifier)
            let prefix = "[\(position + 1)/\(runs.count)] \(spec.label)"
            if !force, let previous = RunRecord.read(from: folder.recordFile), previous.status == .finished {
                log("\(prefix): already finished in \(folder.path), skipped (--force runs it again)", .info)
                summaries.append(RunSummary(spec: spec, outcome: "skipped (finished before)", record: previous))
                continue
            }
            if !spec.isDatasetBuilt {
                log("\(prefix): dataset \(spec.dataset) is not built yet, not run", .info)
                summaries.append(RunSummary(spec: spec, outcome: "dataset not built", record: nil))
                continue
            }
            let route = launch.route(processes: spec.processes)
            if case let .refused(reason) = route {
                log("\(prefix): \(reason), not run", .info)
                summaries.append(RunSummary(spec: spec, outcome: "needs \(spec.processes) processes", record: nil))
                continue
            }
            if let refusal = refusals[spec.index] {
                guard force else {
                    log("\(prefix): refused before it started: \(refusal); expected a smaller max_batch_size, more ranks or a larger memory_budget_mb (--force runs it anyway)", .failure)
                    summaries.append(RunSummary(spec: spec, outcome: "refused (memory)", record: nil))
                    continue
                }
                log("\(prefix): \(refusal); run anyway (--force)", .info)
            }
            log("\(prefix) → \(folder.path)", .info)
            do {
                if let prediction = predictions[spec.index] {
                    try FileWriter.createFolder(folder.path)
                    try prediction.write(to: folder.predictionFile)
                }
                let record: RunRecord?
                switch route {
                case .mpirun: record = try MultiProcessLauncher.runWithMpirun(spec, folder: folder, options: launch, log: log)
                case .slurm: record = try SlurmLauncher.run(spec, folder: folder, options: launch, log: log)
                default:
                    record = try SolverRunner.run(spec, in: folder.path) { row in
                        log(ProgressLine.text(row, maxIterations: spec.plannedIterations), row.iteration < spec.plannedIterations ? .transient : .info)
                    }
                }
                guard let record else {
                    summaries.append(RunSummary(spec: spec, outcome: "dry run", record: nil))
                    continue
                }
                let detail = record.status == .finished ? record.stopReason.map { " (\($0))" } ?? "" : " — \(record.error ?? "")"
                log("  \(record.status.rawValue): \(record.iterations) iterations, PSNR \(ProgressLine.format(record.finalPSNR ?? .nan, 2)) dB\(detail)",
                    record.status == .failed ? .failure : .info)
                summaries.append(RunSummary(spec: spec, outcome: record.status.rawValue, record: record))
                if record.status == .interrupted { break }
            } catch {
                log("  failed: \(error)", .failure)
                summaries.append(RunSummary(spec: spec, outcome: "failed", record: RunRecord.read(from: folder.recordFile)))
            }
        }
        return summaries
    }

    /// The final table: run, outcome, iterations, PSNR of the start and of the end, SSIM, solver
    /// time, peak memory.
    public static func table(_ summaries: [RunSummary]) -> [String] {
        let header = ["run", "outcome", "iterations", "start dB", "PSNR dB", "SSIM", "time s", "peak RSS MiB"]
        let rows = summaries.map { summary -> [String] in
            let record = summary.record
            return [summary.spec.label, summary.outcome, record.map { "\($0.iterations)" } ?? "–",
                    record?.initialPSNR.map { ProgressLine.format($0, 2) } ?? "–",
                    record?.finalPSNR.map { ProgressLine.format($0, 2) } ?? "–", record?.finalSSIM.map { ProgressLine.format($0, 3) } ?? "–",
                    record.map { ProgressLine.format($0.solverSeconds, 1) } ?? "–", record?.peakRSSMB.map { ProgressLine.format($0, 0) } ?? "–"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }
}
