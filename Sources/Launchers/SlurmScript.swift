import Experiment
import FoundationEssentials
import Results
import SafeFiles

/// What one sbatch job of a run needs.
public struct SlurmJobRequest: Sendable, Equatable {
    /// The job's name, e.g. the run identifier.
    public var jobName: String
    /// The run folder (absolute): the script and the Slurm logs go there.
    public var folder: String
    /// Number of nodes.
    public var nodes: Int
    /// Tasks (MPI ranks) per node.
    public var tasksPerNode: Int
    /// Generic resources from the row's `slurm_gres`, e.g. `gpu:2`; nil or empty means no `--gres` line.
    public var gres: String?
    /// CPUs per task; overrides `slurm_cpus_per_task` and the additional `cpus-per-task`.
    public var cpusPerTask: Int?
    /// The argv that `srun` starts on every task, e.g. `["/abs/invscale", "worker", "/f/runspec.json", "--output", "/f"]`.
    public var workerCommand: [String]
    /// Variables exported before `srun`, written sorted by name.
    public var environment: [String: String]

    /// A request with every field given.
    public init(jobName: String, folder: String, nodes: Int = 1, tasksPerNode: Int = 1, gres: String? = nil,
                cpusPerTask: Int? = nil, workerCommand: [String], environment: [String: String] = [:]) {
        self.jobName = jobName
        self.folder = folder
        self.nodes = nodes
        self.tasksPerNode = tasksPerNode
        self.gres = gres
        self.cpusPerTask = cpusPerTask
        self.workerCommand = workerCommand
        self.environment = environment
    }
}

/// A value that cannot go into the job script, e.g. `slurm_partition: 'gpu p100' contains whitespace`.
public struct SlurmScriptError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The request property or parallel-config key at fault.
    public let field: String
    /// What was wrong.
    public let message: String

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}

/// The sbatch script that runs one job: `#SBATCH` options from the request and the parallel
/// configuration, `set -euo pipefail`, the `slurm_setup` lines, the exports, then
/// `srun --mpi=pmix` on the worker command.
public enum SlurmScript {
    /// The sbatch script text; throws when a value would break an `#SBATCH` line or the shell.
    public static func text(for request: SlurmJobRequest, config: ParallelConfig?) throws -> String {
        guard request.nodes >= 1 else { throw SlurmScriptError(field: "nodes", message: "expected at least 1, got \(request.nodes)") }
        guard request.tasksPerNode >= 1 else {
            throw SlurmScriptError(field: "tasksPerNode", message: "expected at least 1, got \(request.tasksPerNode)")
        }
        guard !request.workerCommand.isEmpty else { throw SlurmScriptError(field: "workerCommand", message: "empty") }
        let additional = config?.slurmAdditionalParameters ?? [:]
        let cpus = (request.cpusPerTask ?? config?.slurmCpusPerTask).map { "\($0)" } ?? additional["cpus-per-task"].flatMap { $0 }
        // (option, value, field named in errors); nil values are left out.
        var options: [(String, String?, String)] = [
            ("job-name", request.jobName, "jobName"),
            ("output", request.folder + "/slurm-%j.out", "folder"),
            ("error", config?.slurmStderrToStdout == true ? nil : request.folder + "/slurm-%j.err", "folder"),
            ("nodes", String(request.nodes), "nodes"),
            ("ntasks-per-node", String(request.tasksPerNode), "tasksPerNode"),
            ("time", config?.slurmTime.map { duration(minutes: $0) }, "slurm_time"),
            ("gres", request.gres == "" ? nil : request.gres, "gres"),
            ("cpus-per-task", cpus, request.cpusPerTask != nil ? "cpusPerTask"
                : config?.slurmCpusPerTask != nil ? "slurm_cpus_per_task" : "slurm_additional_parameters.cpus-per-task"),
            ("partition", config?.slurmPartition, "slurm_partition"),
            ("mem", config?.slurmMem, "slurm_mem"),
            ("gpus-per-node", config?.slurmGpusPerNode.map { "\($0)" }, "slurm_gpus_per_node"),
        ]
        let emitted = Set(options.filter { $0.1 != nil }.map(\.0))
        for (key, value) in additional.sorted(by: { $0.key < $1.key }) where !emitted.contains(key) {
            options.append((key, value, "slurm_additional_parameters.\(key)"))
        }
        var lines = ["#!/bin/bash"]
        for case let (key, value?, field) in options {
            guard !key.contains(where: \.isWhitespace), !value.contains(where: \.isWhitespace) else {
                throw SlurmScriptError(field: field, message: "'\(key)=\(value)' contains whitespace, which an #SBATCH line cannot hold")
            }
            lines.append("#SBATCH --\(key)=\(value)")
        }
        lines.append("set -euo pipefail")
        lines += config?.slurmSetup ?? []
        for (name, value) in request.environment.sorted(by: { $0.key < $1.key }) {
            guard let first = name.first, first.isASCII, first.isLetter || first == "_",
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw SlurmScriptError(field: "environment", message: "'\(name)' is not a shell variable name")
            }
            lines.append("export \(name)=\(quoted(value))")
        }
        lines.append((["srun", "--mpi=pmix"] + request.workerCommand.map(quoted)).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the script to `<folder>/job.sbatch`, creating the folder, and returns that path.
    @discardableResult
    public static func write(for request: SlurmJobRequest, config: ParallelConfig?) throws -> String {
        let script = try text(for: request, config: config)
        try FileManager.default.createDirectory(atPath: request.folder, withIntermediateDirectories: true)
        let path = RunFolder(request.folder).jobScriptFile
        try FileWriter.write(text: script, to: path)
        return path
    }

    /// Slurm's time-limit notation for `minutes`: `HH:MM:00`, or `D-HH:MM:00` from one day on.
    static func duration(minutes: Int) -> String {
        let (days, rest) = minutes.quotientAndRemainder(dividingBy: 24 * 60)
        let clock = twoDigits(rest / 60) + ":" + twoDigits(rest % 60) + ":00"
        return days > 0 ? "\(days)-\(clock)" : clock
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `word` as one shell word: unchanged when made only of `[A-Za-z0-9_/.,:=@%+-]`, else in single quotes.
    static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "_/.,:=@%+-".unicodeScalars.contains(scalar))
        }
        return safe ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
