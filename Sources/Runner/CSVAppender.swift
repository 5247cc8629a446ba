import Formats
#if canImport(Glibc)
import Glibc
#endif

/// A CSV file written row by row and flushed after every row, so a killed run keeps every
/// iteration it finished.
public final class CSVAppender {
    /// The file's path.
    public let path: String
    private let file: UnsafeMutablePointer<FILE>

    /// Creates (or truncates) `path` and writes the header row.
    public init(path: String, columns: [String]) throws {
        guard let file = fopen(path, "w") else {
            throw FormatError(file: path, "cannot create the CSV file (\(String(cString: strerror(errno))))")
        }
        self.path = path
        self.file = file
        try append(columns)
    }

    /// Appends one row (fields are written as given: callers pass numbers and plain names) and flushes.
    public func append(_ fields: [String]) throws {
        let line = fields.joined(separator: ",") + "\n"
        guard fputs(line, file) >= 0, fflush(file) == 0 else {
            throw FormatError(file: path, "cannot write a CSV row (\(String(cString: strerror(errno))))")
        }
    }

    deinit { fclose(file) }
}
