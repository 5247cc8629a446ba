import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// How one run of an experiment ended, for the final table.
public struct RunSummary: Sendable {
    public let spec: RunSpec
    /// finished, failed, interrupted, skipped (already finished), or why it did not start.
    public let outcome: String
    public let record: RunRecordFile?
}

/// Runs the runs of an experiment one after the other in this process, each in its own folder
/// `OUTPUT/<identifier>`: runs finished before are skipped unless `force`; runs that need
/// several processes or a dataset not built yet are reported, not run.
public enum ExperimentRunner {
    /// Runs `runs`; `log` receives progress lines (`transient` ones may be overwritten on a terminal).
    public static func run(_ runs: [RunSpec], output: String, force: Bool,
                           log: (_ line: String, _ transient: Bool) -> Void) -> [RunSummary] {
        var summaries: [RunSummary] = []
        for (position, spec) in runs.enumerated() {
            let folder = output + "/" + spec.identifier
            let prefix = "[\(position + 1)/\(runs.count)] \(spec.label)"
            if !force, let previous = RunRecordFile.read(from: folder + "/" + PnPRunner.recordFile), previous.status == .finished {
                log("\(prefix): already finished in \(folder), skipped (--force runs it again)", false)
                summaries.append(RunSummary(spec: spec, outcome: "skipped (finished before)", record: previous))
                continue
            }
            if spec.processes > 1 {
                log("\(prefix): needs \(spec.processes) processes (launchers come with the distributed runner), not run", false)
                summaries.append(RunSummary(spec: spec, outcome: "needs \(spec.processes) processes", record: nil))
                continue
            }
            if !spec.isDatasetBuilt {
                log("\(prefix): dataset \(spec.dataset) is not built yet, not run", false)
                summaries.append(RunSummary(spec: spec, outcome: "dataset not built", record: nil))
                continue
            }
            log("\(prefix) → \(folder)", false)
            do {
                let record = try PnPRunner.run(spec, in: folder) { row in
                    let perIteration = row.cumulativeSeconds / Double(row.iteration)
                    let remaining = perIteration * Double(spec.maxIterations - row.iteration)
                    log("  it \(row.iteration)/\(spec.maxIterations)  PSNR \(format(row.psnr ?? .nan, 2)) dB  SSIM \(format(row.ssim ?? .nan, 3))  "
                        + "\(format(row.iterationSeconds, 3)) s/it (gradient \(format(row.gradient.seconds, 3)), denoiser \(format(row.denoise.seconds, 3)))  "
                        + "ETA \(format(remaining, 0)) s", row.iteration < spec.maxIterations)
                }
                log("  \(record.status.rawValue): \(record.iterations) iterations, PSNR \(format(record.final_psnr ?? .nan, 2)) dB"
                    + (record.stop_reason.map { " (\($0))" } ?? "") + (record.status == .interrupted ? " — \(record.error ?? "")" : ""), false)
                summaries.append(RunSummary(spec: spec, outcome: record.status.rawValue, record: record))
                if record.status == .interrupted { break }
            } catch {
                log("  failed: \(error)", false)
                summaries.append(RunSummary(spec: spec, outcome: "failed",
                                            record: RunRecordFile.read(from: folder + "/" + PnPRunner.recordFile)))
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
                    record?.initial_psnr.map { format($0, 2) } ?? "–", record?.final_psnr.map { format($0, 2) } ?? "–", record?.final_ssim.map { format($0, 3) } ?? "–",
                    record.map { format($0.solver_seconds, 1) } ?? "–", record?.peak_rss_mb.map { format($0, 0) } ?? "–"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }

    static func format(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? NumberText.fixed(value, digits: digits) : "–"
    }
}
