import Tensor

extension EllipsePhantom {
    /// The phantom on an `size×size` pixel grid, `[1, 1, size, size]`, anti-aliased: each pixel
    /// holds the phantom's mean over its area, clamped to `valueRange`.
    ///
    /// Each pixel row is sampled on `subrows` horizontal lines (midpoint rule in y); on each line
    /// the exact x-interval of every ellipse is integrated exactly over the pixel columns
    /// (fractional coverage at the two ends, a running sum for the columns fully inside). Cost
    /// O(N·(subrows·ellipses + N)); rows run in parallel.
    public func rasterize(size: Int, subrows: Int = 8) throws -> Tensor {
        guard size > 0 else { throw DatasetError("rasterize size: expected a positive integer, got \(size)") }
        guard subrows > 0 else { throw DatasetError("subrows: expected a positive integer, got \(subrows)") }
        let n = size, block = 16, low = valueRange.lowerBound, high = valueRange.upperBound
        return Tensor(shape: [1, 1, n, n]) { output in
            parallelFor((n + block - 1) / block) { task in
                // partial[j]: coverage of the interval ends in column j; steps: a difference array
                // whose running sum is the density of the columns an interval covers fully.
                var partial = [Double](repeating: 0, count: n), steps = [Double](repeating: 0, count: n + 1)
                for row in (task * block)..<min(n, task * block + block) {
                    for index in 0..<n { partial[index] = 0; steps[index] = 0 }
                    steps[n] = 0
                    for sub in 0..<subrows {
                        let y = 1 - 2 * (Double(row) + (Double(sub) + 0.5) / Double(subrows)) / Double(n)
                        for ellipse in ellipses {
                            guard let (lower, upper) = ellipse.chord(atY: y) else { continue }
                            let from = max(0, (lower + 1) * Double(n) / 2), to = min(Double(n), (upper + 1) * Double(n) / 2)
                            guard from < to else { continue }
                            EllipsePhantom.cover(from: from, to: to, weight: ellipse.density, partial: &partial, steps: &steps)
                        }
                    }
                    var running = 0.0
                    let scale = 1 / Double(subrows)
                    for column in 0..<n {
                        running += steps[column]
                        let value = Float((running + partial[column]) * scale)
                        output[row * n + column] = min(max(value, low), high)
                    }
                }
            }
        }
    }

    /// Adds `weight ×` the length of `[from, to] ∩ [j, j+1]` to every column j (0 ≤ from < to ≤ N).
    private static func cover(from: Double, to: Double, weight: Double, partial: inout [Double], steps: inout [Double]) {
        let first = Int(from), last = Int(to)
        if first == last {
            partial[first] += weight * (to - from)
            return
        }
        partial[first] += weight * (Double(first + 1) - from)
        steps[first + 1] += weight
        steps[last] -= weight
        if last < partial.count { partial[last] += weight * (to - Double(last)) }
    }
}
