import Foundation
@testable import Report
import Results
import Testing

/// Writes a run folder with a run.json and rank CSVs whose every row has the given step times.
private func writeRun(in root: String, name: String, processes: Int, side: Int = 512, batch: Int = 0, patch: Int = 0,
                      gradient: Double, denoise: Double, rss: Double = 100, prediction: String? = nil) throws {
    let folder = root + "/" + name
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let record = """
    {"spec": {"index": \(processes), "dataset": "tomography_2d", "solver": "PnP", "max_iterations": 3,
              "dataset_parameters": {"img_size": \(side)},
              "solver_parameters": {"slurm_ntasks_per_node": \(processes), "distribute_denoiser": \(patch > 0),
                                    "patch_size": \(patch), "overlap": 32, "max_batch_size": \(batch)}},
     "label": "PnP · tomography_2d \(side)² · \(processes) processes · batch \(batch)", "status": "finished",
     "started": "2026-11-21T10:00:00Z", "iterations": 3, "solver_seconds": 1, "processes": \(processes),
     "peak_rss_mb": \(rss), "machine": {"cpu": "test CPU", "cores": 2, "host": "h"}, "versions": {"invscale": "t"}
     \(prediction.map { ", \"prediction\": " + $0 } ?? "")}
    """
    try record.write(toFile: folder + "/run.json", atomically: true, encoding: .utf8)
    let header = "iteration,time_sec,psnr,gradient_time_sec,denoise_time_sec,iteration_time_sec,comm_time_sec,gradient_rss_peak_mb,denoise_rss_peak_mb"
    for rank in 0..<processes {
        let rows = (1...3).map { "\($0),\(Double($0) * (gradient + denoise)),\(20 + Double($0)),\(gradient),\(denoise),\(gradient + denoise),0,\(rss - 10),\(rss + Double(rank))" }
        try ([header] + rows).joined(separator: "\n").write(toFile: folder + "/metrics_rank\(rank).csv", atomically: true, encoding: .utf8)
    }
}

private func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "invscale-report-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Report sections and summary")
struct ReportTests {
    @Test("strong scaling: speedup and efficiency against the smallest process count, with the ideal line")
    func scaling() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", processes: 1, gradient: 2, denoise: 6)
        try writeRun(in: root, name: "b", processes: 2, gradient: 1, denoise: 3)
        try writeRun(in: root, name: "c", processes: 4, gradient: 0.5, denoise: 2)
        let runs = RunResult.loadAll(in: root)
        #expect(runs.map(\.processes) == [1, 2, 4] && runs[2].ranks.count == 4)
        let charts = ReportSections(runs: runs).scaling()
        try #require(charts.count == 2)
        #expect(charts[0].contains("total: processes 4, speedup 3.2") && charts[0].contains("denoiser: processes 4, speedup 3"))
        #expect(charts[0].contains("class=\"reference\""))
        #expect(charts[1].contains("total: processes 4, efficiency (%) 80") && charts[1].contains("total: processes 2, efficiency (%) 100"))
        #expect(ReportSections(runs: Array(runs.prefix(1))).scaling().isEmpty, "one process count: no scaling section")
        #expect(charts[0].contains("(runs 1, 2, 3)"))
    }

    @Test("scaling compares runs that differ only in how they are spread; otherwise it says the runs differ in more")
    func scalingFamilies() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", processes: 1, gradient: 2, denoise: 1)
        try writeRun(in: root, name: "b", processes: 1, patch: 128, gradient: 2, denoise: 8)
        try writeRun(in: root, name: "c", processes: 2, patch: 128, gradient: 1, denoise: 4)
        // Runs sort by (index, folder): a, b, c; the tiled pair is runs 2 and 3.
        let charts = ReportSections(runs: RunResult.loadAll(in: root)).scaling()
        try #require(charts.count == 2)
        #expect(charts[0].contains("(runs 2, 3)") && charts[0].contains("denoiser: processes 2, speedup 2"), "\(charts[0].prefix(300))")
        let mixed = try temporaryFolder()
        try writeRun(in: mixed, name: "a", processes: 1, gradient: 2, denoise: 1)
        try writeRun(in: mixed, name: "c", processes: 2, patch: 128, gradient: 1, denoise: 4)
        let fallback = ReportSections(runs: RunResult.loadAll(in: mixed)).scaling()
        #expect(fallback.first?.contains("which also differ in other settings") == true)
    }

    @Test("batch size: memory and windows per second, 0 drawn at the window count (⌈D/p⌉² windows)")
    func batchSize() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", processes: 1, side: 2048, batch: 1, patch: 448, gradient: 1, denoise: 5, rss: 300)
        try writeRun(in: root, name: "b", processes: 1, side: 2048, batch: 0, patch: 448, gradient: 1, denoise: 2.5, rss: 900)
        let runs = RunResult.loadAll(in: root)
        #expect(runs.map(\.windows) == [25, 25])
        let charts = ReportSections(runs: runs).batchSize()
        try #require(charts.count == 2)
        #expect(charts[0].contains("windows per batch 25, peak RSS, largest rank (MiB) 900"))
        #expect(charts[1].contains("windows per batch 1, windows per second 5") && charts[1].contains("windows per batch 25, windows per second 10"))
    }

    /// A prediction as run.json holds it, with a batch curve over 1…3.
    static func prediction(batch: Int, rss: Double, seconds: Double) -> String {
        """
        {"processes": 1, "max_batch_size": \(batch), "batch_size_chosen": false, "predicted_peak_rss_mb": \(rss),
         "predicted_gradient_peak_rss_mb": 50, "predicted_denoise_peak_rss_mb": \(rss), "predicted_iteration_s": \(seconds),
         "predicted_gradient_s": 1, "predicted_denoise_s": \(seconds - 1), "predicted_comm_s": 0, "predicted_comm_bytes": 0,
         "budget_mb": 1000, "budget_source": "memory_budget_mb", "profile": "test profile",
         "batch_curve": [{"max_batch_size": 1, "predicted_peak_rss_mb": 200, "predicted_iteration_s": 6, "predicted_denoise_s": 5},
                         {"max_batch_size": 2, "predicted_peak_rss_mb": 300, "predicted_iteration_s": 4, "predicted_denoise_s": 3},
                         {"max_batch_size": 3, "predicted_peak_rss_mb": 400, "predicted_iteration_s": 3.5, "predicted_denoise_s": 2.5}]}
        """
    }

    @Test("predictions beside measurements: errors per run, the ratio chart, the model's curve in the batch section")
    func predictions() throws {
        let root = try temporaryFolder()
        // Measured: 300 MiB and 6 s per iteration (1 + 5); predicted 330 MiB (+10 %) and 4.5 s (−25 %).
        try writeRun(in: root, name: "a", processes: 1, side: 192, batch: 1, patch: 64, gradient: 1, denoise: 5, rss: 300,
                     prediction: Self.prediction(batch: 1, rss: 330, seconds: 4.5))
        try writeRun(in: root, name: "b", processes: 1, side: 192, batch: 3, patch: 64, gradient: 1, denoise: 2, rss: 400)
        let runs = RunResult.loadAll(in: root)
        let section = PredictionSection(runs: runs, labels: ["one", "three"])
        #expect(section.comparisons.count == 1)
        let html = section.html()
        #expect(html.contains("<td>330</td><td>300</td><td>+10.0 %</td>") && html.contains("<td>4.500</td><td>6.000</td><td>-25.0 %</td>"))
        #expect(html.contains("test profile") && html.contains("Predicted / measured"))
        #expect(PredictionSection(runs: [runs[1]], labels: ["three"]).html().isEmpty, "no prediction: no section")
        let charts = ReportSections(runs: runs).batchSize()
        try #require(charts.count == 2)
        // The model's curve is a dashed reference line under the measured points.
        for chart in charts { #expect(chart.contains("class=\"reference\"") && chart.contains("<title>model</title>")) }
        #expect(charts[0].contains("windows per batch 3, peak RSS, largest rank (MiB) 400"))
        // 9 windows of 64 on 192²: measured 9 / 5 s at batch 1 and 9 / 2 s at batch 3.
        #expect(charts[1].contains("windows per batch 1, windows per second 1.8") && charts[1].contains("windows per batch 3, windows per second 4.5"))
        let page = HTMLReport(title: "t", runs: runs).html()
        #expect(page.contains("<h2>Predicted and measured</h2>"))
        let summary = ReportWriter.summary(runs).split(separator: "\n")
        let header = summary[0].split(separator: ",").map(String.init)
        let first = summary[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(first[header.firstIndex(of: "predicted_peak_rss_mb")!] == "330.0")
        #expect(first[header.firstIndex(of: "median_iteration_sec_max_rank")!] == "6.0")
    }

    @Test("3-D tiles: per-axis lists count as tiled, the table shows 8×256×256/2×16×16, the recorded window count wins")
    func volumeTiles() throws {
        let root = try temporaryFolder()
        for (name, batch) in [("a", 10), ("b", 2)] {
            try writeRun(in: root, name: name, processes: 2, batch: batch, gradient: 1, denoise: 4)
            let path = root + "/\(name)/run.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "\"patch_size\": 0, \"overlap\": 32", with: "\"patch_size\": [8, 256, 256], \"overlap\": [2, 16, 16]")
                .replacingOccurrences(of: "\"distribute_denoiser\": false", with: "\"distribute_denoiser\": true")
                .replacingOccurrences(of: "\"iterations\": 3,", with: "\"iterations\": 3, \"tile_windows\": 20,")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let runs = RunResult.loadAll(in: root)
        #expect(runs.map(\.isTiled) == [true, true] && runs.map(\.windows) == [20, 20])
        let page = HTMLReport(title: "t", runs: runs).html()
        #expect(page.contains("<td>8×256×256/2×16×16</td>"), "tiles column")
        #expect(ReportSections(runs: runs).batchSize().count == 2)
    }

    @Test("time breakdown: steps without their collectives, all collectives, and the rest of the wall time")
    func breakdown() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", processes: 2, gradient: 1, denoise: 2)
        let header = "iteration,gradient_time_sec,denoise_time_sec,comm_time_sec,gradient_comm_sec,denoise_comm_sec,wall_time_sec"
        for (rank, wall) in [(0, 3.5), (1, 3.9)] {
            try [header, "1,1.0,2.0,0.4,0.1,0.2,\(wall)", "2,1.0,2.0,0.4,0.1,0.2,\(wall)"].joined(separator: "\n")
                .write(toFile: root + "/a/metrics_rank\(rank).csv", atomically: true, encoding: .utf8)
        }
        let run = try #require(RunResult.loadAll(in: root).first)
        for (rank, other) in [(0, 0.4), (1, 0.8)] {
            let parts = HTMLReport.breakdown(run, rank: rank)
            #expect(zip(parts, [0.9, 1.8, 0.4, other]).allSatisfy { abs($0 - $1) < 1e-12 }, "rank \(rank): \(parts)")
        }
        let olderRoot = try temporaryFolder()
        try writeRun(in: olderRoot, name: "b", processes: 1, gradient: 1, denoise: 2)
        let old = try #require(RunResult.loadAll(in: olderRoot).first)
        #expect(HTMLReport.breakdown(old, rank: 0) == [1, 2, 0, 0], "no wall-time column: nothing is called other")
    }

    @Test("labels: the shared parts go to the header, charts keep what tells runs apart")
    func labels() {
        let split = HTMLReport.splitLabels(["PnP · 512² · 1 process", "PnP · 512² · 2 processes · tiles 128/32"])
        #expect(split.common == "PnP · 512²" && split.distinct == ["1 process", "2 processes · tiles 128/32"])
        #expect(HTMLReport.splitLabels(["only run"]).distinct == ["only run"])
    }

    @Test("summary.csv: one row per run, fields with commas quoted; an empty folder is an error naming it")
    func summary() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", processes: 2, gradient: 1, denoise: 2)
        let written = try ReportWriter.write(results: root)
        let lines = try String(contentsOfFile: written.csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[0] == Substring(ReportWriter.columns.joined(separator: ",")))
        #expect(lines[1].contains(",finished,2,") && lines[1].contains(",3.0,"), "\(lines[1])")
        #expect(ReportWriter.csvField("a, \"b\"") == "\"a, \"\"b\"\"\"")
        // Text a spreadsheet would run as a formula is shown as text; numbers stay numbers.
        #expect(ReportWriter.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(ReportWriter.csvField("@SUM(A1)") == "\"'@SUM(A1)\"" && ReportWriter.csvField("+cmd") == "\"'+cmd\"")
        #expect(ReportWriter.csvField("-1.5") == "-1.5" && ReportWriter.csvField("-x") == "\"'-x\"")
        let html = try String(contentsOfFile: written.html, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<script src") && !html.contains("<link "),
                "the page loads nothing from elsewhere")
        #expect(throws: ReportError.self) { try ReportWriter.write(results: try temporaryFolder()) }
    }
}
