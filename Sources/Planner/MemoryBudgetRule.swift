import Experiment

/// The memory a rank of a run may use: `memory_budget_mb` when the run sets it, else the node's
/// memory shared by the ranks on the node, less 15 %. The margin is the model's own accuracy
/// bound (±15 % of the measured peak, docs/planner.md): a run predicted to fill 85 % of its
/// share stays within the share when the prediction is that much short. The page cache, the
/// system and other users' processes are what the rest of the node's memory is for.
public enum MemoryBudgetRule {
    /// The share of a rank's memory the planner lets it predict to use.
    public static let usableShare = 0.85

    /// A budget in MiB and where it comes from, for messages.
    public struct Budget: Sendable, Equatable {
        public let megabytes: Double
        public let source: String
    }

    /// The budget of one rank of `model` on `profile`'s node with `ranksPerNode` ranks on it.
    public static func budget(_ model: RunModel, profile: MachineProfile, ranksPerNode: Int) -> Budget {
        if let set = model.execution.memoryBudgetMB { return Budget(megabytes: set, source: "memory_budget_mb") }
        let share = profile.memoryMB / Double(max(1, ranksPerNode))
        let ranks = ranksPerNode == 1 ? "" : " / \(ranksPerNode) ranks"
        return Budget(megabytes: share * usableShare,
                      source: "node memory \(Int(profile.memoryMB.rounded())) MiB\(ranks), less 15 %")
    }
}
