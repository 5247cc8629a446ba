import FoundationEssentials
import Tensor
import Report
#if canImport(Glibc)
import Glibc
#endif

/// Starts a run that needs several processes (`mpirun`, or one `sbatch` job) and follows it to its
/// end: progress from rank 0's CSV, Ctrl-C forwarded as SIGTERM to every rank (they stop together
/// after the current iteration), and a watchdog that kills the job 10 s after a rank reported an
/// error if it has not ended by itself. When the job ends without rank 0 closing `run.json`, the
/// launcher marks the run failed with the ranks' errors.
enum MultiProcessLauncher {
    /// Seconds between a rank's error report and the watchdog's SIGKILL of the job.
    static let watchdogSeconds = 10.0

    /// The `mpirun` command of a run, the environment it adds, and the threads per rank.
    static func mpirunCommand(spec: RunSpec, folder: RunFolder, options: LaunchOptions) -> (arguments: [String], environment: [String: String], threads: Int) {
        let processes = spec.processes, cores = ThreadPool.onlineCores()
        let threads = options.threads ?? max(1, cores / processes)
        var arguments = ["mpirun", "-np", "\(processes)"]
        if geteuid() == 0 { arguments.append("--allow-run-as-root") }
        if processes > cores { arguments.append("--oversubscribe") }
        // Our own thread pool does the binding-free parallelism; vader's single-copy (CMA) needs
        // ptrace rights that containers often withhold, and is no faster here (machine.md §4).
        arguments += ["--bind-to", "none"]
        var environment: [String: String] = [:]
        if ProcessInfo.processInfo.environment["OMPI_MCA_btl_vader_single_copy_mechanism"] == nil {
            environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        }
        arguments += workerCommand(spec: spec, folder: folder, executable: options.executable, threads: threads)
        return (arguments, environment, threads)
    }

    /// `invscale worker RUNSPEC --output FOLDER --threads T`.
    static func workerCommand(spec: RunSpec, folder: RunFolder, executable: String, threads: Int) -> [String] {
        [executable, "worker", folder.specFile, "--output", folder.path, "--threads", "\(threads)"]
    }

    /// Runs `spec` with mpirun in `folder`; returns its record (nil on a dry run).
    static func runWithMpirun(_ spec: RunSpec, folder: RunFolder, options: LaunchOptions,
                              log: (String, Bool) -> Void) throws -> RunRecordFile? {
        let command = mpirunCommand(spec: spec, folder: folder, options: options)
        if spec.processes > ThreadPool.onlineCores() {
            log("  warning: \(spec.processes) processes on \(ThreadPool.onlineCores()) cores: mpirun --oversubscribe (slower than the cores allow)", false)
        }
        try prepare(spec, folder: folder)
        let printable = command.environment.map { "\($0.key)=\($0.value) " }.sorted().joined() + command.arguments.joined(separator: " ")
        guard !options.dryRun else {
            log("  dry run: \(printable)", false)
            return nil
        }
        log("  \(printable)  (\(command.threads) thread\(command.threads == 1 ? "" : "s") per rank, log \(folder.logFile))", false)
        let child = try ChildProcess(command.arguments, environment: command.environment, outputFile: folder.logFile)
        let status = follow(spec, folder: folder, log: log, jobEnded: { child.poll() },
                            interrupt: { signalRanks(folder, spec: spec) }, kill: { child.signalGroup(SIGKILL) })
        return finish(spec, folder: folder, launcher: "mpirun", exitDescription: "mpirun exited with status \(status)", succeeded: status == 0)
    }

    /// Writes the spec for the workers and clears the rank files of an earlier attempt.
    static func prepare(_ spec: RunSpec, folder: RunFolder) throws {
        try folder.writeSpec(spec)
        folder.clearRankFiles()
        try? FileManager.default.removeItem(atPath: folder.path + "/" + PnPRunner.metricsFile(rank: 0))
    }

    /// SIGTERM to every rank that recorded its process id (they agree to stop after the iteration).
    static func signalRanks(_ folder: RunFolder, spec: RunSpec) {
        for pid in folder.rankProcessIDs(processes: spec.processes) { kill(pid, SIGTERM) }
    }

    /// Polls until `jobEnded` returns a status, printing progress; forwards an interruption once
    /// and kills the job when a rank has reported an error and the job lingers.
    static func follow(_ spec: RunSpec, folder: RunFolder, pollSeconds: Double = 0.25, log: (String, Bool) -> Void,
                       jobEnded: () -> Int32?, interrupt: () -> Void, kill: () -> Void) -> Int32 {
        var progress = ProgressFollower(folder: folder)
        var forwarded = false
        var errorSeen: Double?
        while true {
            for row in progress.newRows() { log(ProgressLine.text(row, maxIterations: spec.maxIterations), row.iteration < spec.maxIterations) }
            if let status = jobEnded() {
                for row in progress.newRows() { log(ProgressLine.text(row, maxIterations: spec.maxIterations), false) }
                return status
            }
            if Interruption.received != nil, !forwarded {
                interrupt()
                forwarded = true
            }
            if errorSeen == nil, !folder.rankErrors(processes: spec.processes).isEmpty { errorSeen = Stopwatch.now() }
            if let seen = errorSeen, Stopwatch.now() - seen > watchdogSeconds {
                log("  a rank failed and the job did not end within \(Int(watchdogSeconds)) s: killing it", false)
                kill()
                errorSeen = Stopwatch.now()
            }
            usleep(useconds_t(pollSeconds * 1_000_000))
        }
    }

    /// The run's record once the job has ended: rank 0's own when it closed it, else (a rank
    /// died, the world was wrong, the job never started) a record marked failed with the ranks'
    /// errors, or `exitDescription` and the end of the log when no rank said anything.
    static func finish(_ spec: RunSpec, folder: RunFolder, launcher: String, exitDescription: String,
                       succeeded: Bool, jobID: String? = nil, logFile: String? = nil) -> RunRecordFile {
        var record = RunRecordFile.read(from: folder.recordFile) ?? RunRecordFile(spec: spec)
        record.launcher = launcher
        record.slurm_job_id = record.slurm_job_id ?? jobID
        let closedByRankZero = succeeded && (record.status == .finished || record.status == .interrupted)
        let failureRecorded = record.status == .failed && record.error != nil
        if !closedByRankZero && !failureRecorded {
            record.status = .failed
            let errors = folder.rankErrors(processes: spec.processes)
            record.error = errors.isEmpty ? "\(exitDescription); \(logTail(logFile ?? folder.logFile))" : errors.joined(separator: "; ")
            record.finished = Date.now.ISO8601Format()
        }
        try? record.write(to: folder.recordFile)
        return record
    }

    /// The last lines of the job's log, for an error message.
    static func logTail(_ path: String, lines: Int = 6) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(lines).joined(separator: " | ")
        return tail.isEmpty ? "no output in \(path)" : "end of \(path): \(tail)"
    }
}
