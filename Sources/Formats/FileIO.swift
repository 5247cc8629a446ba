import FoundationEssentials
import Glibc
import SafeFiles

/// Whole-file reads and atomic writes whose failures become a `FormatError` naming the path.
public enum FileIO {
    /// The contents of the file at `path`.
    public static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read file (\(reason(error)))")
        }
    }

    /// Writes `data` to `path` with `FileWriter` (a regular file replaced atomically, a link's
    /// target written, a device or FIFO written through, never replaced).
    public static func write(_ data: Data, to path: String) throws {
        do {
            try FileWriter.write(data, to: path)
        } catch let error as FileWriteError {
            throw FormatError(file: path, error.problem)
        }
    }

    /// The operating system's wording for the cause of a Foundation file error, when it has one.
    private static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let posix = cocoa.underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return String(describing: error)
    }
}
