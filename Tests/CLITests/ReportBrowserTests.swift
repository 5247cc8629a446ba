import Foundation
import Testing

/// Chromium on PATH, installing Debian's package first when it is missing and apt-get can run
/// (as root); nil when neither works.
private let chromium: String? = {
    func find() -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .flatMap { ["\($0)/chromium", "\($0)/chromium-browser"] }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    if let found = find() { return found }
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get") else { return nil }
    _ = system("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium > /dev/null 2>&1 </dev/null")
    return find()
}()

/// The report of a small real run, opened in headless Chromium.
@Suite("report in a real browser", .enabled(if: chromium != nil, "chromium is missing and cannot be installed (needs root and apt-get)"))
struct ReportBrowserTests {
    /// Where the screenshot is kept (a test artefact, ignored by git).
    static let artefacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("outputs/test-artefacts").path

    func chrome(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"] + arguments,
                    executable: URL(fileURLWithPath: chromium!))
    }

    @Test("every chart holds SVG paths with one line per run, the page reports no script error, the screenshot is kept",
          .timeLimit(.minutes(5)))
    func rendersWithoutErrors() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let experiment = RunCommandTests.experiment(iterations: 6).replacingOccurrences(
            of: "denoiser_sigma: 0.001", with: "denoiser_sigma: [0.001, 0.004]")
        let config = try RunCommandTests.write(experiment, in: folder)
        let run = try CLI.run(["run", config, "--output", output, "--threads", "1"])
        #expect(run.status == 0 && run.output.contains("report: "), "\(run.output)\n\(run.error)")
        let page = "file://" + output + "/report.html"
        let dom = try chrome(["--dump-dom", page])
        #expect(dom.status == 0, "\(dom.error)")
        #expect(dom.output.contains("data-report-ready=\"1\"") && !dom.output.contains("data-script-error=\""), "a script error was flagged")
        let charts = Array(dom.output.components(separatedBy: "<svg ").dropFirst())
        // PSNR vs iteration, vs time, vs log time, the time to target, the time breakdown, the
        // planner's predictions against the measurements, memory per step (the runs differ in σ
        // only: no scaling, batch or size section).
        try #require(charts.count == 7, "\(charts.count) charts")
        for chart in charts.prefix(3) {
            #expect(chart.contains("data-series=\"2\"") && chart.components(separatedBy: "class=\"series\"").count - 1 == 2)
            #expect(chart.contains(" d=\"M"), "a line chart without path data")
        }
        // The best run reaches all three levels (best final − 3, 1, 0.5 dB): at least three bars.
        #expect(dom.output.contains("Time to target") && charts[3].components(separatedBy: "class=\"bar\"").count - 1 >= 3)
        #expect(charts[4].components(separatedBy: "class=\"segment\"").count - 1 >= 2)
        #expect(dom.output.contains("Predicted and measured") && charts[5].contains("Predicted / measured")
                && charts[5].components(separatedBy: "class=\"bar\"").count - 1 == 4)
        #expect(charts[6].contains("data-series=\"4\"") && charts[6].components(separatedBy: "class=\"bar\"").count - 1 == 8)
        #expect(!dom.output.contains("Strong scaling") && !dom.output.contains("Batch size"))
        #expect(dom.output.components(separatedBy: "alt=\"dataset preview\"").count - 1 == 1, "one dataset, one preview")
        #expect(dom.output.components(separatedBy: "alt=\"comparison figure").count - 1 == 2)
        try FileManager.default.createDirectory(atPath: Self.artefacts, withIntermediateDirectories: true)
        let shot = try chrome(["--window-size=1100,1800", "--screenshot=\(Self.artefacts)/report.png", page])
        #expect(shot.status == 0 && FileManager.default.fileExists(atPath: Self.artefacts + "/report.png"), "\(shot.error)")
        let summary = try String(contentsOfFile: output + "/summary.csv", encoding: .utf8).split(separator: "\n")
        #expect(summary.count == 3 && summary[0].hasPrefix("run,folder,status"))
    }
}
