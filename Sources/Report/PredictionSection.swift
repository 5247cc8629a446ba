import Figures
import Results

/// The planner's predictions beside the measurements: per run, the predicted peak memory of the
/// largest rank against the measured one (the whole run), and the predicted seconds per iteration
/// against the measured median of the slowest rank, with their relative errors; and a chart of
/// both ratios. Shown when a run carries a prediction (`run.json`'s `prediction`).
struct PredictionSection {
    let runs: [RunResult]
    let labels: [String]

    /// Measured and predicted values of one run.
    struct Comparison {
        let run: Int
        let batch: Int
        let predictedPeakMB: Double
        let measuredPeakMB: Double?
        let predictedIterationS: Double
        let measuredIterationS: Double?
    }

    var comparisons: [Comparison] {
        runs.enumerated().compactMap { index, run in
            guard let prediction = run.record.prediction else { return nil }
            return Comparison(run: index, batch: prediction.maxBatchSize, predictedPeakMB: prediction.peakRSSMB,
                              measuredPeakMB: run.record.peakRSSMBMaxRank ?? run.record.peakRSSMB,
                              predictedIterationS: prediction.iterationS, measuredIterationS: run.slowestMedian(.iterationTime))
        }
    }

    func html() -> String {
        let rows = comparisons
        guard !rows.isEmpty else { return "" }
        func number(_ value: Double?, _ digits: Int) -> String {
            value.map { $0.isFinite ? NumberText.fixed($0, digits: digits) : "–" } ?? "–"
        }
        func error(_ predicted: Double, _ measured: Double?) -> String {
            guard let measured, measured > 0 else { return "–" }
            let percent = 100 * (predicted - measured) / measured
            return (percent >= 0 ? "+" : "") + NumberText.fixed(percent, digits: 1) + " %"
        }
        let header = ["run", "batch", "peak RSS predicted (MiB)", "measured (largest rank)", "error",
                      "s/iteration predicted", "measured (median, slowest rank)", "error"]
        let body = rows.map { row in
            let cells = ["\(row.run + 1). " + labels[row.run], "\(row.batch)", number(row.predictedPeakMB, 0),
                         number(row.measuredPeakMB, 0), error(row.predictedPeakMB, row.measuredPeakMB),
                         number(row.predictedIterationS, 3), number(row.measuredIterationS, 3),
                         error(row.predictedIterationS, row.measuredIterationS)]
            return "<tr>" + cells.map { "<td>\(SVGText.escape($0))</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        let profile = runs.compactMap(\.record.prediction?.profile).first ?? ""
        let table = "<p class=\"facts\">Predicted before each run started, from the machine profile: "
            + SVGText.escape(profile) + ".</p><div class=\"table-wrap\"><table><thead><tr>"
            + header.map { "<th>\(SVGText.escape($0))</th>" }.joined() + "</tr></thead><tbody>\n" + body + "\n</tbody></table></div>\n"
        func ratio(_ predicted: Double, _ measured: Double?) -> Double { measured.map { $0 > 0 ? predicted / $0 : .nan } ?? .nan }
        let chart = GroupedBarChart(title: "Predicted / measured", yLabel: "ratio", categories: rows.map { "run \($0.run + 1)" },
                                    series: [("peak RSS", rows.map { ratio($0.predictedPeakMB, $0.measuredPeakMB) }),
                                             ("seconds per iteration", rows.map { ratio($0.predictedIterationS, $0.measuredIterationS) })])
        return table + "<div class=\"grid\"><figure class=\"chart-box\">\(chart.svg())</figure></div>\n"
    }
}
