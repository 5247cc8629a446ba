import Tensor

/// Structural similarity per batch item, with the defaults of torchmetrics'
/// `structural_similarity_index_measure` (used by DeepInverse's `SSIM`) and
/// `data_range = maxPixel − minPixel`: an 11-tap Gaussian window of σ = 1.5 per spatial axis,
/// `C1 = (0.01·L)²`, `C2 = (0.03·L)²`, inputs reflect-padded by 5 (PyTorch `reflect`), and the
/// full SSIM map averaged over channels and pixels.
///
/// Inputs are `[B, C, H, W]` or `[B, C, D, H, W]` of equal shapes, each spatial extent ≥ 6.
public func structuralSimilarity(_ estimate: Tensor, _ reference: Tensor,
                                 maxPixel: Double = 1, minPixel: Double = 0) throws -> [Double] {
    try structuralSimilarity(estimate, reference, maxPixel: maxPixel, minPixel: minPixel,
                             rowsPerTask: SSIMGeometry.defaultRowsPerTask)
}

/// `structuralSimilarity` with a chosen number of output rows per parallel task (tests vary it).
func structuralSimilarity(_ estimate: Tensor, _ reference: Tensor, maxPixel: Double, minPixel: Double,
                          rowsPerTask: Int) throws -> [Double] {
    let metric = "structuralSimilarity"
    let range = try MetricInputs.dataRange(maxPixel: maxPixel, minPixel: minPixel, metric: metric)
    try MetricInputs.checkPair(estimate, reference, metric: metric, ranks: 4...5,
                               expected: "[B, C, H, W] or [B, C, D, H, W]")
    let spatial = Array(estimate.shape.dropFirst(2))
    guard spatial.allSatisfy({ $0 > SSIMWindow.radius }) else {
        throw MetricsError("\(metric): expected spatial extents ≥ \(SSIMWindow.radius + 1) "
                                       + "for the reflect padding of \(SSIMWindow.radius), got shape \(estimate.shape)")
    }
    let geometry = SSIMGeometry(shape: estimate.shape, rowsPerTask: rowsPerTask)
    guard geometry.items > 0 else { return [] }
    let constants = SSIMConstants(c1: (0.01 * range) * (0.01 * range), c2: (0.03 * range) * (0.03 * range))
    var partial = [Double](repeating: 0, count: geometry.taskCount)
    estimate.withUnsafeBufferPointer { x in
        reference.withUnsafeBufferPointer { y in
            partial.withUnsafeMutableBufferPointer { sums in
                parallelFor(sums.count) { task in
                    sums[task] = SSIMBlock(geometry: geometry, task: task)
                        .mapSum(x.baseAddress!, y.baseAddress!, constants)
                }
            }
        }
    }
    let tasksPerItem = geometry.taskCount / geometry.items
    let pixelsPerItem = Double(estimate.count / geometry.items)
    return (0..<geometry.items).map { item in
        partial[(item * tasksPerItem)..<((item + 1) * tasksPerItem)].reduce(0, +) / pixelsPerItem
    }
}

/// The SSIM stabilising constants `C1` and `C2`.
struct SSIMConstants {
    let c1: Double
    let c2: Double
}

/// Extents of an SSIM input seen as `[B, C, D, H, W]` (`D = 1` in 2-D) and its split into tasks:
/// one per (item, channel, depth plane, block of output rows), in row-major order, so the tasks
/// of one item are contiguous and the split depends on the shape only, never on the thread count.
struct SSIMGeometry {
    /// Output rows per task unless a caller asks otherwise.
    static let defaultRowsPerTask = 64

    let items: Int, channels: Int, depth: Int, height: Int, width: Int
    let isVolume: Bool
    let rowsPerTask: Int

    init(shape: [Int], rowsPerTask: Int) {
        isVolume = shape.count == 5
        items = shape[0]
        channels = shape[1]
        depth = isVolume ? shape[2] : 1
        height = shape[shape.count - 2]
        width = shape[shape.count - 1]
        self.rowsPerTask = max(1, rowsPerTask)
    }

    /// Blocks of output rows per plane.
    var rowBlocks: Int { (height + rowsPerTask - 1) / rowsPerTask }
    /// Number of tasks.
    var taskCount: Int { items * channels * depth * rowBlocks }
}
