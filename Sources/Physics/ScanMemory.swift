import Tensor

/// Lower bounds of the memory that scans allocate, computed from their sizes with overflow-checked
/// arithmetic before anything is allocated (nil when a size overflows), for `MemoryBudget` checks.
public enum ScanMemory {
    /// A 2-D parallel-beam scan of an `size×size` image over `angles` angles: the image and the two
    /// padded copies `ParallelBeam2D` works on, and per angle its geometry and its sinogram row
    /// (at most ⌈1.5·N⌉ detector cells without circle mode).
    public static func parallelBeam2D(size: Int, angles: Int, circle: Bool) -> Int? {
        let detectors = circle ? size : MemoryBudget.sum(size, size / 2 + 1)
        let perAngle = detectors.flatMap { MemoryBudget.sum(MemoryBudget.product($0, 4), 56) }
        return MemoryBudget.sum(MemoryBudget.product(size, size, 12), perAngle.flatMap { MemoryBudget.product($0, angles) })
    }

    /// A 3-D scan of a `volume` ([D, H, W]) over `views` views with a `rows×columns` detector: the
    /// volume twice (the ground truth and a work copy) and the projections twice (measured and
    /// simulated).
    public static func volumeScan(volume: [Int], views: Int, rows: Int, columns: Int) -> Int? {
        MemoryBudget.sum(MemoryBudget.product(volume + [8]), MemoryBudget.product(views, rows, columns, 8))
    }

    /// `operators` circular blurs of `channels`×`height`×`width` images: four images (ground
    /// truth, iterate, gradient, work copy), and per operator its measurement and its kernel's
    /// half spectrum (`height·(width/2 + 1)` complex values).
    public static func circularBlurs(height: Int, width: Int, channels: Int, operators: Int) -> Int? {
        let image = MemoryBudget.product(channels, height, width, 4)
        let perOperator = MemoryBudget.sum(image, MemoryBudget.product(height, width / 2 + 1, 8))
        return MemoryBudget.sum(image.flatMap { MemoryBudget.product($0, 4) }, perOperator.flatMap { MemoryBudget.product($0, operators) })
    }
}
