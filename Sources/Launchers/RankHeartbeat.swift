import FoundationEssentials
import Processes
import Runner
import SafeFiles
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A rank's sign of life and its guard against orphanhood, on a thread of its own:
/// - every second it rewrites `heartbeat_rank<r>` in the run folder with a beat counter and the
///   iterations done, which the launcher's `StallWatch` follows (a rank stopped with SIGSTOP, or
///   frozen, stops beating);
/// - four times a second it checks that the `invscale run` that launched the job (named by
///   `INVSCALE_LAUNCHER`, `host:pid:start time`, checked only on that host) and the rank's parent
///   (mpirun, srun) are still there. When one is gone the rank ends at once, rank 0 first leaving
///   its `EmergencyRecord` (status `interrupted`), so no worker outlives a killed `invscale run`.
final class RankHeartbeat: Sendable {
    /// The environment variable through which the launcher names itself to the ranks.
    static let environmentVariable = "INVSCALE_LAUNCHER"
    /// Iterations this rank has completed (set by the solver loop's progress callback).
    let iterations = Atomic<Int>(0)
    private let path: String
    private let launcher: (pid: Int32, start: String)?
    private let parent: pid_t

    /// A heartbeat for the rank whose file is `path`; `start()` starts its thread.
    init(path: String) {
        self.path = path
        parent = getppid()
        launcher = Self.launcherIdentity(getenv(Self.environmentVariable).map { String(cString: $0) })
    }

    /// The launcher's identity when it runs on this host: `host:pid:start`.
    static func launcherIdentity(_ text: String?) -> (pid: Int32, start: String)? {
        let parts = text?.split(separator: ":", omittingEmptySubsequences: false).map(String.init) ?? []
        guard parts.count == 3, parts[0] == FolderLock.hostName(), let pid = Int32(parts[1]) else { return nil }
        return (pid, parts[2])
    }

    /// `host:pid:start` of this process, for the ranks it launches.
    static var currentLauncher: String {
        "\(FolderLock.hostName()):\(getpid()):\(ProcessStart.of(getpid()) ?? "")"
    }

    /// Starts the thread (it lives as long as the process).
    func start() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            Unmanaged<RankHeartbeat>.fromOpaque(raw!).takeUnretainedValue().loop()
            return nil
        }, context)
        pthread_detach(thread)
    }

    private func loop() {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        var beat = 0
        while true {
            if !launcherAlive() || getppid() != parent { EmergencyRecord.writeAndExit(code: 143) }
            if beat % 4 == 0, descriptor >= 0 {
                let line = "\(beat / 4) \(iterations.load(ordering: .relaxed))\n"
                ftruncate(descriptor, 0)
                _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
            }
            beat += 1
            usleep(250_000)
        }
    }

    private func launcherAlive() -> Bool {
        guard let launcher else { return true }
        return ProcessStart.of(launcher.pid) == launcher.start
    }
}
