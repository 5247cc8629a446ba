import Figures
import FoundationEssentials
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// JSON printing with sorted keys, for machine-readable output.
enum JSONOutput {
    static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Human-readable numbers.
enum Format {
    /// "12.3 ms (min 11.9, max 13.0, 5 runs, CPU 24.1 ms)".
    static func seconds(_ stats: TimingStats) -> String {
        let cpu = stats.cpuMedianSeconds.map { ", CPU \(milliseconds($0)) ms" } ?? ""
        return "\(milliseconds(stats.medianSeconds)) ms (min \(milliseconds(stats.minSeconds)), max \(milliseconds(stats.maxSeconds)), \(stats.runs) runs\(cpu))"
    }

    static func milliseconds(_ seconds: Double) -> String { fixed(seconds * 1000, digits: 1) }

    static func fixed(_ value: Double, digits: Int) -> String { NumberText.fixed(value, digits: digits) }
}

/// Writes `line` and a line break to standard error.
func printError(_ line: String) {
    fflush(nil)
    let text = line + "\n"
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
