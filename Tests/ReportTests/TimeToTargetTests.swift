import Foundation
@testable import Report
import Results
import Testing

/// Rank-0 rows with the given PSNRs, one per iteration, each iteration taking `step` solver seconds.
private func rows(_ psnrs: [Double?], step: Double = 0.5) -> [MetricsRow] {
    let lines = psnrs.enumerated().map { index, psnr in "\(index + 1),\(Double(index + 1) * step),\(psnr.map { "\($0)" } ?? "")" }
    return MetricsRow.parse(csv: (["iteration,time_sec,psnr"] + lines).joined(separator: "\n"))
}

/// Writes a run folder (run.json and rank 0's CSV) of `dataset` at `side`² whose iterations take
/// `step` solver seconds and reach the given PSNRs.
private func writeRun(in root: String, name: String, index: Int, dataset: String = "tomography_2d", side: Int = 64,
                      step: Double, psnrs: [Double]) throws {
    let folder = root + "/" + name
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let record = """
    {"spec": {"index": \(index), "dataset": "\(dataset)", "solver": "PnP", "max_iterations": \(psnrs.count),
              "dataset_parameters": {"img_size": \(side)}, "solver_parameters": {}},
     "label": "PnP · \(dataset) \(side)² · run \(name)", "status": "finished", "started": "2026-11-21T10:00:00Z",
     "iterations": \(psnrs.count), "solver_seconds": \(step * Double(psnrs.count)), "final_psnr": \(psnrs.last!),
     "machine": {"cpu": "test CPU", "cores": 2, "host": "h"}, "versions": {"invscale": "t"}}
    """
    try record.write(toFile: folder + "/run.json", atomically: true, encoding: .utf8)
    try ("iteration,time_sec,psnr\n" + psnrs.enumerated().map { "\($0 + 1),\(Double($0 + 1) * step),\($1)" }.joined(separator: "\n"))
        .write(toFile: folder + "/metrics_rank0.csv", atomically: true, encoding: .utf8)
}

private func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "invscale-target-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Time to target")
struct TimeToTargetTests {
    @Test("levels sit 3, 1 and 0.5 dB under the best final PSNR; each run's first crossing counts, not a later one")
    func firstCrossing() throws {
        // Run A ends at 30 dB (the best final; its peak of 31 dB is not final); run B ends at 28 dB.
        let a = rows([20, 27.5, 29.6, 31, 28, 30])
        let b = rows([26, 27, 28, 28], step: 2)
        let numbers = TimeToTarget(rows: [a, b])
        #expect(numbers.best?.psnr == 30 && numbers.best?.run == 0)
        #expect(numbers.levels == [27, 29, 29.5])
        // A: 27 dB first at iteration 2 (1 s), 29 and 29.5 dB first at iteration 3 (1.5 s), not at 6.
        #expect(numbers.reached[0] == [.init(iteration: 2, seconds: 1), .init(iteration: 3, seconds: 1.5), .init(iteration: 3, seconds: 1.5)])
        // B reaches 27 dB at iteration 2 (4 s) and never 29 or 29.5 dB.
        #expect(numbers.reached[1] == [.init(iteration: 2, seconds: 4), nil, nil])
    }

    @Test("a level is reached at exactly its value; rows without PSNR are skipped; a run without PSNR reaches nothing")
    func edges() {
        let numbers = TimeToTarget(rows: [rows([nil, 26, nil, 29]), rows([nil, nil]), []])
        #expect(numbers.best?.psnr == 29 && numbers.levels == [26, 28, 28.5])
        #expect(numbers.reached[0] == [.init(iteration: 2, seconds: 1), .init(iteration: 4, seconds: 2), .init(iteration: 4, seconds: 2)])
        #expect(numbers.reached[1] == [nil, nil, nil] && numbers.reached[2] == [nil, nil, nil])
        let none = TimeToTarget(rows: [rows([nil]), []])
        #expect(none.best == nil && none.levels == nil && none.reached == [[nil, nil, nil], [nil, nil, nil]])
    }

    @Test("a run whose last PSNR is not finite (diverged) sets no level but its earlier rows still count")
    func diverged() {
        let numbers = TimeToTarget(rows: [rows([25, 31, .nan]), rows([24, 26])])
        #expect(numbers.best?.psnr == 26 && numbers.best?.run == 1 && numbers.levels == [23, 25, 25.5])
        #expect(numbers.reached[0] == [.init(iteration: 1, seconds: 0.5), .init(iteration: 1, seconds: 0.5), .init(iteration: 2, seconds: 1)])
    }

    @Test("levels are set per dataset: runs on another dataset or size are compared among themselves")
    func groups() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", index: 1, step: 1, psnrs: [20, 25, 30])
        try writeRun(in: root, name: "b", index: 2, side: 128, step: 1, psnrs: [10, 12])
        try writeRun(in: root, name: "c", index: 3, step: 2, psnrs: [28, 29])
        let groups = TimeToTarget.groups(RunResult.loadAll(in: root))
        try #require(groups.count == 2)
        #expect(groups[0].members == [0, 2] && groups[0].numbers.levels == [27, 29, 29.5])
        #expect(groups[0].numbers.reached[1] == [.init(iteration: 1, seconds: 2), .init(iteration: 2, seconds: 4), nil])
        #expect(groups[1].members == [1] && groups[1].numbers.levels == [9, 11, 11.5])
        #expect(groups[1].dataset.hasPrefix("tomography_2d ") && groups[1].dataset.contains("img_size 128"))
    }

    @Test("summary.csv appends level, seconds and iteration for each level; empty where a level was not reached")
    func summaryColumns() throws {
        let root = try temporaryFolder()
        try writeRun(in: root, name: "a", index: 1, step: 0.25, psnrs: [20, 27, 29.5, 30])
        try writeRun(in: root, name: "b", index: 2, step: 1, psnrs: [26, 28, 29])
        let written = try ReportWriter.write(results: root)
        let lines = try String(contentsOfFile: written.csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let added = ["target_minus_3db_psnr", "target_minus_3db_s", "target_minus_3db_iteration",
                     "target_minus_1db_psnr", "target_minus_1db_s", "target_minus_1db_iteration",
                     "target_minus_0p5db_psnr", "target_minus_0p5db_s", "target_minus_0p5db_iteration"]
        try #require(lines.count == 3)
        #expect(Array(lines[0].suffix(9)) == added && lines[0].prefix(4) == ["run", "folder", "status", "processes"])
        #expect(Array(lines[1].suffix(9)) == ["27.0", "0.5", "2", "29.0", "0.75", "3", "29.5", "0.75", "3"])
        #expect(Array(lines[2].suffix(9)) == ["27.0", "2.0", "2", "29.0", "3.0", "3", "29.5", "", ""])
        let html = try String(contentsOfFile: written.html, encoding: .utf8)
        let section = try #require(html.range(of: "<h2>Time to target</h2>").map { html[$0.lowerBound...] })
        #expect(html.range(of: "<h2>PSNR</h2>")!.lowerBound < section.startIndex, "after the PSNR curves")
        #expect(section.contains("best final PSNR of these runs, 30.00 dB (run 1), minus 3, 1 and 0.5 dB: 27.00, 29.00, 29.50 dB"))
        #expect(section.contains("Not reached, so not drawn: run 2 (−0.5 dB)."))
        #expect(section.contains("<td>2.00 s, iteration 2</td><td>3.00 s, iteration 3</td><td>not reached</td>"))
        #expect(section.contains("run 1 — −1 dB (29.00 dB): 0.75"), "bar tooltip")
    }
}
