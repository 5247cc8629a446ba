import CProcessControl
import Experiment
import FoundationEssentials
import Measurement
import Processes
import Results
import Runner
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Starts a run that needs several processes (`mpirun`, or one `sbatch` job) and follows it to its
/// end: progress from rank 0's CSV, Ctrl-C forwarded as SIGTERM to every rank (they stop together
/// after the current iteration), a watchdog that kills the job 10 s after a rank reported an
/// error if it has not ended by itself, and a `StallWatch` that kills it when a rank stops
/// making progress. The ranks end by themselves when this process ends (`RankHeartbeat`). When
/// the job ends without rank 0 closing `run.json`, the launcher marks the run failed with the
/// ranks' errors.
public enum MultiProcessLauncher {
    /// Seconds between a rank's error report and the watchdog's SIGKILL of the job.
    static let watchdogSeconds = 10.0

    /// The `mpirun` command of a run, the environment it adds, and the threads per rank.
    static func mpirunCommand(spec: RunSpec, folder: RunFolder, options: LaunchOptions) -> (arguments: [String], environment: [String: String], threads: Int) {
        let processes = spec.processes, cores = ThreadPool.onlineCores()
        let threads = options.threads ?? max(1, cores / processes)
        var (arguments, environment) = mpirunPrefix(processes: processes)
        environment[RankHeartbeat.environmentVariable] = RankHeartbeat.currentLauncher
        arguments += workerCommand(spec: spec, folder: folder, executable: options.executable, threads: threads)
        return (arguments, environment, threads)
    }

    /// `mpirun -np P` with our options, before the program: root allowed, oversubscription when
    /// P exceeds the cores, no binding; vader's single-copy mechanism off in the environment.
    public static func mpirunPrefix(processes: Int) -> (arguments: [String], environment: [String: String]) {
        var arguments = ["mpirun", "-np", "\(processes)"]
        if geteuid() == 0 { arguments.append("--allow-run-as-root") }
        if processes > ThreadPool.onlineCores() { arguments.append("--oversubscribe") }
        // Our own thread pool does the binding-free parallelism; vader's single-copy (CMA) needs
        // ptrace rights that containers often withhold, and is no faster here (machine.md §4).
        arguments += ["--bind-to", "none"]
        var environment: [String: String] = [:]
        if ProcessInfo.processInfo.environment["OMPI_MCA_btl_vader_single_copy_mechanism"] == nil {
            environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        }
        return (arguments, environment)
    }

    /// `invscale worker RUNSPEC --output FOLDER --threads T`.
    static func workerCommand(spec: RunSpec, folder: RunFolder, executable: String, threads: Int) -> [String] {
        [executable, "worker", folder.specFile, "--output", folder.path, "--threads", "\(threads)"]
    }

    /// Runs `spec` with mpirun in `folder`; returns its record (nil on a dry run).
    static func runWithMpirun(_ spec: RunSpec, folder: RunFolder, options: LaunchOptions,
                              log: (String, LogKind) -> Void) throws -> RunRecord? {
        let command = mpirunCommand(spec: spec, folder: folder, options: options)
        if spec.processes > ThreadPool.onlineCores() {
            log("  warning: \(spec.processes) processes on \(ThreadPool.onlineCores()) cores: mpirun --oversubscribe (slower than the cores allow)", .info)
        }
        try prepare(spec, folder: folder)
        let printable = command.environment.map { "\($0.key)=\($0.value) " }.sorted().joined() + command.arguments.joined(separator: " ")
        guard !options.dryRun else {
            log("  dry run: \(printable)", .info)
            return nil
        }
        log("  \(printable)  (\(command.threads) thread\(command.threads == 1 ? "" : "s") per rank, log \(folder.logFile))", .info)
        // Ranks that outlive mpirun (killed after it ended) are reparented to us, not to a PID 1
        // that may never reap them; they are reaped below.
        _ = invscale_become_subreaper()
        let child = try ChildProcess(command.arguments, environment: command.environment, outputFile: folder.logFile)
        let end = follow(spec, folder: folder, stallFloor: options.stallFloorSeconds, log: log, jobEnded: { child.poll() },
                         interrupt: { signalRanks(folder, spec: spec) }, kill: {
            // The ranks first, so that mpirun sees them die, reaps them and ends by itself; then
            // its whole group if it lingers.
            for pid in folder.rankProcessIDs(processes: spec.processes) { Glibc.kill(pid, SIGKILL) }
            var waited = 0.0
            while child.poll() == nil, waited < 3 { usleep(100_000); waited += 0.1 }
            if child.poll() == nil { child.signalGroup(SIGKILL) }
        })
        reapOrphans(folder.rankProcessIDs(processes: spec.processes))
        return finish(spec, folder: folder, launcher: "mpirun", exitDescription: "mpirun exited with status \(end.status)", end: end)
    }

    /// Waits (up to 2 s) for the ranks among `pids` that were reparented to this process after
    /// mpirun ended, so none is left as a zombie; ranks mpirun reaped itself are not our children
    /// and are skipped at once.
    static func reapOrphans(_ pids: [Int32]) {
        var pending = pids, waited = 0.0
        while !pending.isEmpty, waited < 2 {
            pending = pending.filter { pid in
                var status: Int32 = 0
                let result = waitpid(pid, &status, WNOHANG)
                return result == 0  // still running (ECHILD: not ours; pid: reaped now)
            }
            if !pending.isEmpty { usleep(50_000); waited += 0.05 }
        }
    }

    /// Writes the spec for the workers and clears the rank files of an earlier attempt.
    static func prepare(_ spec: RunSpec, folder: RunFolder) throws {
        try folder.writeSpec(spec)
        folder.clearRankFiles()
        try? FileManager.default.removeItem(atPath: folder.metricsFile(rank: 0))
    }

    /// SIGTERM to every rank that recorded its process id (they agree to stop after the iteration).
    static func signalRanks(_ folder: RunFolder, spec: RunSpec) {
        for pid in folder.rankProcessIDs(processes: spec.processes) { kill(pid, SIGTERM) }
    }

    /// How a followed job ended: its exit status, and why the launcher failed it (a stalled rank).
    struct JobEnd {
        let status: Int32
        let failure: String?
    }

    /// Polls until `jobEnded` returns a status, printing progress; forwards an interruption once;
    /// kills the job when a rank has reported an error and the job lingers, or when `StallWatch`
    /// finds a rank without progress for its bound (the failure names it).
    static func follow(_ spec: RunSpec, folder: RunFolder, pollSeconds: Double = 0.25, stallFloor: Double = StallWatch.defaultFloorSeconds,
                       log: (String, LogKind) -> Void, jobEnded: () -> Int32?, interrupt: () -> Void, kill: () -> Void) -> JobEnd {
        var progress = ProgressFollower(folder: folder)
        var stall = StallWatch(folder: folder, processes: spec.processes, floor: stallFloor)
        var iterationSeconds: [Double] = []
        var forwarded = false
        var errorSeen: Double?, stallChecked = -Double.infinity
        while true {
            for row in progress.newRows() {
                iterationSeconds.append(row.iterationSeconds)
                log(ProgressLine.text(row, maxIterations: spec.plannedIterations), row.iteration < spec.plannedIterations ? .transient : .info)
            }
            if let status = jobEnded() {
                for row in progress.newRows() { log(ProgressLine.text(row, maxIterations: spec.plannedIterations), .info) }
                return JobEnd(status: status, failure: nil)
            }
            if Interruption.received != nil, !forwarded {
                interrupt()
                forwarded = true
            }
            if errorSeen == nil, !folder.rankErrors(processes: spec.processes).isEmpty { errorSeen = Stopwatch.now() }
            if let seen = errorSeen, Stopwatch.now() - seen > watchdogSeconds {
                log("  a rank failed and the job did not end within \(Int(watchdogSeconds)) s: killing it", .failure)
                kill()
                errorSeen = Stopwatch.now()
            }
            // Heartbeats change once a second: reading every rank's file more often is wasted I/O.
            if Stopwatch.now() - stallChecked >= 1 {
                stallChecked = Stopwatch.now()
                let median = iterationSeconds.isEmpty ? nil : TimingStats.median(iterationSeconds.sorted())
                if let stalled = stall.check(now: stallChecked, medianIteration: median) {
                    log("  \(stalled): killing the job", .failure)
                    kill()
                    var waited = 0.0
                    while jobEnded() == nil, waited < 30 { usleep(100_000); waited += 0.1 }
                    return JobEnd(status: jobEnded() ?? -1, failure: stalled)
                }
            }
            usleep(useconds_t(pollSeconds * 1_000_000))
        }
    }

    /// The run's record once the job has ended: rank 0's own when it closed it, else (a rank
    /// died or stalled, the world was wrong, the job never started) a record marked failed with
    /// the launcher's `failure`, the ranks' errors, or `exitDescription` and the lines of the log
    /// that tell what happened.
    static func finish(_ spec: RunSpec, folder: RunFolder, launcher: String, exitDescription: String,
                       end: JobEnd, jobID: String? = nil, logFile: String? = nil) -> RunRecord {
        var record = RunRecord.read(from: folder.recordFile) ?? RunRecord(spec: spec)
        record.launcher = launcher
        record.slurmJobID = record.slurmJobID ?? jobID
        let closedByRankZero = end.status == 0 && end.failure == nil && record.status != .running
        if !closedByRankZero {
            let errors = folder.rankErrors(processes: spec.processes)
            let recorded = record.status == .failed ? record.error : nil
            let cause = errors.isEmpty ? "\(exitDescription); \(logTail(logFile ?? folder.logFile))\(placement(folder, processes: spec.processes))"
                : errors.joined(separator: "; ")
            record.status = .failed
            var parts: [String] = []
            for part in [end.failure, recorded, cause].compactMap({ $0 }) where !parts.contains(where: { $0.contains(part) || part.contains($0) }) {
                parts.append(part)
            }
            record.error = parts.joined(separator: "; ")
            record.finished = Date.now.ISO8601Format()
        }
        try? record.writePublishingEmergencyCopies(to: folder.recordFile)
        return record
    }

    /// Where the ranks ran, when they ran on several hosts ("; ranks by host: n1 (0, 1), n2 (2, 3)"):
    /// a job that lost a node names it.
    static func placement(_ folder: RunFolder, processes: Int) -> String {
        let hosts = (0..<processes).map { folder.rankHost(rank: $0) }
        guard Set(hosts.compactMap { $0 }).count > 1 else { return "" }
        var groups: [(host: String, ranks: [Int])] = []
        for (rank, host) in hosts.enumerated() {
            let name = host ?? "an unknown host"
            if let index = groups.firstIndex(where: { $0.host == name }) { groups[index].ranks.append(rank) } else { groups.append((name, [rank])) }
        }
        return "; ranks by host: " + groups.map { "\($0.host) (\($0.ranks.map(String.init).joined(separator: ", ")))" }.joined(separator: ", ")
    }

    /// Lines of a job's log that say why it ended: a rank's error, the Swift runtime's fatal
    /// error, and OpenMPI's reports of a dead rank, a lost peer or daemon and the host concerned.
    static let tellingLogLines = ["invscale worker: rank", "Fatal error", "error:", "noticed that process rank", "Peer host:",
                                  "lost communication", "unable to reliably start"]

    /// What the job's log says about its end: its telling lines (`tellingLogLines`), else its
    /// last lines.
    static func logTail(_ path: String, lines: Int = 6) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let all = text.split(separator: "\n").map(String.init)
        let telling = all.filter { line in tellingLogLines.contains { line.contains($0) } }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let chosen = (telling.isEmpty ? all : telling).suffix(lines).joined(separator: " | ")
        return chosen.isEmpty ? "no output in \(path)" : "from \(path): \(chosen)"
    }
}
