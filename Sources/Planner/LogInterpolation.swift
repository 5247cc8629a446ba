#if canImport(Glibc)
import Glibc
#endif

/// Values measured at a few sizes, read at any size: interpolated linearly in log(size) between
/// the measured sizes, the nearest measured value beyond them.
enum LogInterpolation {
    /// The value at `size` from `points` (ascending in size, not empty).
    static func value(at size: Int, in points: [(size: Int, value: Double)]) -> Double {
        let first = points[0], last = points[points.count - 1]
        if size <= first.size { return first.value }
        if size >= last.size { return last.value }
        let upper = points.firstIndex { $0.size >= size }!
        let (a, b) = (points[upper - 1], points[upper])
        let weight = log(Double(size) / Double(a.size)) / log(Double(b.size) / Double(a.size))
        return a.value + (b.value - a.value) * weight
    }
}
