import Formats
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Downloads a file with the system's `curl` (or `wget`), showing its progress bar on the
/// terminal, into a temporary name that is renamed only when complete.
public enum Download {
    /// Fetches `url` to `path`; checks that the result has at least `minimumBytes`.
    public static func fetch(_ url: String, to path: String, minimumBytes: Int) throws {
        let partial = path + ".partial"
        unlink(partial)
        let command: [String]
        if let curl = which("curl") {
            command = [curl, "--fail", "--location", "--progress-bar", "--output", partial, url]
        } else if let wget = which("wget") {
            command = [wget, "--progress=bar:force", "-O", partial, url]
        } else {
            throw FormatError(file: path, "cannot download: neither curl nor wget is installed")
        }
        let status = try run(command)
        guard status == 0 else {
            unlink(partial)
            throw FormatError(file: path, "download failed (\(URL(fileURLWithPath: command[0]).lastPathComponent) exit status \(status)); no network?")
        }
        var info = stat()
        guard stat(partial, &info) == 0, Int(info.st_size) >= minimumBytes else {
            unlink(partial)
            throw FormatError(file: path, "download too small: expected at least \(minimumBytes) bytes")
        }
        guard rename(partial, path) == 0 else {
            throw FormatError(file: path, "cannot move the download into place (\(String(cString: strerror(errno))))")
        }
    }

    /// The first executable called `name` on `$PATH`.
    static func which(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs `command` (inheriting stdin/stdout/stderr) and returns its exit status.
    static func run(_ command: [String]) throws -> Int32 {
        var pid = pid_t()
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, command[0], nil, nil, arguments, environ)
        guard spawned == 0 else {
            throw FormatError(file: command[0], "cannot start (\(String(cString: strerror(spawned))))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
