import Tensor

/// Runs an inner denoiser on overlapping windows (the reference's `OverlapTilingStrategy`) and
/// reassembles the kept parts: each output pixel comes from exactly one window, in which it has at
/// least `overlap` pixels of context on each side (reflected at the image border).
///
/// Windows go to the inner denoiser in batches of at most `maxBatchSize` (0: all at once), in
/// patch-major order; a window of batch item `b` is denoised with `σ_b`. Besides the padded input
/// and the output, only one batch of windows (and its denoised copy) is alive at a time.
public struct TiledDenoiser: Denoiser {
    /// The denoiser applied to each window.
    public let inner: any Denoiser
    /// Inner patch size per spatial dimension, or one value for all.
    public let patchSize: [Int]
    /// Halo per spatial dimension, or one value for all; also the reflect padding of the image.
    public let overlap: [Int]
    /// Most windows per inner call; 0 sends every window in one call.
    public let maxBatchSize: Int

    /// A tiled version of `inner`; sizes are checked against each input in `denoise`.
    public init(inner: any Denoiser, patchSize: [Int], overlap: [Int], maxBatchSize: Int) {
        self.inner = inner
        self.patchSize = patchSize
        self.overlap = overlap
        self.maxBatchSize = maxBatchSize
    }

    /// Denoises `x` (`[B, C, H, W]` or `[B, C, D, H, W]`) window by window; `sigma` holds one value
    /// or one per batch item.
    public func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        let tiling = try Tiling(shape: x.shape, patchSize: patchSize, overlap: overlap)
        var output = Tensor(shape: x.shape)
        try tiling.denoise(windows: tiling.windows(ofPatches: Array(tiling.patches.indices)), of: x, with: inner, sigma: sigma,
                           maxBatchSize: maxBatchSize) { denoised, windows in
            try tiling.place(denoised, windows: windows, into: &output)
        }
        return output
    }
}

extension Tiling {
    /// Runs `inner` on the listed windows of `x` in batches of at most `maxBatchSize` windows (0:
    /// all in one call), window `w` with the σ of its batch item `w mod B`, and hands each
    /// processed batch and its windows to `body`. Only one batch (and its result) is alive at a time.
    public func denoise(windows: [Int], of x: Tensor, with inner: any Denoiser, sigma: [Float], maxBatchSize: Int,
                        _ body: (Tensor, [Int]) throws -> Void) throws {
        guard maxBatchSize >= 0 else {
            throw DenoiserError("tiled denoiser: maxBatchSize must be ≥ 0 (0: all windows), got \(maxBatchSize)")
        }
        let batch = x.shape[0]
        let levels = try (0..<batch).map { try TiledDenoiser.sigma(sigma, item: $0, batch: batch) }
        guard !windows.isEmpty else { return }
        let padded = try self.padded(x)
        let step = maxBatchSize == 0 ? windows.count : maxBatchSize
        // Each batch's feature maps reuse the pages of the batch before.
        try TensorMemory.reusingMappings {
            for first in stride(from: 0, to: windows.count, by: step) {
                let part = Array(windows[first..<min(first + step, windows.count)])
                try body(inner.denoise(extract(windows: part, from: padded), sigma: part.map { levels[$0 % batch] }), part)
            }
        }
    }
}
