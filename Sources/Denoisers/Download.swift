import Formats
import FoundationEssentials
import Processes
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
        if let curl = ChildProcess.which("curl") {
            command = [curl, "--fail", "--location", "--progress-bar", "--output", partial, url]
        } else if let wget = ChildProcess.which("wget") {
            command = [wget, "--progress=bar:force", "-O", partial, url]
        } else {
            throw FormatError(file: path, "cannot download: neither curl nor wget is installed")
        }
        let status = try ChildProcess(command, outputFile: nil).wait()
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
}
