import Tensor

/// Shape and argument checks shared by the metrics.
enum MetricInputs {
    /// Throws unless `estimate` and `reference` have equal shapes of an allowed rank and every
    /// batch item holds at least one element.
    static func checkPair(_ estimate: Tensor, _ reference: Tensor, metric: String,
                          ranks: ClosedRange<Int>, expected: String) throws {
        guard estimate.shape == reference.shape else {
            throw MetricsError(
                "\(metric): expected equal shapes, got \(estimate.shape) and \(reference.shape)")
        }
        guard ranks.contains(estimate.rank) else {
            throw MetricsError("\(metric): expected \(expected), got shape \(estimate.shape)")
        }
        guard estimate.shape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw MetricsError(
                "\(metric): expected non-empty batch items, got shape \(estimate.shape)")
        }
    }

    /// `maxPixel − minPixel`, after checking that both are finite and `maxPixel > minPixel`.
    static func dataRange(maxPixel: Double, minPixel: Double, metric: String) throws -> Double {
        guard maxPixel.isFinite, minPixel.isFinite, maxPixel > minPixel else {
            throw MetricsError(
                "\(metric): expected finite maxPixel > minPixel, got maxPixel \(maxPixel), minPixel \(minPixel)")
        }
        return maxPixel - minPixel
    }
}
