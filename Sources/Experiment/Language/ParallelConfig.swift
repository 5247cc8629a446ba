import Yams

/// A benchopt parallel-configuration file (`config_parallel.yml`): how runs are launched.
///
/// ```yaml
/// backend: submitit
/// slurm_time: 30                    # minutes
/// slurm_stderr_to_stdout: True
/// slurm_additional_parameters: {qos: qos_gpu-dev, account: }   # a null value is kept as absent
/// slurm_setup: [module purge, export NCCL_DEBUG=INFO]
/// ```
public struct ParallelConfig: Sendable, Equatable, Codable {
    /// The accepted backends: `submitit` (the reference's SLURM backend) and `slurm` run each row
    /// as a SLURM job, `mpirun` with mpirun, `local` in this process only.
    public static let backends = ["submitit", "mpirun", "local", "slurm"]
    /// benchopt backends InvScale does not offer, and why.
    public static let refusedBackends = [
        "loky": "runs several runs at once in one Python process pool; InvScale runs one run at a time, each on its own processes",
        "dask": "spreads runs over a dask cluster; InvScale spreads one run's processes with mpirun or SLURM instead",
    ]
    /// The largest `slurm_time`: one year, in minutes.
    public static let maxMinutes = 525_600
    /// The largest `slurm_gpus_per_node` and `slurm_cpus_per_task`.
    public static let maxPerNode = 65_536
    /// The keys a file may use.
    public static let knownKeys = ["backend", "slurm_time", "slurm_stderr_to_stdout", "slurm_additional_parameters",
                                   "slurm_setup", "slurm_partition", "slurm_gpus_per_node", "slurm_cpus_per_task", "slurm_mem"]

    /// How runs are launched: one of `backends`.
    public let backend: String
    /// Job time limit in minutes.
    public let slurmTime: Int?
    /// Whether stderr goes to the stdout log (default false).
    public let slurmStderrToStdout: Bool
    /// Extra `#SBATCH --key=value` options; a nil value (`account:` left empty) means "not set".
    public let slurmAdditionalParameters: [String: String?]
    /// Shell commands run before each job, in order.
    public let slurmSetup: [String]
    /// SLURM partition.
    public let slurmPartition: String?
    /// GPUs per node.
    public let slurmGpusPerNode: Int?
    /// CPUs per task.
    public let slurmCpusPerTask: Int?
    /// Memory per node, in SLURM's notation (`32G`).
    public let slurmMem: String?

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws -> ParallelConfig {
        try ParallelConfig(yaml: try YAMLSource.read(path: path), path: path)
    }

    /// Reads and checks `yaml`; `path` names the file in errors.
    public init(yaml: String, path: String) throws {
        let source = YAMLSource(file: path)
        let nodes = try source.topLevel(yaml, expected: "a mapping with a backend key", known: Self.knownKeys)
        guard let backendNode = nodes["backend"] else {
            throw ConfigError(file: path, line: 1, field: "backend", "missing; expected one of \(Self.backends.joined(separator: ", "))")
        }
        backend = try source.text(backendNode, "backend")
        if let reason = Self.refusedBackends[backend] {
            throw source.fail(backendNode, "backend", "'\(backend)' is not supported: benchopt's \(backend) backend \(reason); expected one of \(Self.backends.joined(separator: ", "))")
        }
        guard Self.backends.contains(backend) else {
            throw source.fail(backendNode, "backend", "expected one of \(Self.backends.joined(separator: ", ")), got '\(backend)'"
                              + Suggestion.didYouMean(backend, among: Self.backends))
        }
        slurmTime = try nodes["slurm_time"].map { try source.int($0, "slurm_time", minimum: 1, maximum: Self.maxMinutes) }
        slurmStderrToStdout = try nodes["slurm_stderr_to_stdout"].map { try source.bool($0, "slurm_stderr_to_stdout") } ?? false
        slurmAdditionalParameters = try nodes["slurm_additional_parameters"].map { node in
            guard node.tagName != .null else { return [:] }
            guard let mapping = node.mapping else {
                throw source.fail(node, "slurm_additional_parameters", "expected a mapping of sbatch options, got \(source.describe(node))")
            }
            return try mapping.reduce(into: [String: String?]()) { options, entry in
                let key = try source.key(entry.key, field: "slurm_additional_parameters")
                let field = "slurm_additional_parameters.\(key)"
                options[key] = entry.value.tagName == .null ? .some(nil) : try source.text(entry.value, field)
            }
        } ?? [:]
        slurmSetup = try nodes["slurm_setup"].map { node in
            try source.sequence(node, "slurm_setup", expected: "a list of shell commands").map { try source.text($0, "slurm_setup") }
        } ?? []
        slurmPartition = try nodes["slurm_partition"].map { try source.text($0, "slurm_partition") }
        slurmGpusPerNode = try nodes["slurm_gpus_per_node"].map { try source.int($0, "slurm_gpus_per_node", minimum: 1, maximum: Self.maxPerNode) }
        slurmCpusPerTask = try nodes["slurm_cpus_per_task"].map { try source.int($0, "slurm_cpus_per_task", minimum: 1, maximum: Self.maxPerNode) }
        slurmMem = try nodes["slurm_mem"].map { try source.text($0, "slurm_mem") }
    }

    private enum CodingKeys: String, CodingKey {
        case backend
        case slurmTime = "slurm_time", slurmStderrToStdout = "slurm_stderr_to_stdout"
        case slurmAdditionalParameters = "slurm_additional_parameters", slurmSetup = "slurm_setup"
        case slurmPartition = "slurm_partition", slurmGpusPerNode = "slurm_gpus_per_node"
        case slurmCpusPerTask = "slurm_cpus_per_task", slurmMem = "slurm_mem"
    }
}
