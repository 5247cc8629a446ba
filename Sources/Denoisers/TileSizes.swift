/// Tile sizes as users give them: `patch` and `overlap`, each one value for every dimension or one
/// value per dimension. Experiment files (`patch_size`, `overlap`) and `invscale denoise`
/// (`--patch`, `--overlap`) check them by these rules and word the errors in their own terms.
public enum TileSizes {
    /// Why sizes cannot tile.
    public enum Problem: Equatable, Sendable {
        /// A zero entry in a list (a single 0 means "not tiled" and is not a problem).
        case zeroPatch
        /// Both lists have several entries, in different numbers.
        case countMismatch
        /// An overlap not smaller than its patch in some dimension.
        case overlapNotSmaller
    }

    /// The first problem of `patch` and `overlap`, or nil when they tile (or `patch` is `[0]`).
    public static func problem(patch: [Int], overlap: [Int]) -> Problem? {
        guard patch != [0] else { return nil }
        if patch.contains(0) { return .zeroPatch }
        guard patch.count == overlap.count || min(patch.count, overlap.count) == 1 else { return .countMismatch }
        let sizes = perDimension(patch: patch, overlap: overlap)
        return zip(sizes.patch, sizes.overlap).contains(where: { $1 >= $0 }) ? .overlapNotSmaller : nil
    }

    /// Both lists with one entry per dimension (a single value repeated), for lists whose counts
    /// match or are 1.
    public static func perDimension(patch: [Int], overlap: [Int]) -> (patch: [Int], overlap: [Int]) {
        let count = max(patch.count, overlap.count)
        return (patch.count == 1 ? Array(repeating: patch[0], count: count) : patch,
                overlap.count == 1 ? Array(repeating: overlap[0], count: count) : overlap)
    }
}
