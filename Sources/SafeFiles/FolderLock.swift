#if canImport(Glibc)
import Glibc
#endif

/// One owner per output folder: an exclusive `flock` on `FOLDER/.invscale.lock`, held while a run
/// or a grid writes there. The lock file names its holder (pid, host, start time, command) so a
/// second process can say who has the folder. The kernel drops the lock when its holder dies,
/// however it dies; the next process then finds the dead holder's line, takes the folder over and
/// says so.
public final class FolderLock {
    /// The lock file's name inside the folder.
    public static let fileName = ".invscale.lock"
    /// The folder.
    public let folder: String
    /// The holder line of a process that ended without releasing the lock (nil when there was none).
    public let takenOverFrom: String?
    private let descriptor: Int32

    /// Takes the lock of `folder` (created when missing). When another process holds it, throws
    /// a `FolderLockError` naming that process, or with `wait` waits for it (checking
    /// `shouldStop` every 0.2 s and calling `waiting` once with the holder's description).
    public init(folder: String, command: String, wait: Bool = false, waiting: (String) -> Void = { _ in },
                shouldStop: () -> Bool = { false }) throws {
        do { try FileWriter.createFolder(folder) } catch let error as FileWriteError { throw FolderLockError(error.description) }
        let path = folder + "/" + FolderLock.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FolderLockError("\(folder): cannot write there (\(FileWriter.reason(errno)))")
        }
        var announced = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw FolderLockError("\(folder): cannot lock \(FolderLock.fileName) (\(FileWriter.reason(code)))")
            }
            let holder = FolderLock.holder(descriptor)
            guard wait else {
                close(descriptor)
                throw FolderLockError("\(folder) is in use by \(holder); wait for it to end, pass --wait, or choose another --output")
            }
            if !announced { waiting(holder); announced = true }
            if shouldStop() {
                close(descriptor)
                throw FolderLockError("\(folder): stopped while waiting for \(holder)")
            }
            usleep(200_000)
        }
        let previous = FolderLock.holder(descriptor)
        takenOverFrom = previous == FolderLock.nobody ? nil : previous
        self.folder = folder
        self.descriptor = descriptor
        let line = "invscale pid \(getpid()) on \(FolderLock.hostName()) since \(FolderLock.now()): \(command)\n"
        ftruncate(descriptor, 0)
        _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// Releases the lock and empties the holder line.
    deinit {
        ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static let nobody = "another process"

    /// The holder line in the lock file, without its line break.
    private static func holder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? nobody : line
    }

    /// This machine's host name.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func now() -> String {
        var seconds = time(nil), parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        strftime(&buffer, 32, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An output folder that cannot be locked: it is held by another process, or cannot be written.
public struct FolderLockError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
