#if canImport(Glibc)
import Glibc
#endif

/// An axis scale from data values to pixels, with "nice" tick values (1, 2, 5 × 10ⁿ on a linear
/// axis; powers of ten, with 2 and 5 between them when the range is short, on a log axis).
public struct NiceScale: Sendable, Equatable {
    /// Linear or logarithmic (base 10).
    public enum Kind: Sendable, Equatable { case linear, log }

    public let kind: Kind
    /// The axis covers `lower...upper` (rounded out to ticks on a linear axis).
    public let lower: Double
    public let upper: Double
    /// Tick values, increasing, inside the domain.
    public let ticks: [Double]
    /// Pixel positions of `lower` and `upper` (`end` may be smaller, for a y axis drawn upwards).
    public let start: Double
    public let end: Double

    /// A scale covering `values` (non-finite ones, and non-positive ones on a log axis, ignored),
    /// mapped onto `start...end` pixels, with about `tickCount` ticks.
    public init(kind: Kind = .linear, covering values: [Double], start: Double, end: Double, tickCount: Int = 5,
                includeZero: Bool = false) {
        self.kind = kind
        self.start = start
        self.end = end
        var usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        if includeZero && kind == .linear { usable.append(0) }
        var low = usable.min() ?? (kind == .log ? 1 : 0), high = usable.max() ?? (kind == .log ? 10 : 1)
        switch kind {
        case .linear:
            if low == high { (low, high) = low == 0 ? (0, 1) : (low - abs(low) * 0.1, high + abs(high) * 0.1) }
            let step = Self.niceStep((high - low) / Double(max(tickCount, 1)))
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
            let count = Int(((high - low) / step).rounded())
            ticks = (0...count).map { Self.clean(low + Double($0) * step, step: step) }
        case .log:
            if low == high { (low, high) = (low / 10, high * 10) }
            let first = floor(log10(low)), last = ceil(log10(high))
            low = pow(10, first)
            high = pow(10, last)
            let decades = Int(last - first)
            let multipliers: [Double] = decades <= 2 ? [1, 2, 5] : [1]
            ticks = (Int(first)...Int(last)).flatMap { exponent in multipliers.map { $0 * pow(10, Double(exponent)) } }
                .filter { $0 <= high * (1 + 1e-12) }
        }
        lower = low
        upper = high
    }

    /// A linear scale over `lower...upper` with ticks exactly at `centres` (categories, or the
    /// process counts of a scaling plot).
    public init(centres: [Double], lower: Double, upper: Double, start: Double, end: Double) {
        kind = .linear
        (self.lower, self.upper, self.start, self.end) = (lower, upper, start, end)
        ticks = centres
    }

    /// The pixel position of `value`.
    public func position(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear: fraction = (value - lower) / (upper - lower)
        case .log: fraction = (log10(max(value, lower * 1e-6)) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return start + fraction * (end - start)
    }

    /// A short label for a tick: no trailing zeros, exponent form for very large or small values.
    public func label(_ value: Double) -> String { Self.format(value) }

    /// `value` with at most 4 significant digits, without trailing zeros ("0.25", "1200", "1e-05").
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 {
            let exponent = Int(floor(log10(magnitude)))
            let mantissa = value / pow(10, Double(exponent))
            return format(mantissa) + "e" + (exponent < 0 ? "-" : "") + (abs(exponent) < 10 ? "0" : "") + "\(abs(exponent))"
        }
        let digits = max(0, 3 - Int(floor(log10(magnitude))))
        var text = NumberText.fixed(value, digits: digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// 1, 2 or 5 × 10ⁿ, the nearest at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        let fraction = rough / power
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
    }

    /// `value` rounded to the step's precision (0.30000000000000004 → 0.3).
    private static func clean(_ value: Double, step: Double) -> Double {
        let scale = pow(10, max(0, -floor(log10(step)) + 2))
        return (value * scale).rounded() / scale
    }
}
