import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The `run.json` to leave behind when the process must end at once (a second Ctrl-C, or the
/// launching `invscale run` gone): the current record with status `interrupted`, encoded ahead
/// of time, so that a signal handler or a watchdog thread can write it with `open`, `write` and
/// `rename` alone (async-signal-safe) and `_exit`.
///
/// A published blob is one `malloc`ed block: the record's byte count (8 bytes), the bytes, the
/// path and the temporary path as C strings. The blob before the current one is kept alive too,
/// so a handler still reading it when a new one is published reads valid memory.
public enum EmergencyRecord {
    // Blob addresses (0 = none), as integers: raw pointers are not Sendable.
    private static let current = Atomic<Int>(0)
    private static let previous = Atomic<Int>(0)

    /// Publishes `bytes` as what `path` should hold if the process ends now (nil withdraws it).
    public static func publish(_ bytes: [UInt8]?, path: String) {
        var blob: UnsafeMutableRawPointer?
        if let bytes {
            let temporary = path + ".interrupted-\(getpid())"
            let size = 8 + bytes.count + path.utf8.count + 1 + temporary.utf8.count + 1
            let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
            memory.storeBytes(of: bytes.count, as: Int.self)
            var offset = 8
            for part in [bytes, Array(path.utf8) + [0], Array(temporary.utf8) + [0]] {
                part.withUnsafeBytes { (memory + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                offset += part.count
            }
            blob = memory
        }
        let replaced = current.exchange(Int(bitPattern: blob), ordering: .acquiringAndReleasing)
        UnsafeMutableRawPointer(bitPattern: previous.exchange(replaced, ordering: .acquiringAndReleasing))?.deallocate()
    }

    /// Writes the published record, if any, and ends the process with `code`. Async-signal-safe.
    public static func writeAndExit(code: Int32) -> Never {
        if let blob = UnsafeMutableRawPointer(bitPattern: current.load(ordering: .acquiring)) {
            let count = blob.load(as: Int.self)
            let bytes = blob + 8
            let path = (bytes + count).assumingMemoryBound(to: CChar.self)
            let temporary = (bytes + count + strlen(path) + 1).assumingMemoryBound(to: CChar.self)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if descriptor >= 0 {
                let written = write(descriptor, bytes, count)
                if close(descriptor) == 0, written == count { rename(temporary, path) } else { unlink(temporary) }
            }
        }
        _exit(code)
    }
}
