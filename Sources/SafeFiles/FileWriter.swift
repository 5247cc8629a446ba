#if canImport(Glibc)
import Glibc
#endif

/// Writes whole files without ever destroying what is at the path:
/// - a regular file (or no file) is replaced through a temporary file in the same folder and a
///   rename, so readers see the old contents or the new, never a part, and a failed write (a full
///   disk, an I/O error) leaves the old file as it was and no temporary behind;
/// - a symbolic link is followed: its target is written the same way, the link stays;
/// - a character or block device, or a FIFO with a reader, is written through in place (so
///   `/dev/null` and `/dev/full` keep being devices, and the full disk of `/dev/full` is reported);
/// - a FIFO without a reader, a socket or a folder is refused.
///
/// Errors are `FileWriteError`s naming the path and the system's reason.
public enum FileWriter {
    /// Writes `bytes` to `path` (see the type's rules).
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        let target = try resolvedTarget(path)
        var status = stat()
        if lstat(target, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFCHR, S_IFBLK: return try writeInPlace(bytes, to: target, shown: path, flags: 0)
            case S_IFIFO: return try writeInPlace(bytes, to: target, shown: path, flags: O_NONBLOCK)
            case S_IFDIR: throw FileWriteError(path: path, "is a folder, expected a file name")
            default: throw FileWriteError(path: path, "is a socket or other special file; refusing to replace it")
            }
        }
        try replace(target, with: bytes, shown: path, mode: lstat(target, &status) == 0 ? status.st_mode & 0o7777 : 0o644)
    }

    /// Writes the UTF-8 of `text` to `path`.
    public static func write(text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Creates `folder` and its parents; refuses a path that exists and is not a folder.
    public static func createFolder(_ folder: String) throws {
        var status = stat()
        if stat(folder, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw FileWriteError(path: folder, "exists and is not a folder") }
            return
        }
        let parent = Self.folder(of: folder)
        if parent != folder, parent != ".", parent != "/" { try createFolder(parent) }
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
            throw FileWriteError(path: folder, "cannot create the folder (\(reason(errno)))")
        }
    }

    /// `path` with its symbolic links followed (up to 40), so the link is kept and its target written.
    static func resolvedTarget(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: 4097)
            let length = readlink(current, &buffer, 4096)
            guard length > 0 else { throw FileWriteError(path: path, "cannot read the symbolic link (\(reason(errno)))") }
            let link = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : folder(of: current) + "/" + link
        }
        throw FileWriteError(path: path, "too many levels of symbolic links")
    }

    /// The folder part of `path` ("." when it has none).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func replace(_ target: String, with bytes: some Collection<UInt8>, shown: String, mode: mode_t) throws {
        let name = target.split(separator: "/").last.map(String.init) ?? target
        let temporary = folder(of: target) + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw FileWriteError(path: shown, "cannot create a file in its folder (\(reason(errno)))") }
        do {
            try writeAll(bytes, to: descriptor, shown: shown)
            guard close(descriptor) == 0 else { throw FileWriteError(path: shown, "cannot write (\(reason(errno)))") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileWriteError(path: shown, "cannot replace the file (\(reason(code)))")
        }
    }

    private static func writeInPlace(_ bytes: some Collection<UInt8>, to target: String, shown: String, flags: Int32) throws {
        let descriptor = open(target, O_WRONLY | O_CLOEXEC | flags)
        guard descriptor >= 0 else {
            let code = errno
            throw FileWriteError(path: shown, code == ENXIO ? "is a FIFO that nobody reads; refusing to block on it"
                                                           : "cannot open for writing (\(reason(code)))")
        }
        defer { close(descriptor) }
        if flags & O_NONBLOCK != 0 { _ = fcntl(descriptor, F_SETFL, O_WRONLY) }
        try writeAll(bytes, to: descriptor, shown: shown)
    }

    private static func writeAll(_ bytes: some Collection<UInt8>, to descriptor: Int32, shown: String) throws {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in Result { try writeAll(buffer, to: descriptor, shown: shown) } }) {
            return try result.get()
        }
        try Array(bytes).withUnsafeBufferPointer { try writeAll($0, to: descriptor, shown: shown) }
    }

    private static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to descriptor: Int32, shown: String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: shown, "cannot write (\(reason(errno)))")
            }
            offset += written
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// A file that could not be written: the path and the reason, on one line.
public struct FileWriteError: Error, CustomStringConvertible {
    /// The path as the caller gave it.
    public let path: String
    /// What went wrong.
    public let problem: String

    /// An error about `path`.
    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `path: problem`.
    public var description: String { "\(path): \(problem)" }
}
