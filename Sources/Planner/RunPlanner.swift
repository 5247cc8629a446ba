import Denoisers
import Experiment
import Results

/// The planner's decision on one run: its prediction, the spec to run (`max_batch_size: auto`
/// resolved), and why it is refused when it is predicted not to fit its budget.
public struct PlannedRun: Sendable {
    public let spec: RunSpec
    public let prediction: RunPrediction
    /// Set when the run is predicted not to fit: the prediction and the budget in one sentence.
    public let refusal: String?
}

/// Plans the runs of a grid on a machine profile: predicts each, picks `max_batch_size: auto`
/// (the fastest batch predicted to fit the budget; the smaller batch on a tie) and refuses a run
/// predicted not to fit.
public struct RunPlanner {
    public let model: RunCostModel
    /// Threads per rank as `--threads` sets them (nil: the launchers' default).
    public let threads: Int?

    public init(profile: MachineProfile, threads: Int? = nil) {
        model = RunCostModel(profile: profile)
        self.threads = threads
    }

    /// The plan of `spec`; throws for a run the planner cannot describe (a dataset's files).
    public func plan(_ spec: RunSpec) throws -> PlannedRun {
        let run = try RunModel(spec)
        let placement = model.placement(run, threads: threads)
        let budget = MemoryBudgetRule.budget(run, profile: model.profile, ranksPerNode: placement.ranksPerNode)
        let candidates = try batchCandidates(run)
        var batch = run.execution.maxBatchSize ?? 0, chosen = false
        if run.execution.maxBatchSize == nil {
            chosen = true
            let options = try candidates.map { size in
                (size, RunCostModel.Summary(try model.ranks(run, batchSize: size, placement: placement)))
            }
            let fitting = options.filter { $0.1.peakMB <= budget.megabytes }
            let best = fitting.min { a, b in
                a.1.iterationS != b.1.iterationS ? a.1.iterationS < b.1.iterationS : a.1.peakMB < b.1.peakMB
            }
            batch = best?.0 ?? candidates.first ?? 0
        }
        let resolved = run.execution.maxBatchSize == nil ? spec.withBatchSize(batch) : spec
        let prediction = try model.prediction(run, batchSize: batch, chosen: chosen, placement: placement, budget: budget,
                                              curve: run.execution.tileSize == nil ? [] : candidates)
        var refusal: String?
        if prediction.peakRSSMB > budget.megabytes {
            let what = chosen ? "even with max_batch_size \(batch), the smallest, " : ""
            refusal = "\(what)predicted peak memory \(Self.megabytes(prediction.peakRSSMB)) per rank exceeds the budget of \(Self.megabytes(budget.megabytes)) (\(budget.source))"
        }
        return PlannedRun(spec: resolved, prediction: prediction, refusal: refusal)
    }

    /// The batch sizes that differ for a tiled run: 1 up to the most windows any rank holds
    /// (0, all at once, is the largest of them); [0] for an untiled run.
    func batchCandidates(_ run: RunModel) throws -> [Int] {
        guard let tiles = run.execution.tileSize else { return [0] }
        let workload = try run.dataset.workload
        let tiling = try Tiling(shape: [1] + workload.imageShape, patchSize: tiles, overlap: run.execution.overlap)
        let processes = run.execution.processes
        let most = (tiling.patches.count + processes - 1) / processes
        return Array(1...max(1, most))
    }

    /// "1234 MiB" or "12.3 GiB".
    static func megabytes(_ value: Double) -> String {
        value >= 10_240 ? "\(Double(Int(value / 1024 * 10)) / 10) GiB" : "\(Int(value.rounded())) MiB"
    }
}
