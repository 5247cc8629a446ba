import FoundationEssentials
import Results
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The `run.json` to leave behind when the process must end at once, encoded ahead of time so
/// that a signal handler or a watchdog thread can write it with `open`, `write` and `rename` alone
/// (async-signal-safe): the current record marked `interrupted` (a second Ctrl-C, or the launching
/// `invscale run` gone), and marked `failed` (the process crashes: a Swift trap, a segmentation
/// fault).
///
/// A published blob is one `malloc`ed block: the two records' byte counts (8 bytes each), their
/// bytes, the path and the temporary path as C strings. The blob before the current one is kept
/// alive too, so a handler still reading it when a new one is published reads valid memory.
public enum EmergencyRecord {
    /// Which of the two records to write.
    public enum Ending: Int, Sendable {
        case interrupted = 0, crashed = 1
    }

    /// The signals of a crash, whose handler writes the `crashed` record before dying of them.
    static let crashSignals = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

    // Blob addresses (0 = none), as integers: raw pointers are not Sendable.
    private static let current = Atomic<Int>(0)
    private static let previous = Atomic<Int>(0)

    /// Publishes what `path` should hold if the process ends now (nil withdraws it).
    public static func publish(interrupted: [UInt8]?, crashed: [UInt8]?, path: String) {
        var blob: UnsafeMutableRawPointer?
        if let interrupted, let crashed {
            let temporary = path + ".emergency-\(getpid())"
            let parts = [interrupted, crashed, Array(path.utf8) + [0], Array(temporary.utf8) + [0]]
            let memory = UnsafeMutableRawPointer.allocate(byteCount: 16 + parts.reduce(0) { $0 + $1.count }, alignment: 8)
            memory.storeBytes(of: interrupted.count, as: Int.self)
            memory.storeBytes(of: crashed.count, toByteOffset: 8, as: Int.self)
            var offset = 16
            for part in parts {
                part.withUnsafeBytes { (memory + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                offset += part.count
            }
            blob = memory
        }
        let replaced = current.exchange(Int(bitPattern: blob), ordering: .acquiringAndReleasing)
        UnsafeMutableRawPointer(bitPattern: previous.exchange(replaced, ordering: .acquiringAndReleasing))?.deallocate()
    }

    /// Writes the published record of `ending`, if any. Async-signal-safe.
    public static func write(_ ending: Ending) {
        guard let blob = UnsafeMutableRawPointer(bitPattern: current.load(ordering: .acquiring)) else { return }
        let counts = (blob.load(as: Int.self), blob.load(fromByteOffset: 8, as: Int.self))
        let records = blob + 16
        let path = (records + counts.0 + counts.1).assumingMemoryBound(to: CChar.self)
        let temporary = (records + counts.0 + counts.1 + strlen(path) + 1).assumingMemoryBound(to: CChar.self)
        let (bytes, count) = ending == .interrupted ? (records, counts.0) : (records + counts.0, counts.1)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        let written = Glibc.write(descriptor, bytes, count)
        if close(descriptor) == 0, written == count { rename(temporary, path) } else { unlink(temporary) }
    }

    /// Writes the `interrupted` record, if any, and ends the process with `code`. Async-signal-safe.
    public static func writeAndExit(code: Int32) -> Never {
        write(.interrupted)
        _exit(code)
    }

    /// Installs handlers for the crash signals that write the `crashed` record, then let the
    /// signal take its default course (the runtime's message is already printed, a core is dumped
    /// where enabled, the exit status names the signal).
    public static func installCrashHandlers() {
        for signalNumber in crashSignals {
            signal(signalNumber) { received in
                EmergencyRecord.write(.crashed)
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}

extension RunRecord {
    /// Writes the record to `path` and, while the run is `running`, publishes the same record
    /// marked `interrupted` and marked `failed` (crashed) as the `EmergencyRecord`, for a process
    /// that must end at once.
    public func writePublishingEmergencyCopies(to path: String) throws {
        let record = finiteOnly()
        try record.write(to: path)
        guard record.status == .running else { return EmergencyRecord.publish(interrupted: nil, crashed: nil, path: path) }
        var interrupted = record, crashed = record
        interrupted.status = .interrupted
        interrupted.error = "ended at once (a second signal, or its launcher ended) after iteration \(record.iterations)"
        crashed.status = .failed
        crashed.error = "crashed (a fatal signal: a runtime trap, an abort or a memory fault) after iteration \(record.iterations); its output says more"
        interrupted.finished = Date.now.ISO8601Format()
        crashed.finished = interrupted.finished
        EmergencyRecord.publish(interrupted: try? interrupted.encoded(), crashed: try? crashed.encoded(), path: path)
    }
}
