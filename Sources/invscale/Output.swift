import Bench
import FoundationEssentials

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

    /// `value` with `digits` decimals (String(format:) is not in FoundationEssentials).
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale), fraction = Int(scaled.truncatingRemainder(dividingBy: scale))
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let padded = String(repeating: "0", count: max(0, digits - String(fraction).count)) + String(fraction)
        return "\(sign)\(whole).\(padded)"
    }
}
