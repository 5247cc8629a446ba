import Denoisers
import Communication
import Tensor
import Testing

/// Adds a different constant to every window (by its first pixel), so a window placed in the
/// wrong target, or twice, shows.
private struct MarkWindows: Denoiser {
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        var y = x
        y.affine(scale: 2, offset: sigma[0])
        return y
    }
}

private func ramp(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Float(($0 * 7919) % 1000) / 1000 })
}

@Suite("Distributed tiled denoiser (one rank) and packed crops")
struct DistributedTiledDenoiserTests {
    @Test("packed crops of all windows, unpacked, equal placing the windows (2-D batch of 2, 3-D)",
          arguments: [([2, 1, 70, 53], [32], [8]), ([1, 2, 12, 20, 18], [4, 8, 8], [2, 2, 2])])
    func packUnpack(shape: [Int], patch: [Int], overlap: [Int]) throws {
        let tiling = try Tiling(shape: shape, patchSize: patch, overlap: overlap)
        let windows = tiling.windows(ofPatches: Array(tiling.patches.indices))
        let processed = try MarkWindows().denoise(tiling.extract(windows: windows, from: tiling.padded(ramp(shape))), sigma: [0.5])
        var placed = Tensor(shape: shape), unpacked = Tensor(shape: shape)
        try tiling.place(processed, windows: windows, into: &placed)
        let packed = try tiling.packCrops(processed, windows: windows)
        #expect(packed.count == shape.reduce(1, *), "the kept parts partition the image")
        // Unpack in two halves, the second first, as ranks' parts arrive in any grouping.
        let half = windows.count / 2
        let split = windows[..<half].reduce(0) { $0 + tiling.cropCount(window: $1) }
        try packed.withUnsafeBufferPointer { all in
            try tiling.unpackCrops(UnsafeBufferPointer(rebasing: all[split...]), windows: Array(windows[half...]), into: &unpacked)
            try tiling.unpackCrops(UnsafeBufferPointer(rebasing: all[..<split]), windows: Array(windows[..<half]), into: &unpacked)
        }
        #expect(unpacked == placed)
        #expect(throws: DenoiserError.self) {
            try packed.withUnsafeBufferPointer { try tiling.unpackCrops(UnsafeBufferPointer(rebasing: $0.dropLast()), windows: windows, into: &unpacked) }
        }
    }

    @Test("on one rank, both gathers give exactly the single-process tiled result, for any batch size",
          arguments: TileGather.allCases, [0, 1, 3])
    func oneRank(gather: TileGather, batch: Int) throws {
        let x = ramp([2, 1, 61, 77])
        let reference = try TiledDenoiser(inner: MarkWindows(), patchSize: [24], overlap: [6], maxBatchSize: batch)
            .denoise(x, sigma: [0.25])
        let distributed = DistributedTiledDenoiser(inner: MarkWindows(), patchSize: [24], overlap: [6], maxBatchSize: batch,
                                                   communicator: LocalCommunicator(), gather: gather)
        #expect(try distributed.denoise(x, sigma: [0.25]) == reference)
    }

    @Test("patches go to rank i mod P; every patch has exactly one owner")
    func ownership() throws {
        let tiling = try Tiling(shape: [1, 1, 100, 100], patchSize: [30], overlap: [5])
        for size in 1...5 {
            let owned = (0..<size).map { DistributedTiledDenoiser.patches(of: tiling, rank: $0, size: size) }
            #expect(owned.flatMap { $0 }.sorted() == Array(tiling.patches.indices))
            for (rank, patches) in owned.enumerated() { #expect(patches.allSatisfy { $0 % size == rank }) }
        }
    }
}
