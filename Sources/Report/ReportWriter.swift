import FoundationEssentials
import SafeFiles

/// Writes the report of a results folder: `report.html` (or the given file) and `summary.csv`
/// (one row per run, for people who plot elsewhere).
public enum ReportWriter {
    /// Writes both files and returns their paths and the run folders that could not be read
    /// (listed on the page too); throws when the folder holds no readable run.
    @discardableResult
    public static func write(results: String, output: String? = nil, title: String? = nil)
        throws -> (html: String, csv: String, unreadable: [ReportError]) {
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

extension ReportError {
    /// A decoding error in a few words: the field and what was wrong.
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case let .keyNotFound(key, context)?: return "missing field '\((path(context).isEmpty ? "" : path(context) + ".") + key.stringValue)'"
        case let .typeMismatch(type, context)?: return "field '\(path(context))': expected \(type)"
        case let .valueNotFound(type, context)?: return "field '\(path(context))': expected \(type), got null"
        case .dataCorrupted?: return "not valid JSON"
        default: return "\(error)"
        }
    }
}
