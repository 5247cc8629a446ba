#if canImport(Glibc)
import Glibc
#endif

/// Resident memory of this process, read from `/proc/self/status` (Linux); `nil` elsewhere or
/// when the field cannot be read.
public enum ProcessMemory {
    /// Peak resident set size (`VmHWM`), in bytes.
    public static func peakResidentBytes() -> Int? { statusField("VmHWM") }

    /// Starts a new peak measurement: Linux resets `VmHWM` to the current RSS when "5" is written
    /// to `/proc/self/clear_refs`. Returns false where that is not possible.
    @discardableResult
    public static func resetPeakResident() -> Bool {
        #if canImport(Glibc)
        guard let file = fopen("/proc/self/clear_refs", "w") else { return false }
        defer { fclose(file) }
        return fputs("5", file) >= 0
        #else
        return false
        #endif
    }

    /// Current resident set size (`VmRSS`), in bytes.
    public static func residentBytes() -> Int? { statusField("VmRSS") }

    /// The value of a `Name:   1234 kB` line of `/proc/self/status`, in bytes.
    private static func statusField(_ name: String) -> Int? {
        #if canImport(Glibc)
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        let prefix = name + ":"
        while getline(&line, &capacity, file) >= 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix(prefix) else { continue }
            let words = text.dropFirst(prefix.count).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            guard let value = words.first.flatMap({ Int($0) }) else { return nil }
            return words.count > 1 && words[1] == "kB" ? value * 1024 : value
        }
        return nil
        #else
        return nil
        #endif
    }
}
