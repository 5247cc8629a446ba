import Communication
import Tensor

/// How the ranks of a distributed tiled denoiser share their results.
public enum TileGather: String, Sendable, CaseIterable {
    /// All-gather-v of the packed kept parts (crops) of each rank's windows: every pixel travels
    /// once, from its owner to every other rank.
    case crops
    /// The reference's way: each rank places its crops into a zero image and the images are summed
    /// by an all-reduce of the full image size.
    case allReduce = "all_reduce"
}

/// The reference's distributed denoiser (`DistributedProcessing` with overlap tiling): the tiling's
/// patch `i` is denoised by rank `i mod P`, in batches of at most `maxBatchSize` windows (0: all of
/// the rank's windows at once), and the kept parts are shared so that every rank ends with the full
/// image — bit-identical to `TiledDenoiser` in one process, since each output pixel comes from
/// exactly one window whichever rank computes it.
public struct DistributedTiledDenoiser: Denoiser {
    /// The denoiser applied to each window.
    public let inner: any Denoiser
    /// Patch size and halo per spatial dimension (or one value for all), as `Tiling` takes them.
    public let patchSize: [Int]
    public let overlap: [Int]
    /// Most windows per inner call on each rank; 0: all of the rank's windows in one call.
    public let maxBatchSize: Int
    /// The ranks sharing the work.
    public let communicator: any Communicator
    /// How results are shared.
    public let gather: TileGather

    /// A tiled `inner` spread over `communicator`'s ranks.
    public init(inner: any Denoiser, patchSize: [Int], overlap: [Int], maxBatchSize: Int,
                communicator: any Communicator, gather: TileGather = .crops) {
        self.inner = inner
        self.patchSize = patchSize
        self.overlap = overlap
        self.maxBatchSize = maxBatchSize
        self.communicator = communicator
        self.gather = gather
    }

    /// Patches of `tiling` that `rank` denoises: `i mod P == rank`.
    public static func patches(of tiling: Tiling, rank: Int, size: Int) -> [Int] {
        Array(stride(from: rank, to: tiling.patches.count, by: size))
    }

    public func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        let tiling = try Tiling(shape: x.shape, patchSize: patchSize, overlap: overlap)
        let (rank, size) = (communicator.rank, communicator.size)
        var output = Tensor(shape: x.shape)
        var packed: [Float] = []
        try tiling.denoise(windows: tiling.windows(ofPatches: Self.patches(of: tiling, rank: rank, size: size)), of: x,
                           with: inner, sigma: sigma, maxBatchSize: maxBatchSize) { denoised, windows in
            switch gather {
            case .crops: packed += try tiling.packCrops(denoised, windows: windows)
            case .allReduce: try tiling.place(denoised, windows: windows, into: &output)
            }
        }
        switch gather {
        case .allReduce:
            try communicator.allReduce(&output, .sum)
        case .crops:
            let owned = (0..<size).map { tiling.windows(ofPatches: Self.patches(of: tiling, rank: $0, size: size)) }
            let counts = owned.map { $0.reduce(0) { $0 + tiling.cropCount(window: $1) } }
            let all = try communicator.allGatherV(packed, counts: counts)
            try all.withUnsafeBufferPointer { all in
                var start = 0
                for (windows, count) in zip(owned, counts) {
                    try tiling.unpackCrops(UnsafeBufferPointer(rebasing: all[start..<(start + count)]), windows: windows, into: &output)
                    start += count
                }
            }
        }
        return output
    }
}
