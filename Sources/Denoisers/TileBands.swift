/// How a layer's 4×4 output tiles are cut into GEMM calls and grouped into bands, so that a tile's
/// result does not depend on the other items of the batch.
///
/// A BLAS may sum a row of `A·B` in an order that depends on the row's position in the call
/// (OpenBLAS's Haswell and Zen kernels do: see docs/determinism.md). So every GEMM call here covers
/// tiles of one item only, and an item's tiles are cut into chunks of the layer's target size (the
/// last one shorter), which depend only on the item's tile count and the layer: each item meets
/// the same calls (shapes, strides, operand alignment) whether it is denoised alone, in any batch,
/// or on any rank. Small items share a band (one pass of the three parallel phases) but not a
/// call. A single item is cut as it was before this rule.
struct TileBands {
    /// A run of consecutive tiles of one item, and the row where it starts in its band's matrices.
    struct Segment {
        /// First tile, in the grid's numbering.
        let firstTile: Int
        let count: Int
        /// Row offset in the band; even, so with channel counts that are multiples of 8 every
        /// segment starts on a 64-byte boundary of a 64-byte-aligned buffer.
        let row: Int
    }

    /// The segments of each band, in tile order.
    let bands: [[Segment]]
    /// Rows of the largest band (even): the stride between the band matrices of two elements.
    let rowsPerBand: Int

    /// Bands of about `targetTiles` tiles over the `grid`.
    init(grid: TileGrid, targetTiles: Int) {
        let target = max(1, targetTiles)
        let chunk = min(target, grid.perItem)
        let capacity = TileBands.even(target)
        var bands: [[Segment]] = [], current: [Segment] = [], used = 0, widest = 0
        for item in 0..<grid.items {
            for start in stride(from: 0, to: grid.perItem, by: chunk) {
                let count = min(chunk, grid.perItem - start)
                if used + TileBands.even(count) > capacity && !current.isEmpty {
                    bands.append(current)
                    (current, used) = ([], 0)
                }
                current.append(Segment(firstTile: item * grid.perItem + start, count: count, row: used))
                used += TileBands.even(count)
                widest = max(widest, used)
            }
        }
        if !current.isEmpty { bands.append(current) }
        self.bands = bands
        rowsPerBand = widest
    }

    /// `n` rounded up to an even number.
    static func even(_ n: Int) -> Int { (n + 1) & ~1 }
}
