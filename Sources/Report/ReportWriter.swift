import Experiment
import Figures
import Results
import FoundationEssentials
import SafeFiles

/// Writes the report of a results folder: `report.html` (or the given file) and `summary.csv`
/// (one row per run, for people who plot elsewhere).
public enum ReportWriter {
    /// Writes both files and returns their paths and the run folders that could not be read
    /// (listed on the page too); throws when the folder holds no readable run.
    @discardableResult
    public static func write(results: String, output: String? = nil, title: String? = nil)
        throws -> (html: String, csv: String, unreadable: [ResultsError]) {
        let (runs, unreadable) = RunResult.scan(results)
        guard !runs.isEmpty else {
            let detail = unreadable.isEmpty ? "" : " (\(unreadable.count) unreadable: \(unreadable[0]))"
            throw ReportError("\(results): no run folders (with run.json) to report on\(detail)")
        }
        let html = output ?? results + "/report.html", csv = results + "/summary.csv"
        let page = HTMLReport(title: title ?? "InvScale results: \(lastComponent(results))", runs: runs, unreadable: unreadable).html()
        try FileWriter.write(text: page, to: html)
        try FileWriter.write(text: summary(runs), to: csv)
        return (html, csv, unreadable)
    }

    /// The columns of `summary.csv` (with the planner's predictions beside the measured peak and
    /// median iteration of the slowest rank); the last ones give, for each time-to-target level
    /// (`TimeToTarget`), the level in dB and the solver seconds and iteration at which the run first
    /// reached it (`target_minus_3db_psnr`, `target_minus_3db_s`, `target_minus_3db_iteration`, then
    /// 1 dB and 0.5 dB, written `0p5db`).
    public static let columns = ["run", "folder", "status", "processes"] + ExecutionParameters.tilingNames + ["iterations",
                                 "initial_psnr", "final_psnr", "final_ssim", "solver_seconds", "mean_iteration_sec",
                                 "mean_gradient_sec", "mean_denoise_sec", "mean_comm_sec", "peak_rss_mb", "peak_rss_mb_max_rank",
                                 "median_iteration_sec_max_rank", "predicted_peak_rss_mb", "predicted_iteration_s", "error"]
        + TimeToTarget.margins.flatMap { margin in
            let name = "target_minus_" + NiceScale.format(margin).replacing(".", with: "p") + "db"
            return [name + "_psnr", name + "_s", name + "_iteration"]
        }

    /// The summary table as CSV.
    public static func summary(_ runs: [RunResult]) -> String {
        func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        var targets = [[String]](repeating: [], count: runs.count)
        for group in TimeToTarget.groups(runs) {
            for (place, run) in group.members.enumerated() {
                targets[run] = TimeToTarget.margins.indices.flatMap { level -> [String] in
                    let reach = group.numbers.reached[place][level]
                    return [text(group.numbers.levels?[level]), text(reach?.seconds), reach.map { "\($0.iteration)" } ?? ""]
                }
            }
        }
        let lines = zip(runs, targets).map { run, target -> String in
            let fields = [run.label, lastComponent(run.folder), run.record.status.rawValue, "\(run.processes)",
                          listText(run.execution?.patchSize), listText(run.execution?.overlap),
                          run.execution.map { _ in "\(run.batchSize)" } ?? "", "\(run.record.iterations)",
                          text(run.record.initialPSNR), text(run.record.finalPSNR), text(run.record.finalSSIM),
                          text(run.record.solverSeconds), text(run.mean(.iterationTime)), text(run.mean(.gradientTime)),
                          text(run.mean(.denoiseTime)), text(run.mean(.commTime)), text(run.record.peakRSSMB),
                          text(run.record.peakRSSMBMaxRank), text(run.slowestMedian(.iterationTime)),
                          text(run.record.prediction?.peakRSSMB), text(run.record.prediction?.iterationS), run.record.error ?? ""] + target
            return fields.map(csvField).joined(separator: ",")
        }
        return ([columns.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }

    /// `128` or `[8, 256, 256]`, as the parameter is written (`ParameterValue`); empty when unknown.
    private static func listText(_ values: [Int]?) -> String {
        guard let values else { return "" }
        return (values.count == 1 ? ParameterValue.int(values[0]) : .list(values.map(ParameterValue.int))).description
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break. A text that a
    /// spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return, and is not a number) is quoted and prefixed with `'`, so it is shown, not run.
    static func csvField(_ text: String) -> String {
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil {
            return "\"'" + text.replacing("\"", with: "\"\"") + "\""
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    private static func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}

/// A report that cannot be made.
public struct ReportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
