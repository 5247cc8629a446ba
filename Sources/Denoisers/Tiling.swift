import Tensor

/// One window of a `Tiling`: where it is read from the padded image, which part of the denoised
/// window is kept, and where that part goes in the output. Plain integers only, so a patch list
/// can be split over processes by index.
public struct TilePatch: Sendable, Hashable, Codable {
    /// Position in the reference's patch order (row-major over `grid`).
    public let index: Int
    /// Window number along each tiled dimension.
    public let grid: [Int]
    /// The window in padded coordinates, per tiled dimension.
    public let window: [Range<Int>]
    /// The kept part, in window-local coordinates, per tiled dimension.
    public let crop: [Range<Int>]
    /// Where the kept part goes, in original coordinates, per tiled dimension.
    public let target: [Range<Int>]
}

/// The reference's overlap tiling (`OverlapTilingStrategy`) of the spatial dimensions of a
/// `[B, C, H, W]` or `[B, C, D, H, W]` tensor: pad once by `overlap` on both sides of each spatial
/// dimension (reflect), cut windows, then crop-and-place the processed windows (no blending).
///
/// Window batches hold items in patch-major order: item `k·B + b` is batch item `b` of the `k`-th
/// listed patch.
public struct Tiling: Sendable, Hashable, Codable {
    /// Shape of the tiled tensor, `[B, C, spatial…]`.
    public let shape: [Int]
    /// The tiling of each spatial dimension, outermost first.
    public let dimensions: [TileGeometry]
    /// All patches, first tiled dimension outermost (the reference's `itertools.product` order).
    public let patches: [TilePatch]

    /// Tiles the spatial dimensions of `shape` (`[B, C, H, W]` or `[B, C, D, H, W]`).
    /// `patchSize` and `overlap` hold one value per spatial dimension, or one value for all.
    public init(shape: [Int], patchSize: [Int], overlap: [Int]) throws {
        guard shape.count == 4 || shape.count == 5 else {
            throw DenoiserError("tiling: expected [B, C, H, W] or [B, C, D, H, W], got \(shape)")
        }
        let sizes = Array(shape[2...])
        func perDimension(_ values: [Int], _ name: String) throws -> [Int] {
            if values.count == 1 { return Array(repeating: values[0], count: sizes.count) }
            guard values.count == sizes.count else {
                throw DenoiserError(
                    "tiling: \(name) needs 1 or \(sizes.count) values for spatial size \(sizes), got \(values)")
            }
            return values
        }
        let patch = try perDimension(patchSize, "tile size")
        let halo = try perDimension(overlap, "tile overlap")
        let dimensions = try sizes.indices.map { try TileGeometry(size: sizes[$0], patch: patch[$0], overlap: halo[$0]) }
        let counts = dimensions.map(\.count)
        self.shape = shape
        self.dimensions = dimensions
        patches = (0..<counts.reduce(1, *)).map { index in
            var grid = counts
            var rest = index
            for axis in counts.indices.reversed() {
                grid[axis] = rest % counts[axis]
                rest /= counts[axis]
            }
            return TilePatch(index: index, grid: grid,
                             window: grid.indices.map { dimensions[$0].window(grid[$0]) },
                             crop: grid.indices.map { dimensions[$0].crop(grid[$0]) },
                             target: grid.indices.map { dimensions[$0].target(grid[$0]) })
        }
    }

    /// Spatial extent of every window.
    public var windowShape: [Int] { dimensions.map(\.windowLength) }
    /// Shape of the padded tensor, `[B, C, spatial + 2·overlap…]`.
    public var paddedShape: [Int] { Array(shape[..<2]) + dimensions.map(\.paddedSize) }

    /// `x` reflect-padded by `overlap` on both sides of each spatial dimension; compute it once
    /// and pass it to every `extract`.
    public func padded(_ x: Tensor) throws -> Tensor {
        guard x.shape == shape else {
            throw DenoiserError("tiling: input shape \(x.shape) differs from the tiled shape \(shape)")
        }
        var result = x
        for (offset, dimension) in dimensions.enumerated() where dimension.overlap > 0 {
            result = try result.padded(axis: 2 + offset, before: dimension.overlap, after: dimension.overlap,
                                       mode: .reflect)
        }
        return result
    }

    /// The windows of `patches` (indices into `self.patches`) cut from `padded`, as a batch
    /// `[n·B, C, window…]` in patch-major order.
    public func extract(patches: some Collection<Int>, from padded: Tensor) throws -> Tensor {
        try extract(windows: windowIndices(patches), from: padded)
    }

    /// Writes the kept part of each processed window in `outputs` (`[n·B, C, window…]`, patch-major,
    /// as returned by `extract`) to its target in `output` (shaped like the tiled tensor).
    public func place(_ outputs: Tensor, patches: some Collection<Int>, into output: inout Tensor) throws {
        try place(outputs, windows: windowIndices(patches), into: &output)
    }

    /// Window indices `patch·B + item` for every batch item of each listed patch, checked.
    private func windowIndices(_ list: some Collection<Int>) throws -> [Int] {
        guard list.allSatisfy(patches.indices.contains), Set(list).count == list.count else {
            throw DenoiserError(
                "tiling: patch indices must be distinct and in 0..<\(patches.count), got \(Array(list))")
        }
        return windows(ofPatches: Array(list))
    }
}
