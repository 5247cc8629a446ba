import Tensor

/// The reference's overlap tiling of one image dimension (`tiling_splitting_strategy`, stride = patch).
///
/// The dimension of size `D` is padded by `overlap` (`rf`) on both sides (`Dpad = D + 2·rf`) and
/// covered by windows of `patch + 2·rf` padded elements. Each window's inner part `[st, st + patch)`
/// (original coordinates) is cut where it overlaps the previous window's inner part, so the targets
/// partition `0..<D` and every kept element has at least `rf` elements of context on both sides.
public struct TileGeometry: Sendable, Hashable, Codable {
    /// Extent `D` of the dimension in the original image.
    public let size: Int
    /// Inner patch length `p` (the stride between windows).
    public let patch: Int
    /// Halo `rf` on each side of a window, also the padding on each side of the image.
    public let overlap: Int
    /// Window starts in padded coordinates, ascending; the last window ends flush with the padding.
    public let starts: [Int]

    /// Tiles `size` elements with inner patches of `patch` and halos of `overlap`.
    ///
    /// Throws a `DenoiserError` when `patch ≤ 0`, `patch ≥ size` (the reference raises
    /// when `D <= p`), `overlap < 0`, or `overlap ≥ size`: reflect padding needs `rf < D`, and
    /// rather than the reference's silent fallback to zero padding we refuse.
    public init(size: Int, patch: Int, overlap: Int) throws {
        guard patch > 0, patch < size else {
            throw DenoiserError(
                "tiling: patch_size \(patch) must be positive and smaller than the tiled dimension \(size)")
        }
        guard overlap >= 0, overlap < size else {
            throw DenoiserError(
                "tiling: overlap \(overlap) must be ≥ 0 and smaller than the tiled dimension \(size) (reflect padding)")
        }
        self.size = size
        self.patch = patch
        self.overlap = overlap
        let window = patch + 2 * overlap
        let paddedSize = size + 2 * overlap
        var starts = [0]
        while starts[starts.count - 1] + window < paddedSize { starts.append(starts[starts.count - 1] + patch) }
        // The loop ran at least once because `patch < size`, and the previous start `s` satisfied
        // `s + window < paddedSize`, so the forced last start stays above it: the reference's
        // dedupe-and-sort never changes anything here.
        starts[starts.count - 1] = paddedSize - window
        self.starts = starts
    }

    /// Number of windows along the dimension.
    public var count: Int { starts.count }
    /// Window length `patch + 2·overlap`, the extent fed to the denoiser.
    public var windowLength: Int { patch + 2 * overlap }
    /// Padded extent `size + 2·overlap`.
    public var paddedSize: Int { size + 2 * overlap }

    /// Elements of window `j`'s inner patch already kept by window `j − 1`.
    public func trim(_ j: Int) -> Int {
        j == 0 ? 0 : max(0, starts[j - 1] + patch - starts[j])
    }

    /// Window `j` in padded coordinates: `[st, st + windowLength)`.
    public func window(_ j: Int) -> Range<Int> { starts[j]..<(starts[j] + windowLength) }

    /// The kept part of window `j`, in window-local coordinates: `[rf + trim, rf + p)`.
    public func crop(_ j: Int) -> Range<Int> { (overlap + trim(j))..<(overlap + patch) }

    /// Where window `j`'s kept part goes, in original coordinates: `[st + trim, st + p)`.
    public func target(_ j: Int) -> Range<Int> { (starts[j] + trim(j))..<(starts[j] + patch) }
}
