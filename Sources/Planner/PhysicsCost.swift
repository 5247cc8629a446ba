import Experiment
#if canImport(Glibc)
import Glibc
#endif
import Physics

/// The data term's cost on one rank holding `operators` of `workload`: the measurements it keeps,
/// the time of one normal-operator application `Σ_k A_kᵀ(A_k x − y_k)` over its operators, and the
/// bytes that application and the start's filtered back-projection take while they run.
public struct PhysicsCost {
    /// Values of this rank's measurements (kept for the iterations).
    let measurementValues: Int
    /// Bytes the operators hold besides the measurements (the blur stack's spectral sums).
    let heldBytes: Double
    let normalSeconds: Double
    let normalTransientBytes: Double
    let startTransientBytes: Double

    init(workload: Workload, operators: [Int], rates: KernelRates) {
        let values = Double(workload.values), channels = Double(workload.imageShape[0])
        let sums = 12 * values  // the double sum and the rounded result
        switch workload.physics {
        case .parallelBeam(let angles, let detectors):
            let blocks = (try? OperatorStack.blocks(count: angles, parts: workload.operators)) ?? []
            let counts = operators.map { blocks.indices.contains($0) ? blocks[$0].count : 0 }
            let mine = counts.reduce(0, +), largest = Double(counts.max() ?? 0)
            let side = Double(workload.imageShape.last ?? 0)
            measurementValues = mine * detectors * workload.imageShape[0]
            heldBytes = 0
            let traffic = (3 * 4 * Double(measurementValues) + 2 * sums) / rates.memoryBytesPerS
            normalSeconds = channels * side * side * Double(mine) * (rates.parallelBeamForwardS + rates.parallelBeamAdjointS) + traffic
            // The padded row and column copies of the image, one operator's projections and residual.
            let operatorScratch = 8 * side * (side + 4) + 2 * 4 * largest * Double(detectors)
            normalTransientBytes = sums + operatorScratch
            startTransientBytes = sums + 4 * Double(measurementValues) + operatorScratch
        case .coneBeam(let views, let rows, let columns):
            let blocks = (try? OperatorStack.blocks(count: views, parts: workload.operators)) ?? []
            let counts = operators.map { blocks.indices.contains($0) ? blocks[$0].count : 0 }
            let mine = counts.reduce(0, +), largest = Double(counts.max() ?? 0)
            measurementValues = mine * rows * columns * workload.imageShape[0]
            heldBytes = 0
            let traffic = (3 * 4 * Double(measurementValues) + 2 * sums) / rates.memoryBytesPerS
            let shape = workload.imageShape
            let work = Self.rayPlanes(views: mine, rows: rows, columns: columns, depth: shape[1], side: max(shape[2], shape[3]))
            normalSeconds = channels * work * (rates.coneBeamForwardS + rates.coneBeamAdjointS) + traffic
            let operatorScratch = 2 * 4 * largest * Double(rows * columns)
            normalTransientBytes = sums + operatorScratch
            startTransientBytes = sums + 4 * Double(measurementValues) + operatorScratch
        case .blur:
            // The stack keeps Σ|κ|² and Σ conj(κ)·F y in double per channel, not the measurements.
            let pixels = Double(workload.pixels), shape = workload.imageShape
            let spectrum = Double(shape[1] * (shape[2] / 2 + 1))
            measurementValues = 0
            heldBytes = 8 * spectrum + 16 * spectrum * channels
            let transforms: Double = 2 * channels * pixels * log2(max(2, pixels)) * rates.fftS
            let traffic: Double = 6 * 4 * values / rates.memoryBytesPerS
            normalSeconds = transforms + traffic
            normalTransientBytes = 2 * 8 * spectrum * channels + 8 * values
            startTransientBytes = normalTransientBytes + 4 * values * Double(max(1, operators.count))
        }
    }

    /// The work of a cone-beam projection, in ray·plane updates: the detector cells whose rays
    /// cross the volume (the rows in proportion to the volume's depth against its side, for a
    /// slab) times the planes each ray crosses (the side), for every view.
    public static func rayPlanes(views: Int, rows: Int, columns: Int, depth: Int, side: Int) -> Double {
        let rowsHit = Double(rows) * min(1, Double(depth) / Double(max(1, side)))
        return Double(views) * rowsHit * Double(columns) * Double(side)
    }
}
