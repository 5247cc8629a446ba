import Experiment
import Figures
import Results
import FoundationEssentials

/// The results dashboard: one self-contained HTML file (inline CSS, SVG and a few lines of script,
/// no network) with a header (experiment, date, machine, versions), the table of runs, PSNR against
/// iteration and against time (log-time toggle), the time to reach PSNR levels near the best
/// (`TimeToTargetSection`), the time breakdown per run (gradient, denoiser, communication, mean per
/// iteration), the planner's predictions beside the measurements (`PredictionSection`) and each
/// run's comparison figure.
public struct HTMLReport {
    public let title: String
    public let runs: [RunResult]
    /// Run folders whose run.json could not be read: listed, not hidden.
    public let unreadable: [ResultsError]

    public init(title: String, runs: [RunResult], unreadable: [ResultsError] = []) {
        self.title = title
        self.runs = runs
        self.unreadable = unreadable
    }

    /// The parts of the runs' labels ("a · b · c") that all runs share, and each run's other parts
    /// (the whole label when nothing is left): charts name runs by what tells them apart.
    public static func splitLabels(_ labels: [String]) -> (common: String, distinct: [String]) {
        let parts = labels.map { $0.components(separatedBy: " · ") }
        let shared = (parts.first ?? []).filter { part in labels.count > 1 && parts.allSatisfy { $0.contains(part) } }
        let distinct = zip(labels, parts).map { label, own in
            let rest = own.filter { !shared.contains($0) }
            return rest.isEmpty ? label : rest.joined(separator: " · ")
        }
        return (shared.joined(separator: " · "), distinct)
    }

    private var shortLabels: [String] { Self.splitLabels(runs.map(\.label)).distinct }

    /// The page.
    public func html() -> String {
        var body = header() + section("Runs", runTable())
        if !unreadable.isEmpty {
            body += section("Unreadable runs", "<ul>" + unreadable.map { "<li>\(SVGText.escape($0.description))</li>" }.joined() + "</ul>")
        }
        let curves = runs.filter { !$0.rows.isEmpty }
        if !curves.isEmpty {
            body += section("PSNR", "<div class=\"grid\">" + chartBox(psnrChart(x: .iteration, label: "iteration"))
                + chartBox(psnrChart(x: .cumulativeTime, label: "time (s)"), toggle: psnrChart(x: .cumulativeTime, label: "time (s, log)", log: true)) + "</div>")
            let targets = TimeToTargetSection(runs: runs, labels: shortLabels).html()
            if !targets.isEmpty { body += section("Time to target", targets) }
            body += section("Time per iteration", "<div class=\"grid\">" + chartBox(breakdownChart()) + "</div>")
        }
        let predictions = PredictionSection(runs: runs, labels: shortLabels).html()
        if !predictions.isEmpty { body += section("Predicted and measured", predictions) }
        let sections = ReportSections(runs: runs)
        for (name, charts) in [("Memory per step", sections.memory()), ("Strong scaling", sections.scaling()),
                               ("Batch size", sections.batchSize()), ("Image size", sections.imageSize())] where !charts.isEmpty {
            body += section(name, "<div class=\"grid\">" + charts.map { chartBox($0) }.joined() + "</div>")
        }
        body += section("Images", images())
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SVGText.escape(title))</title>
        <style>\(Self.style)</style></head>
        <body><main>
        \(body)
        </main>
        <script>\(Self.script)</script>
        </body></html>

        """
    }

    private func header() -> String {
        let machine = runs.first?.record.machine
        let versions = runs.first.map { $0.record.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") } ?? ""
        let dates = runs.map(\.record.started).sorted()
        var facts = ["\(runs.count) run\(runs.count == 1 ? "" : "s")"]
        let common = Self.splitLabels(runs.map(\.label)).common
        if !common.isEmpty { facts.insert(common, at: 0) }
        if let first = dates.first { facts.append("started \(first)") }
        if let machine {
            facts.append("\(machine.cpu), \(machine.cores) cores" + (machine.memoryGiB.map { ", \(NiceScale.format($0)) GiB" } ?? "") + " (\(machine.host))")
            if let blas = machine.blas { facts.append(blas) }
        }
        if !versions.isEmpty { facts.append(versions) }
        return "<header><h1>\(SVGText.escape(title))</h1><p class=\"facts\">\(facts.map(SVGText.escape).joined(separator: " · "))</p></header>\n"
    }

    private func section(_ name: String, _ content: String) -> String {
        "<section><h2>\(SVGText.escape(name))</h2>\n\(content)</section>\n"
    }

    private func chartBox(_ chart: String, toggle: String? = nil) -> String {
        guard let toggle else { return "<figure class=\"chart-box\">\(chart)</figure>\n" }
        return "<figure class=\"chart-box toggled\"><button type=\"button\" class=\"toggle\">log time</button>"
            + "<div class=\"view\">\(chart)</div><div class=\"view\" hidden>\(toggle)</div></figure>\n"
    }

    /// One row per run, numbered as in the bar charts: the label's distinct part (the whole label
    /// on hover), processes, tiles, batch, iterations, PSNR/SSIM, time, memory, status.
    private func runTable() -> String {
        let header = ["run", "processes", "tiles", "batch", "iterations", "start dB", "final dB", "SSIM", "solver time (s)",
                      "peak RSS (MiB, max rank)", "status"]
        var rows = ""
        for (index, run) in runs.enumerated() {
            let tiled = run.isTiled
            let status = run.record.status.rawValue + (run.record.error.map { ": " + $0 } ?? "")
            let cells = ["\(run.processes)",
                         tiled ? run.tilesText : "–", tiled ? "\(run.batchSize)" : "–", "\(run.record.iterations)",
                         number(run.record.initialPSNR, 2), number(run.record.finalPSNR, 2), number(run.record.finalSSIM, 3),
                         number(run.record.solverSeconds, 1), number(run.record.peakRSSMBMaxRank ?? run.record.peakRSSMB, 0), status]
            let statusClass = run.record.status == .finished ? "" : " class=\"problem\""
            rows += "<tr\(statusClass)><td title=\"\(SVGText.escape(run.label))\">\(index + 1). \(SVGText.escape(shortLabels[index]))</td>"
                + cells.map { "<td>\(SVGText.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return "<div class=\"table-wrap\"><table><thead><tr>" + header.map { "<th>\($0)</th>" }.joined()
            + "</tr></thead><tbody>\n\(rows)</tbody></table></div>\n"
    }

    private func psnrChart(x column: MetricsColumn, label: String, log: Bool = false) -> String {
        LineChart(title: "PSNR vs \(label)", xLabel: label, yLabel: "PSNR (dB)", xScale: log ? .log : .linear,
                  series: zip(runs, shortLabels).filter { !$0.0.rows.isEmpty }.map { run, name in
                      ChartSeries(name: name, points: run.rows.map { ($0[column] ?? .nan, $0[.psnr] ?? .nan) })
                  }).svg()
    }

    /// Mean seconds per iteration on rank 0: gradient and denoiser without their collectives, all
    /// collectives, and the rest of the iteration's wall time (evaluation, stop agreement,
    /// bookkeeping); the per-rank values are in the tooltips.
    private func breakdownChart() -> String {
        let shown = runs.filter { !$0.rows.isEmpty }
        let names = zip(runs, shortLabels).filter { !$0.0.rows.isEmpty }.map(\.1)
        let parts = shown.map { run in run.ranks.indices.map { Self.breakdown(run, rank: $0) } }
        var chart = StackedBarChart(title: "Mean time per iteration (rank 0)", yLabel: "seconds",
                                    categories: shown.indices.map { "run \($0 + 1)" },
                                    parts: Self.breakdownParts.indices.map { part in
                                        (Self.breakdownParts[part], parts.map { $0.first?[part] ?? 0 })
                                    })
        chart.details = parts.map { ranks in
            ranks.enumerated().map { rank, values in
                "rank \(rank): " + zip(Self.breakdownParts, values).map { "\($0) \(NiceScale.format($1)) s" }
                    .joined(separator: ", ")
            }
        }
        return chart.svg()
            + "<ol class=\"legend-list\">" + names.map { "<li>\(SVGText.escape($0))</li>" }.joined() + "</ol>"
    }

    static let breakdownParts = [StepLabel.gradient, StepLabel.denoiser, StepLabel.communication, StepLabel.other]

    /// Mean seconds per iteration on `rank` of the parts in `breakdownParts` ("other" is 0 when the
    /// CSV has no wall time, as in files written before it was recorded).
    static func breakdown(_ run: RunResult, rank: Int) -> [Double] {
        func mean(_ column: MetricsColumn) -> Double { run.mean(column, rank: rank) ?? 0 }
        let gradient = max(0, mean(.gradientTime) - mean(.gradientCommTime))
        let denoiser = max(0, mean(.denoiseTime) - mean(.denoiseCommTime))
        let communication = mean(.commTime)
        let other = run.mean(.wallTime, rank: rank).map { max(0, $0 - gradient - denoiser - communication) } ?? 0
        return [gradient, denoiser, communication, other]
    }

    /// The preview of each distinct dataset (ground truth and sinogram), then each run's comparison
    /// figure (ground truth | start | reconstruction | error), embedded.
    private func images() -> String {
        var seen = Set<String>()
        let previews = runs.compactMap { run -> String? in
            let dataset = run.datasetText
            guard seen.insert(dataset).inserted,
                  let data = FileManager.default.contents(atPath: RunFolder(run.folder).previewFile) else { return nil }
            return "<figure class=\"image\"><img alt=\"dataset preview\" src=\"data:image/png;base64,\(Base64.encode([UInt8](data)))\">"
                + "<figcaption>dataset: \(SVGText.escape(dataset)) (ground truth, sinogram)</figcaption></figure>\n"
        }
        return previews.joined() + runs.compactMap { run -> String? in
            guard let data = FileManager.default.contents(atPath: RunFolder(run.folder).comparisonFile) else { return nil }
            return "<figure class=\"image\"><img alt=\"comparison figure of \(SVGText.escape(run.label))\" src=\"data:image/png;base64,\(Base64.encode([UInt8](data)))\">"
                + "<figcaption>\(SVGText.escape(run.label))</figcaption></figure>\n"
        }.joined()
    }

    private func number(_ value: Double?, _ digits: Int) -> String {
        value.map { $0.isFinite ? NumberText.fixed($0, digits: digits) : "–" } ?? "–"
    }

    static let style = """
    body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}main{max-width:1100px;margin:auto;padding:12px}
    h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;border-bottom:1px solid #ddd;padding-bottom:4px}.facts{color:#555}
    .table-wrap{overflow-x:auto}table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
    tr.problem td{background:#fff0f0}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}@media (max-width:480px){.grid{grid-template-columns:1fr}}
    figure{margin:0}.chart-box{background:#fff;border:1px solid #e5e5e5;padding:4px;position:relative}svg.chart{width:100%;height:auto}
    .toggle{position:absolute;right:6px;top:6px;font-size:.8em}.image img{max-width:100%}.image{margin-bottom:12px}
    figcaption{font-size:.85em;color:#555}.legend-list{font-size:.85em}
    """

    /// The log-time toggle, an error flag in the DOM for tests (`data-script-error`) and the time from
    /// navigation to the end of the page's script (`data-ready-ms`).
    static let script = """
    window.onerror=function(m){document.body.setAttribute('data-script-error',String(m));};
    document.querySelectorAll('figure.toggled').forEach(function(f){var b=f.querySelector('button'),v=f.querySelectorAll('.view');
    b.addEventListener('click',function(){var log=v[1].hidden;v[0].hidden=log;v[1].hidden=!log;b.textContent=log?'linear time':'log time';});});
    document.body.setAttribute('data-report-ready','1');document.body.setAttribute('data-ready-ms',String(Math.round(performance.now())));
    """
}
