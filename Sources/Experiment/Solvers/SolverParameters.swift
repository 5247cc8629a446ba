import Solvers

/// The parameters every solver lists besides its own, and the order of the whole list: the
/// prior's denoiser and σ, the solver's own, how the run is spread, the start, the SLURM and
/// torchrun settings, the weights, the device, the early stops, the TV denoiser's iterations and
/// the seed (the reference's order for `PnP`, so `invscale solvers` prints what it printed before).
enum SolverParameters {
    static let initMethod = ParameterSpec("init_method", .string, .string(PnPInitialisation.pseudoInverse.rawValue),
                                          "first iterate; pseudo_inverse is Aᵀy, as in the reference",
                                          choices: PnPInitialisation.allCases.map(\.rawValue))
    static let seed = ParameterSpec(SharedParameterName.seed, .int, .int(0), "seed of random weights and other random choices", bound: .nonNegative)

    /// The whole list of a solver whose own parameters are `own`.
    static func list(own: [ParameterSpec]) -> [ParameterSpec] {
        [DenoiserParameters.denoiser, DenoiserParameters.sigma] + own + [
            ExecutionParameters.distributePhysics, ExecutionParameters.distributeDenoiser, ExecutionParameters.patchSize,
            ExecutionParameters.overlap, ExecutionParameters.maxBatchSize, ExecutionParameters.memoryBudget, ExecutionParameters.tileGather, initMethod,
            ExecutionParameters.slurmNodes, ExecutionParameters.slurmTasksPerNode, ExecutionParameters.slurmGres,
            ExecutionParameters.torchrunProcesses, ExecutionParameters.namePrefix, DenoiserParameters.weights,
            ExecutionParameters.device, StoppingRule.psnrTarget, StoppingRule.patience, DenoiserParameters.tvIterations, seed,
        ]
    }
}
