/// One run of an experiment: an objective, a dataset and a solver with every parameter set
/// (defaults filled in from `ParameterCatalog`), a number of iterations and a repetition.
///
/// JSON keys are snake_case (`dataset_parameters`, `max_iterations`); decoding puts each known
/// parameter back into its catalog type, so a run read back equals the run written.
public struct RunSpec: Sendable, Equatable, Codable {
    /// Position in the expanded experiment, from 0.
    public let index: Int
    /// Which repetition of its grid point this is, from 0.
    public let repetition: Int
    /// The objective's name.
    public let objective: String
    /// The dataset's name.
    public let dataset: String
    /// Every dataset parameter: the file's values, then the catalog defaults.
    public let datasetParameters: [String: ParameterValue]
    /// The solver's name.
    public let solver: String
    /// Every solver parameter, including the SLURM and torchrun keys.
    public let solverParameters: [String: ParameterValue]
    /// Iterations to run (`max-runs`).
    public let maxIterations: Int

    /// A run; parameters the catalog knows are stored in their canonical type.
    public init(index: Int, repetition: Int, objective: String, dataset: String, datasetParameters: [String: ParameterValue],
                solver: String, solverParameters: [String: ParameterValue], maxIterations: Int) {
        self.index = index
        self.repetition = repetition
        self.objective = objective
        self.dataset = dataset
        self.datasetParameters = RunSpec.canonical(datasetParameters, of: ParameterCatalog.component(.dataset, named: dataset))
        self.solver = solver
        self.solverParameters = RunSpec.canonical(solverParameters, of: ParameterCatalog.component(.solver, named: solver))
        self.maxIterations = maxIterations
    }

    /// This run with `iterations` iterations instead (its identifier changes with it).
    public func withMaxIterations(_ iterations: Int) -> RunSpec {
        RunSpec(index: index, repetition: repetition, objective: objective, dataset: dataset,
                datasetParameters: datasetParameters, solver: solver, solverParameters: solverParameters,
                maxIterations: iterations)
    }

    private enum CodingKeys: String, CodingKey {
        case index, repetition, objective, dataset, solver
        case datasetParameters = "dataset_parameters", solverParameters = "solver_parameters"
        case maxIterations = "max_iterations"
    }

    /// Reads a run written by `encode(to:)`; a record that leaves out the index, the repetition or
    /// the objective (hand-written, or older) gets 0, 0 and the reconstruction objective.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(index: try container.decodeIfPresent(Int.self, forKey: .index) ?? 0,
                  repetition: try container.decodeIfPresent(Int.self, forKey: .repetition) ?? 0,
                  objective: try container.decodeIfPresent(String.self, forKey: .objective)
                      ?? ParameterCatalog.objectives[0].name,
                  dataset: try container.decode(String.self, forKey: .dataset),
                  datasetParameters: try container.decode([String: ParameterValue].self, forKey: .datasetParameters),
                  solver: try container.decode(String.self, forKey: .solver),
                  solverParameters: try container.decode([String: ParameterValue].self, forKey: .solverParameters),
                  maxIterations: try container.decode(Int.self, forKey: .maxIterations))
    }

    /// `parameters` with each value the catalog entry knows in its canonical type (`2` → `2.0`
    /// for a float parameter); other values unchanged.
    private static func canonical(_ parameters: [String: ParameterValue], of spec: ComponentSpec?) -> [String: ParameterValue] {
        parameters.reduce(into: [:]) { result, entry in
            result[entry.key] = spec?.parameter(named: entry.key).flatMap { $0.type.accept(entry.value) } ?? entry.value
        }
    }
}
