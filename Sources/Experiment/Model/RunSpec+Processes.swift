extension RunSpec {
    /// The most processes a run may need unless `invscale run --max-processes N` raises the limit
    /// (`ExperimentFile.expand(maxProcesses:)`).
    public static let defaultMaxProcesses = 1024
    /// The largest value of each process-count parameter (`slurm_nodes`, `slurm_ntasks_per_node`,
    /// `torchrun_nproc_per_node`), so that their product cannot overflow.
    public static let maxParameterProcesses = 65_536

    /// Processes the run needs (`ExecutionParameters.processes`; 1 when the parameters cannot be
    /// read).
    public var processes: Int { execution?.processes ?? 1 }

    /// Iterations the run will do at most: `max-runs`, or fewer for a solver of a fixed length
    /// (DPIR's schedule), as progress lines count them.
    public var plannedIterations: Int {
        let solver = ParameterCatalog.solverRun(named: self.solver).flatMap { try? $0.init(ParameterSet(solverParameters)) }
        return min(maxIterations, solver?.iterationLimit ?? maxIterations)
    }
}

extension RunSpec {
    /// This run with `max_batch_size` set to `size` (the planner's choice for `auto`).
    public func withBatchSize(_ size: Int) -> RunSpec {
        var parameters = solverParameters
        parameters[ExecutionParameters.maxBatchSizeName] = .int(size)
        return RunSpec(index: index, repetition: repetition, objective: objective, dataset: dataset,
                       datasetParameters: datasetParameters, solver: solver, solverParameters: parameters, maxIterations: maxIterations)
    }
}
