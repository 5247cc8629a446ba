import Communication

/// A run's description decoded once into typed values: its dataset's (`DatasetRun`), its
/// solver's (`SolverRun`), how it is spread (`ExecutionParameters`) and when it stops early.
public struct RunModel {
    public let spec: RunSpec
    public let dataset: any DatasetRun
    public let solver: any SolverRun
    public let execution: ExecutionParameters
    public let stopping: StoppingRule

    /// Decodes `spec`; throws a `RunModelError` for a dataset or solver that is not declared or
    /// a value its declaration refuses, and the dataset's own errors.
    public init(_ spec: RunSpec) throws {
        guard let datasetType = ParameterCatalog.datasetRun(named: spec.dataset) else {
            throw RunModelError.notBuilt("dataset \(spec.dataset)")
        }
        guard let solverType = ParameterCatalog.solverRun(named: spec.solver) else {
            throw RunModelError.notBuilt("solver \(spec.solver)")
        }
        self.spec = spec
        let solverValues = ParameterSet(spec.solverParameters)
        execution = try ExecutionParameters(solverValues)
        solver = try solverType.init(solverValues)
        stopping = try StoppingRule(solverValues)
        dataset = try datasetType.init(ParameterSet(spec.datasetParameters))
    }

    /// This rank's part of the dataset.
    public func makeData(communicator: any Communicator) throws -> RunData {
        try dataset.makeData(communicator: communicator,
                             distributePhysics: execution.distributePhysics && communicator.size > 1)
    }
}
