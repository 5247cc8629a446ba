#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SSIM's Gaussian window: 11 normalised taps `exp(−d²/(2σ²))`, d = −5…5, σ = 1.5, applied
/// separably along each spatial axis.
enum SSIMWindow {
    /// Taps on each side of the centre (also the reflect padding).
    static let radius = 5
    /// Standard deviation, in pixels.
    static let sigma = 1.5
    /// The `2·radius + 1` weights, summing to 1.
    static let weights: [Double] = {
        let raw = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    /// `target[i] = Σₖ weights[k] · source[i + k·step]` for `i` in `0..<count`.
    static func filter(_ source: UnsafePointer<Double>, step: Int, into target: UnsafeMutablePointer<Double>,
                       count: Int) {
        weights.withUnsafeBufferPointer { taps in
            var index = 0
            while index + 4 <= count {
                var sum = SIMD4<Double>()
                for (k, weight) in taps.enumerated() {
                    sum += weight * UnsafeRawPointer(source + index + k * step).loadUnaligned(as: SIMD4<Double>.self)
                }
                UnsafeMutableRawPointer(target + index).storeBytes(of: sum, as: SIMD4<Double>.self)
                index += 4
            }
            while index < count {
                var sum = 0.0
                for (k, weight) in taps.enumerated() { sum += weight * source[index + k * step] }
                target[index] = sum
                index += 1
            }
        }
    }

    /// PyTorch `reflect` index for `index` in `-radius ..< extent + radius` (needs `extent > radius`).
    @inline(__always)
    static func reflect(_ index: Int, _ extent: Int) -> Int {
        index < 0 ? -index : (index >= extent ? 2 * (extent - 1) - index : index)
    }
}
