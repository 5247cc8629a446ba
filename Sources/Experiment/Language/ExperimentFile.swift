import Yams

/// A benchopt-style experiment file (the reference benchmark's format, read unchanged):
///
/// ```yaml
/// objective: [reconstruction_objective]
/// dataset:
///   - tomography_2d: {img_size: 2048, num_angles: 100}
/// solver:
///   - PnP:
///       init_method: [zeros, fbp]                      # a list is a grid axis
///       slurm_gres, slurm_ntasks_per_node: [["gpu:1", 1], ["gpu:2", 2]]   # a zipped axis
/// max-runs: 100        # iterations per run (default 100)
/// n-repetitions: 1     # default 1
/// plot: true           # default true
/// html: true           # default true
/// ```
///
/// Reading checks names, types and single values; `expand()` checks the combinations.
public struct ExperimentFile: Sendable, Equatable {
    /// The top-level keys a file may use.
    public static let knownKeys = ["objective", "dataset", "solver", "max-runs", "n-repetitions", "plot", "html"]

    /// The file as the caller named it (used in errors).
    public let path: String
    /// The objectives (default: `reconstruction_objective`).
    public let objectives: [ExperimentItem]
    /// The datasets, in file order.
    public let datasets: [ExperimentItem]
    /// The solvers, in file order.
    public let solvers: [ExperimentItem]
    /// `max-runs`: iterations per run.
    public let maxRuns: Int
    /// `n-repetitions`: how many times each grid point runs.
    public let nRepetitions: Int
    /// The line of `n-repetitions`, nil when the file does not set it (for errors).
    let nRepetitionsLine: Int?
    /// `plot`: the reference's switch for its plots after the runs. Accepted and kept for
    /// compatibility; InvScale's plots are in the HTML report (`html`).
    public let plot: Bool
    /// `html`: whether `invscale run` writes the HTML report (and summary.csv) after the runs.
    public let html: Bool

    static let expected = "a mapping with keys objective, dataset and solver"

    /// Reads and checks the file at `path`: one experiment per YAML document (documents are
    /// separated by `---` lines, so one file can hold experiments whose solvers need settings of
    /// their own for each dataset).
    public static func load(path: String) throws -> [ExperimentFile] {
        try documents(yaml: try YAMLSource.read(path: path), path: path)
    }

    /// The experiments of the documents of `yaml`; `path` names the file in errors.
    public static func documents(yaml: String, path: String) throws -> [ExperimentFile] {
        let source = YAMLSource(file: path)
        return try source.documents(yaml, expected: expected).map { root in
            try ExperimentFile(nodes: source.topLevel(of: root, expected: expected, known: knownKeys), source: source, line: root.mark?.line ?? 1)
        }
    }

    /// Reads and checks `yaml`, a single document; `path` names the file in errors.
    public init(yaml: String, path: String) throws {
        let source = YAMLSource(file: path)
        try self.init(nodes: source.topLevel(yaml, expected: Self.expected, known: Self.knownKeys), source: source, line: 1)
    }

    /// The experiment of one document's top-level `nodes`, which starts at `line`.
    private init(nodes: [String: Node], source: YAMLSource, line: Int) throws {
        let path = source.file
        func items(_ kind: ComponentKind, key: String) throws -> [ExperimentItem]? {
            guard let node = nodes[key] else { return nil }
            let elements = try source.sequence(node, key, expected: "a list of \(kind.rawValue) names or 'name: {parameters}' mappings")
            guard !elements.isEmpty else { throw source.fail(node, key, "empty list; expected at least one \(kind.rawValue)") }
            return try elements.map { try ExperimentItem($0, kind: kind, source: source) }
        }
        func required(_ kind: ComponentKind, key: String) throws -> [ExperimentItem] {
            guard let found = try items(kind, key: key) else {
                let names = ParameterCatalog.components(kind).map(\.name).joined(separator: ", ")
                throw ConfigError(file: path, line: line, field: key, "missing; expected a list of \(kind.rawValue)s (\(names))")
            }
            return found
        }
        self.path = path
        objectives = try items(.objective, key: "objective")
            ?? [ExperimentItem(name: "reconstruction_objective", kind: .objective, line: line, axes: [])]
        datasets = try required(.dataset, key: "dataset")
        solvers = try required(.solver, key: "solver")
        maxRuns = try nodes["max-runs"].map { try source.int($0, "max-runs", minimum: 1) } ?? 100
        nRepetitions = try nodes["n-repetitions"].map { try source.int($0, "n-repetitions", minimum: 1) } ?? 1
        nRepetitionsLine = nodes["n-repetitions"]?.mark?.line
        plot = try nodes["plot"].map { try source.bool($0, "plot") } ?? true
        html = try nodes["html"].map { try source.bool($0, "html") } ?? true
    }
}
