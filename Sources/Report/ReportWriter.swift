import FoundationEssentials

/// Writes the report of a results folder: `report.html` (or the given file) and `summary.csv`
/// (one row per run, for people who plot elsewhere).
public enum ReportWriter {
    /// Writes both files and returns their paths; throws when the folder holds no run.
    @discardableResult
    public static func write(results: String, output: String? = nil, title: String? = nil) throws -> (html: String, csv: String) {
        let runs = RunResult.loadAll(in: results)
        guard !runs.isEmpty else { throw ReportError("\(results): no run folders (with run.json) to report on") }
        let html = output ?? results + "/report.html", csv = results + "/summary.csv"
        let page = HTMLReport(title: title ?? "InvScale results: \(lastComponent(results))", runs: runs).html()
        try Data(page.utf8).write(to: URL(fileURLWithPath: html))
        try Data(summary(runs).utf8).write(to: URL(fileURLWithPath: csv))
        return (html, csv)
    }

    /// The columns of `summary.csv`.
    public static let columns = ["run", "folder", "status", "processes", "patch_size", "overlap", "max_batch_size", "iterations",
                                 "initial_psnr", "final_psnr", "final_ssim", "solver_seconds", "mean_iteration_sec",
                                 "mean_gradient_sec", "mean_denoise_sec", "mean_comm_sec", "peak_rss_mb", "peak_rss_mb_max_rank", "error"]

    /// The summary table as CSV.
    public static func summary(_ runs: [RunResult]) -> String {
        func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        let lines = runs.map { run -> String in
            let solver = run.record.spec.solver_parameters
            let fields = [run.label, lastComponent(run.folder), run.record.status, "\(run.processes)",
                          solver["patch_size"].map { "\($0)" } ?? "", solver["overlap"].map { "\($0)" } ?? "",
                          solver["max_batch_size"].map { "\($0)" } ?? "", "\(run.record.iterations)",
                          text(run.record.initial_psnr), text(run.record.final_psnr), text(run.record.final_ssim),
                          text(run.record.solver_seconds), text(run.mean("iteration_time_sec")), text(run.mean("gradient_time_sec")),
                          text(run.mean("denoise_time_sec")), text(run.mean("comm_time_sec")), text(run.record.peak_rss_mb),
                          text(run.record.peak_rss_mb_max_rank), run.record.error ?? ""]
            return fields.map(csvField).joined(separator: ",")
        }
        return ([columns.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
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
