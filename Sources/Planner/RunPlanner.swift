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
        // Every candidate's ranks at once (the requested batch among them when it is one).
        let requested = run.execution.maxBatchSize
        let sizes = candidates + (requested.map { candidates.contains($0) ? [] : [$0] } ?? [])
        let costs = Dictionary(uniqueKeysWithValues: zip(sizes, try model.ranks(run, batchSizes: sizes, placement: placement)))
        let options = candidates.map { (size: $0, summary: RunCostModel.Summary(costs[$0]!)) }
        var batch = requested ?? 0
        if requested == nil {
            let fitting = options.filter { $0.summary.peakMB <= budget.megabytes }
            let best = fitting.min { a, b in
                a.summary.iterationS != b.summary.iterationS ? a.summary.iterationS < b.summary.iterationS
                    : a.summary.peakMB < b.summary.peakMB
            }
            batch = best?.size ?? candidates.first ?? 0
        }
        let chosen = requested == nil
        let resolved = chosen ? spec.withBatchSize(batch) : spec
        let prediction = model.prediction(costs[batch]!, batchSize: batch, chosen: chosen, budget: budget,
                                          curve: run.execution.tileSize == nil ? [] : options)
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
