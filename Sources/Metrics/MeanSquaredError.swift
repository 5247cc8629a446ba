import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mean of the squared differences over all axes but the batch axis (axis 0): one value per batch
/// item, accumulated in Double (DeepInverse's `cal_mse`). Shapes must be equal, of rank ≥ 2.
public func meanSquaredError(_ estimate: Tensor, _ reference: Tensor) throws -> [Double] {
    try MetricInputs.checkPair(estimate, reference, metric: "meanSquaredError", ranks: 2...Tensor.maxRank,
                               expected: "rank 2 to 5 with the batch on axis 0")
    let items = estimate.shape[0]
    guard items > 0 else { return [] }
    let perItem = estimate.count / items
    let chunksPerItem = (perItem + squaredErrorChunk - 1) / squaredErrorChunk
    var partial = [Double](repeating: 0, count: items * chunksPerItem)
    estimate.withUnsafeBufferPointer { x in
        reference.withUnsafeBufferPointer { y in
            partial.withUnsafeMutableBufferPointer { sums in
                parallelFor(sums.count) { task in
                    let item = task / chunksPerItem, chunk = task % chunksPerItem
                    let start = item * perItem + chunk * squaredErrorChunk
                    let end = item * perItem + min((chunk + 1) * squaredErrorChunk, perItem)
                    sums[task] = squaredDifferenceSum(x.baseAddress!, y.baseAddress!, start..<end)
                }
            }
        }
    }
    return (0..<items).map { item in
        partial[(item * chunksPerItem)..<((item + 1) * chunksPerItem)].reduce(0, +) / Double(perItem)
    }
}

/// Peak signal-to-noise ratio per batch item, in dB: `−10·log10(MSE/(maxPixel−minPixel)² + 1e−8)`
/// (DeepInverse's `cal_psnr`), so identical inputs give 80 dB.
public func peakSignalToNoiseRatio(_ estimate: Tensor, _ reference: Tensor,
                                   maxPixel: Double = 1, minPixel: Double = 0) throws -> [Double] {
    let range = try MetricInputs.dataRange(maxPixel: maxPixel, minPixel: minPixel, metric: "peakSignalToNoiseRatio")
    return try meanSquaredError(estimate, reference).map { -10 * log10($0 / (range * range) + 1e-8) }
}

/// Elements per partial sum of `meanSquaredError`; fixed, so results do not depend on the thread count.
private let squaredErrorChunk = 1 << 16

/// `Σ (x[i] − y[i])²` over `range`, in Double.
private func squaredDifferenceSum(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ range: Range<Int>) -> Double {
    var vector = SIMD8<Double>()
    var index = range.lowerBound
    while index + 8 <= range.upperBound {
        let a = SIMD8<Double>(UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self))
        let b = SIMD8<Double>(UnsafeRawPointer(y + index).loadUnaligned(as: SIMD8<Float>.self))
        let difference = a - b
        vector += difference * difference
        index += 8
    }
    var total = vector.sum()
    while index < range.upperBound {
        let difference = Double(x[index]) - Double(y[index])
        total += difference * difference
        index += 1
    }
    return total
}
