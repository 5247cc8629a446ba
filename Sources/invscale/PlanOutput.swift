import Experiment
import Planner
import Results

/// What `invscale run --plan` prints about the planner's predictions: a table (peak memory per
/// rank against its budget, seconds per iteration and their parts, the run's predicted solver
/// time) and the grid's total, or with `--json` one object per run per line.
enum PlanOutput {
    /// One run's line of `--plan --json`.
    struct Line: Encodable {
        let index: Int
        let label: String
        let processes: Int
        let iterations: Int
        let maxBatchSize: Int?
        let batchSizeChosen: Bool?
        let predictedPeakRSSMB: Double?
        let predictedGradientPeakRSSMB: Double?
        let predictedDenoisePeakRSSMB: Double?
        let predictedIterationS: Double?
        let predictedGradientS: Double?
        let predictedDenoiseS: Double?
        let predictedCommS: Double?
        let predictedSolverS: Double?
        let budgetMB: Double?
        let fits: Bool?
        let refusal: String?
        let error: String?
        let profile: String

        private enum CodingKeys: String, CodingKey {
            case index, label, processes, iterations, fits, refusal, error, profile
            case maxBatchSize = "max_batch_size", batchSizeChosen = "batch_size_chosen"
            case predictedPeakRSSMB = "predicted_peak_rss_mb", predictedGradientPeakRSSMB = "predicted_gradient_peak_rss_mb"
            case predictedDenoisePeakRSSMB = "predicted_denoise_peak_rss_mb", predictedIterationS = "predicted_iteration_s"
            case predictedGradientS = "predicted_gradient_s", predictedDenoiseS = "predicted_denoise_s"
            case predictedCommS = "predicted_comm_s", predictedSolverS = "predicted_solver_s", budgetMB = "budget_mb"
        }

        init(spec: RunSpec, plan: PlannedRun?, problem: String?, profile: String) {
            let p = plan?.prediction
            index = spec.index
            label = spec.label
            processes = spec.processes
            iterations = spec.plannedIterations
            maxBatchSize = p?.maxBatchSize
            batchSizeChosen = p?.batchSizeChosen
            predictedPeakRSSMB = p.map { round($0.peakRSSMB, 1) }
            predictedGradientPeakRSSMB = p.map { round($0.gradientPeakRSSMB, 1) }
            predictedDenoisePeakRSSMB = p.map { round($0.denoisePeakRSSMB, 1) }
            predictedIterationS = p.map { round($0.iterationS, 4) }
            predictedGradientS = p.map { round($0.gradientS, 4) }
            predictedDenoiseS = p.map { round($0.denoiseS, 4) }
            predictedCommS = p.map { round($0.commS, 5) }
            predictedSolverS = p.map { round($0.iterationS * Double(spec.plannedIterations), 2) }
            budgetMB = p.map { round($0.budgetMB, 1) }
            fits = plan.map { $0.refusal == nil }
            refusal = plan?.refusal
            error = problem
            self.profile = profile
        }
    }

    /// The table after the plan's run list.
    static func table(runs: [RunSpec], plans: [Int: PlannedRun], problems: [Int: String], profile: String) -> [String] {
        var lines = ["predictions (\(profile)):"]
        let header = ["run", "batch", "peak MiB/rank", "budget MiB", "s/iteration", "gradient", "denoiser", "comm", "solver s"]
        var rows: [[String]] = []
        var total = 0.0
        for spec in runs {
            guard let plan = plans[spec.index] else {
                rows.append(["#\(spec.index)", problems[spec.index].map { "not predicted: \($0)" } ?? "–"])
                continue
            }
            let p = plan.prediction, solver = p.iterationS * Double(spec.plannedIterations)
            total += solver
            rows.append(["#\(spec.index)", "\(p.maxBatchSize)\(p.batchSizeChosen ? " (auto)" : "")",
                         fixed(p.peakRSSMB, 0) + (plan.refusal == nil ? "" : " > budget"), fixed(p.budgetMB, 0),
                         fixed(p.iterationS, 3), fixed(p.gradientS, 3), fixed(p.denoiseS, 3), fixed(p.commS, 4), fixed(solver, 1)])
        }
        let widths = header.indices.map { column in ([header] + rows).map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            guard cells.count == header.count else { return "  " + cells.joined(separator: "  ") }
            return "  " + zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
        }
        lines += [line(header)] + rows.map(line)
        lines.append("  grid: predicted solver time \(fixed(total, 1)) s (set-up and evaluation not included)")
        for spec in runs {
            if let refusal = plans[spec.index]?.refusal { lines.append("  #\(spec.index) will be refused: \(refusal) (--force runs it anyway)") }
        }
        return lines
    }

    private static func fixed(_ value: Double, _ digits: Int) -> String { Format.fixed(value, digits: digits) }

    private static func round(_ value: Double, _ digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}
