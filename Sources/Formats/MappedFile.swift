import Glibc

/// A file mapped read-only into memory and unmapped when released: pages are read on demand, so
/// a large file costs only the parts that are touched.
final class MappedFile: Sendable {
    /// The path, for error messages.
    let path: String
    /// Bytes in the file.
    let count: Int
    /// Start of the mapping (nil for an empty file). Never written after `init`.
    nonisolated(unsafe) private let base: UnsafeMutableRawPointer?

    /// Maps the file at `path`; a file that cannot be opened or mapped is a `FormatError`.
    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FormatError(file: path, "cannot read file (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw FormatError(file: path, "cannot read file (not a regular file)")
        }
        count = Int(info.st_size)
        guard count > 0 else {
            base = nil
            return
        }
        guard let mapping = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw FormatError(file: path, "cannot map file (\(String(cString: strerror(errno))))")
        }
        base = mapping
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// Calls `body` with the file's bytes, valid only during the call.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
