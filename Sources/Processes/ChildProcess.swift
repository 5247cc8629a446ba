import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A started program: by default in its own process group (so a Ctrl-C in the terminal reaches
/// only us, and we decide what the children get) with its output appended to a file; or sharing
/// our terminal (output and group), as a download shows its progress bar.
public final class ChildProcess {
    /// The child's process id, also its process group id.
    public let pid: pid_t
    public private(set) var exitStatus: Int32?

    /// Starts `arguments` (the program is looked up in PATH) with `environment` added to ours;
    /// stdout and stderr are appended to `outputFile`, in a process group of its own. With
    /// `outputFile` nil the child shares our output and our process group.
    public init(_ arguments: [String], environment: [String: String] = [:], outputFile: String?) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let outputFile {
            posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        let group = outputFile == nil ? 0 : POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(group | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child = pid_t()
        let code = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw ProcessError("cannot start \(arguments[0]): \(String(cString: strerror(code)))")
        }
        pid = child
    }

    /// The exit status once the child has ended (128 + signal when killed), else nil; never blocks.
    public func poll() -> Int32? {
        if exitStatus == nil {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exitStatus = Self.decode(status) }
        }
        return exitStatus
    }

    /// Waits for the end and returns the exit status.
    public func wait() -> Int32 {
        while poll() == nil { usleep(50_000) }
        return exitStatus!
    }

    /// Sends `signal` to the child's whole process group.
    public func signalGroup(_ signal: Int32) { kill(-pid, signal) }

    /// Runs `arguments` to the end and returns its status and output (stdout and stderr together).
    public static func capture(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.path + "/invscale-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let child = try ChildProcess(arguments, environment: environment, outputFile: file)
        let status = child.wait()
        return (status, (try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
    }

    /// The first executable called `program` in PATH.
    public static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { access($0, X_OK) == 0 }
    }

    /// The running executable's absolute path.
    public static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    private static func decode(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
