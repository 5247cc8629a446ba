extension RunSpec {
    /// The most processes a run may need unless `invscale run --max-processes N` raises the limit
    /// (`ExperimentFile.expand(maxProcesses:)`).
    public static let defaultMaxProcesses = 1024
    /// The largest value of each process-count parameter (`slurm_nodes`, `slurm_ntasks_per_node`,
    /// `torchrun_nproc_per_node`), so that their product cannot overflow.
    public static let maxParameterProcesses = 65_536

    /// Processes the run needs: `torchrun_nproc_per_node` when above 1, else
    /// `slurm_ntasks_per_node × slurm_nodes`; `Int.max` when that product overflows (possible only
    /// for a run read back from JSON, since files bound each factor).
    public var processes: Int {
        let (torchrun, nodes, tasks) = processFactors
        if torchrun > 1 { return torchrun }
        let (product, overflow) = tasks.multipliedReportingOverflow(by: nodes)
        return overflow ? .max : product
    }

    /// How `processes` is made, for messages: "torchrun_nproc_per_node 8" or
    /// "slurm_nodes 4 × slurm_ntasks_per_node 2".
    var processSource: (field: String, text: String) {
        let (torchrun, nodes, tasks) = processFactors
        if torchrun > 1 { return ("torchrun_nproc_per_node", "torchrun_nproc_per_node \(torchrun)") }
        return (nodes >= tasks ? "slurm_nodes" : "slurm_ntasks_per_node", "slurm_nodes \(nodes) × slurm_ntasks_per_node \(tasks)")
    }

    /// The three parameters that set the process count (1 when absent).
    private var processFactors: (torchrun: Int, nodes: Int, tasks: Int) {
        (solverParameter("torchrun_nproc_per_node")?.intValue ?? 1, solverParameter("slurm_nodes")?.intValue ?? 1,
         solverParameter("slurm_ntasks_per_node")?.intValue ?? 1)
    }
}
