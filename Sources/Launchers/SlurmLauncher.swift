import Experiment
import FoundationEssentials
import Processes
import Results
import Runner
#if canImport(Glibc)
import Glibc
#endif

/// Runs a run as one SLURM job: writes `job.sbatch` into the run folder (options from the row and
/// the parallel configuration, `srun --mpi=pmix invscale worker …`), submits it with `sbatch`,
/// records the job id in `run.json`, and follows it with `squeue` (then `sacct` where accounting
/// is on) until it ends. A CPU run asks for no GPUs: the row's `slurm_gres` is used only when the
/// run's device is not the CPU.
enum SlurmLauncher {
    /// The job request of `spec`.
    static func request(_ spec: RunSpec, folder: RunFolder, options: LaunchOptions) -> (SlurmJobRequest, threads: Int) {
        let config = options.parallelConfig
        let configuredCPUs = config?.slurmCpusPerTask ?? config?.slurmAdditionalParameters["cpus-per-task"].flatMap { $0 }.flatMap { Int($0) }
        let threads = options.threads ?? configuredCPUs ?? 1
        let execution = spec.execution
        let nodes = max(1, execution?.slurmNodes ?? 1)
        let request = SlurmJobRequest(
            jobName: spec.identifier, folder: folder.path, nodes: nodes, tasksPerNode: spec.processes / nodes,
            gres: execution?.isOnCPU == false ? execution?.slurmGres : nil,
            cpusPerTask: options.threads,
            workerCommand: MultiProcessLauncher.workerCommand(spec: spec, folder: folder, executable: options.executable, threads: threads),
            environment: ["OMPI_MCA_btl_vader_single_copy_mechanism": "none"])
        return (request, threads)
    }

    /// Submits and follows `spec`; returns its record (nil on a dry run).
    static func run(_ spec: RunSpec, folder: RunFolder, options: LaunchOptions, log: (String, LogKind) -> Void) throws -> RunRecord? {
        try MultiProcessLauncher.prepare(spec, folder: folder)
        let (request, _) = request(spec, folder: folder, options: options)
        let script = try SlurmScript.write(for: request, config: options.parallelConfig)
        guard !options.dryRun else {
            log("  dry run: wrote \(script) (submit it with: sbatch \(script))", .info)
            return nil
        }
        let submitted = try ChildProcess.capture(["sbatch", "--parsable", script])
        let jobID = submitted.output.split(whereSeparator: \.isNewline).last.map { String($0.split(separator: ";")[0]) } ?? ""
        guard submitted.status == 0, !jobID.isEmpty, jobID.allSatisfy(\.isNumber) else {
            throw LaunchError("sbatch \(script) failed (status \(submitted.status)): \(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var record = RunRecord(spec: spec)
        (record.launcher, record.slurmJobID, record.processes) = ("slurm", jobID, spec.processes)
        try record.writePublishingEmergencyCopies(to: folder.recordFile)
        log("  submitted SLURM job \(jobID) (\(script)); following it with squeue", .info)
        var lastState = ""
        let end = MultiProcessLauncher.follow(spec, folder: folder, pollSeconds: 1, stallFloor: options.stallFloorSeconds, log: log, jobEnded: {
            let state = queueState(jobID)
            if let state, state != lastState {
                log("  job \(jobID): \(state)", .info)
                lastState = state
            }
            return state == nil ? 0 : nil
        }, interrupt: {
            _ = try? ChildProcess.capture(["scancel", "--signal=TERM", jobID])
        }, kill: {
            _ = try? ChildProcess.capture(["scancel", jobID])
        })
        let accounting = finalState(jobID)
        let succeeded = accounting.map { $0.hasPrefix("COMPLETED") } ?? true
        let logPath = folder.path + "/slurm-\(jobID).out"
        return MultiProcessLauncher.finish(spec, folder: folder, launcher: "slurm",
                                           exitDescription: "SLURM job \(jobID) ended \(accounting ?? "(no accounting)")",
                                           end: .init(status: succeeded ? 0 : 1, failure: end.failure), jobID: jobID, logFile: logPath)
    }

    /// The job's state in the queue (PENDING, RUNNING, COMPLETING …), nil once it has left it.
    static func queueState(_ jobID: String) -> String? {
        guard let result = try? ChildProcess.capture(["squeue", "-h", "-j", jobID, "-o", "%T"]), result.status == 0 else { return nil }
        let state = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return state.isEmpty ? nil : state
    }

    /// "STATE EXITCODE" from sacct, nil where accounting is off.
    static func finalState(_ jobID: String) -> String? {
        guard let result = try? ChildProcess.capture(["sacct", "-n", "-X", "-P", "-j", jobID, "-o", "State,ExitCode"]),
              result.status == 0 else { return nil }
        let line = result.output.split(whereSeparator: \.isNewline).first.map { $0.replacing("|", with: " ") }
        return line.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }
}
