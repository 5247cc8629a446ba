import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A process's start time (field 22 of `/proc/PID/stat`, clock ticks since boot), which tells a
/// process from a later one that reuses its pid; nil when the process is gone or a zombie.
public enum ProcessStart {
    public static func of(_ pid: pid_t) -> String? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0, let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = String(decoding: buffer[(close + 1)..<count], as: UTF8.self).split(separator: " ")
        // Fields after the name: state is field 3, the start time field 22.
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return String(fields[19])
    }
}
