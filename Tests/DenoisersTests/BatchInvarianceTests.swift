@testable import Denoisers
import Tensor
import Testing

/// A denoised item must be the same bits alone, in any batch and on any rank, whatever GEMM kernel
/// the BLAS picks (docs/determinism.md). `make test-kernels` runs every `…InvarianceTests` suite
/// under each OPENBLAS_CORETYPE of our machines; the shapes here are chosen so that a 12-row
/// blocking would move an item's rows (tile counts that are not multiples of 12, Winograd tasks
/// that straddle two items, im2col over several bands).
@Suite("batch invariance: layers, DRUNet and tiles give each item the same bits alone and in any batch")
struct BatchInvarianceTests {
    /// `items` random maps stacked in one feature map, and each on its own.
    static func maps(items: Int, height: Int, width: Int, channels: Int, seed: UInt64) -> (FeatureMap, [FeatureMap]) {
        let singles = (0..<items).map { randomMap(height: height, width: width, channels: channels, seed: seed + UInt64($0)) }
        var stacked = FeatureMap(height: height, width: width, channels: channels, items: items)
        stacked.values = Tensor(shape: [items * height * width * channels], values: singles.flatMap(\.values.scalars))
        return (stacked, singles)
    }

    @Test("a 3×3 layer on 3 stacked items equals each item alone (Winograd tasks straddling items, im2col over several bands)",
          arguments: [(26, 22, 16, 16, Convolution3x3.Algorithm.winograd), (130, 122, 64, 64, .winograd),
                      (130, 122, 64, 1, .im2col), (45, 38, 2, 8, .im2col)])
    func layer(height: Int, width: Int, cin: Int, cout: Int, algorithm: Convolution3x3.Algorithm) throws {
        let weights = Tensor(shape: [cout, cin, 3, 3], values: randomValues(cout * cin * 9, seed: 21).map { $0 * 0.1 })
        let conv = Convolution3x3(weights: weights, algorithm: algorithm)
        let (stacked, singles) = Self.maps(items: 3, height: height, width: width, channels: cin, seed: 30)
        var batch = FeatureMap(height: height, width: width, channels: cout, items: 3)
        conv.apply(stacked, into: &batch, relu: true, workspace: Workspace())
        let size = height * width * cout
        for (item, single) in singles.enumerated() {
            var alone = FeatureMap(height: height, width: width, channels: cout)
            conv.apply(single, into: &alone, relu: true, workspace: Workspace())
            #expect(Array(batch.values.scalars[(item * size)..<((item + 1) * size)]) == alone.values.scalars, "item \(item)")
        }
        if algorithm == .winograd {
            let tiles = TileGrid(height: height, width: width).perItem
            #expect(tiles % WinogradConvolution3x3.tilesPerTask != 0, "a task should straddle two items")
        }
    }

    @Test("DRUNet: 3 images of 44×36 in one batch equal each image alone, each with its own σ")
    func network() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [8, 16, 16, 32], blocks: 1)
        let model = try DRUNet.random(configuration: configuration, seed: 7)
        let x = Tensor(shape: [3, 1, 44, 36], values: randomValues(3 * 44 * 36, seed: 8))
        let sigma: [Float] = [0.02, 0.05, 0.1]
        let batch = try model.denoise(x, sigma: sigma)
        for item in 0..<3 {
            #expect(try batch.slice(axis: 0, item..<(item + 1)) == model.denoise(x.slice(axis: 0, item..<(item + 1)), sigma: [sigma[item]]))
        }
    }

    @Test("3-D DRUNet: 2 volumes of 6×20×28 in one batch equal each volume alone")
    func volumeNetwork() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [8, 8, 16, 16], blocks: 1)
        let model = DRUNet3D(converting: try DRUNet.random(configuration: configuration, seed: 9))
        let x = Tensor(shape: [2, 1, 6, 20, 28], values: randomValues(2 * 6 * 20 * 28, seed: 10))
        let batch = try model.denoise(x, sigma: [0.05, 0.1])
        for item in 0..<2 {
            #expect(try batch.slice(axis: 0, item..<(item + 1)) == model.denoise(x.slice(axis: 0, item..<(item + 1)), sigma: [[0.05, 0.1][item]]))
        }
    }

    @Test("tiled DRUNet: max_batch_size 0, 1 and 3, and the patches split i mod P over 1, 2 and 3 ranks, give the same bits")
    func tiles() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [8, 16, 16, 32], blocks: 1)
        let model = try DRUNet.random(configuration: configuration, seed: 11)
        let x = Tensor(shape: [2, 1, 70, 58], values: randomValues(2 * 70 * 58, seed: 12))
        let (patch, overlap, sigma): ([Int], [Int], [Float]) = ([24], [6], [0.03, 0.08])
        let reference = try TiledDenoiser(inner: model, patchSize: patch, overlap: overlap, maxBatchSize: 0).denoise(x, sigma: sigma)
        for maxBatchSize in [1, 3] {
            let tiled = TiledDenoiser(inner: model, patchSize: patch, overlap: overlap, maxBatchSize: maxBatchSize)
            #expect(try tiled.denoise(x, sigma: sigma) == reference, "max_batch_size \(maxBatchSize)")
        }
        // Each rank denoises its own patches (in one batch, as max_batch_size 0 does there) and places them.
        let tiling = try Tiling(shape: x.shape, patchSize: patch, overlap: overlap)
        for ranks in [2, 3] {
            var output = Tensor(shape: x.shape)
            for rank in 0..<ranks {
                let patches = Array(stride(from: rank, to: tiling.patches.count, by: ranks))
                try tiling.denoise(windows: tiling.windows(ofPatches: patches), of: x, with: model, sigma: sigma,
                                   maxBatchSize: 0) { denoised, windows in
                    try tiling.place(denoised, windows: windows, into: &output)
                }
            }
            #expect(output == reference, "\(ranks) ranks")
        }
    }
}
