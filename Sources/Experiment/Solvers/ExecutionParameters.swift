import Denoisers

/// The parameters every solver shares on how a run is spread: processes (the reference's SLURM
/// and torchrun keys), which parts are distributed, the denoiser's tiles and batches, and the
/// device. Declared here once; each solver lists them among its own (`PnPRun.component`).
public struct ExecutionParameters: Sendable {
    static let distributePhysics = ParameterSpec("distribute_physics", .bool, .bool(false), "split the operators across the processes")
    static let distributeDenoiser = ParameterSpec("distribute_denoiser", .bool, .bool(false),
                                                  "split the denoiser into tiles across the processes")
    static let patchSize = ParameterSpec("patch_size", .intOrIntList, .int(128), "tile side, or one per dimension; 0 = whole image",
                                         bound: .nonNegative)
    static let overlap = ParameterSpec("overlap", .intOrIntList, .int(32), "tile overlap, or one per dimension", bound: .nonNegative)
    static let maxBatchSize = ParameterSpec("max_batch_size", .intOrAuto, .int(0),
                                            "tiles denoised per batch; 0 = all at once; auto = the fastest predicted to fit memory_budget_mb",
                                            bound: .nonNegative)
    static let memoryBudget = ParameterSpec("memory_budget_mb", .floatOrNull, .null,
                                            "memory per rank the planner checks the run against, MiB; null = the node's memory / ranks per node, less 15 %",
                                            bound: .positive)
    static let tileGather = ParameterSpec(
        "tile_gather", .string, .string(TileGather.crops.rawValue),
        "how ranks share denoised tiles: crops (all-gather of the kept parts) or all_reduce (the reference's)",
        choices: TileGather.allCases.map(\.rawValue))
    static let slurmNodes = ParameterSpec("slurm_nodes", .int, .int(1), "SLURM nodes", bound: .positive,
                                          maximum: RunSpec.maxParameterProcesses)
    static let slurmTasksPerNode = ParameterSpec("slurm_ntasks_per_node", .int, .int(1), "processes per node", bound: .positive,
                                                 maximum: RunSpec.maxParameterProcesses)
    static let slurmGres = ParameterSpec("slurm_gres", .string, .string("gpu:1"),
                                         "SLURM generic resources; gpu:N or gpu:TYPE:N needs slurm_ntasks_per_node = N")
    static let torchrunProcesses = ParameterSpec("torchrun_nproc_per_node", .int, .int(1),
                                                 "processes started by torchrun (used when > 1)", bound: .positive,
                                                 maximum: RunSpec.maxParameterProcesses)
    static let namePrefix = ParameterSpec("name_prefix", .string, .string("pnp"), "prefix of the run name")
    /// The device InvScale computes on; `cuda` is accepted in files and refused at run time.
    static let cpu = "cpu"
    static let device = ParameterSpec("device", .string, .string(cpu), "where to compute", choices: [cpu, "cuda"])

    /// The parameters that say only how a run is spread over processes: runs that differ in
    /// these alone form one family (the report's strong-scaling plot).
    public static let spreading: Set<String> = Set([slurmTasksPerNode, slurmNodes, slurmGres, torchrunProcesses,
                                                    distributePhysics, distributeDenoiser].map(\.name))

    /// The tiling parameters' names (`patch_size`, `overlap`, `max_batch_size`), for tables.
    public static let tilingNames = [patchSize, overlap, maxBatchSize].map(\.name)
    /// `max_batch_size`'s name, for the planner's messages.
    public static let maxBatchSizeName = maxBatchSize.name

    public let distributePhysics: Bool
    public let distributeDenoiser: Bool
    /// Tile sides and overlaps per dimension (one entry for all dimensions); `[0]` = no tiles.
    public let patchSize: [Int]
    public let overlap: [Int]
    /// Windows per denoiser call (0: all of a rank's); nil for `auto`, which the planner resolves
    /// before the run starts (`RunSpec.withBatchSize`).
    public let maxBatchSize: Int?
    /// `memory_budget_mb`, MiB; nil: the planner's default.
    public let memoryBudgetMB: Double?
    public let tileGather: TileGather
    public let slurmNodes: Int
    public let slurmTasksPerNode: Int
    public let slurmGres: String
    public let torchrunProcesses: Int
    public let device: String

    /// The typed values of a run's solver parameters.
    public init(_ parameters: ParameterSet) throws(RunModelError) {
        distributePhysics = try parameters.bool(Self.distributePhysics)
        distributeDenoiser = try parameters.bool(Self.distributeDenoiser)
        patchSize = try parameters.intList(Self.patchSize)
        overlap = try parameters.intList(Self.overlap)
        maxBatchSize = parameters.value(Self.maxBatchSize) == .string(ParameterType.auto) ? nil : try parameters.int(Self.maxBatchSize)
        memoryBudgetMB = try parameters.optionalDouble(Self.memoryBudget)
        tileGather = try parameters.choice(Self.tileGather, as: TileGather.self)
        slurmNodes = try parameters.int(Self.slurmNodes)
        slurmTasksPerNode = try parameters.int(Self.slurmTasksPerNode)
        slurmGres = try parameters.string(Self.slurmGres)
        torchrunProcesses = try parameters.int(Self.torchrunProcesses)
        device = try parameters.string(Self.device)
    }

    /// Whether the run computes on the CPU (the only device built).
    public var isOnCPU: Bool { device == Self.cpu }

    /// The tile size per dimension when the denoiser is distributed in tiles
    /// (`distribute_denoiser` and `patch_size` > 0); nil otherwise.
    public var tileSize: [Int]? { distributeDenoiser && patchSize != [0] ? patchSize : nil }

    /// Processes the run needs: `torchrun_nproc_per_node` when above 1, else
    /// `slurm_ntasks_per_node × slurm_nodes`; `Int.max` when that product overflows (possible only
    /// for a run read back from JSON, since files bound each factor).
    public var processes: Int {
        if torchrunProcesses > 1 { return torchrunProcesses }
        let (product, overflow) = slurmTasksPerNode.multipliedReportingOverflow(by: slurmNodes)
        return overflow ? .max : product
    }

    /// How `processes` is made, for messages: the parameter to blame and "torchrun_nproc_per_node
    /// 8" or "slurm_nodes 4 × slurm_ntasks_per_node 2".
    var processSource: (field: String, text: String) {
        let torchrun = Self.torchrunProcesses.name, nodes = Self.slurmNodes.name, tasks = Self.slurmTasksPerNode.name
        if torchrunProcesses > 1 { return (torchrun, "\(torchrun) \(torchrunProcesses)") }
        return (slurmNodes >= slurmTasksPerNode ? nodes : tasks, "\(nodes) \(slurmNodes) × \(tasks) \(slurmTasksPerNode)")
    }
}
