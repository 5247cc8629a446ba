import Bench
import FoundationEssentials
import Report
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
        let cpu = stats.cpu_median_s.map { ", CPU \(milliseconds($0)) ms" } ?? ""
        return "\(milliseconds(stats.median_s)) ms (min \(milliseconds(stats.min_s)), max \(milliseconds(stats.max_s)), \(stats.runs) runs\(cpu))"
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
