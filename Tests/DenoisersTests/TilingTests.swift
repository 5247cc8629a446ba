import Denoisers
import Synchronization
import Tensor
import Testing

/// Deterministic test data in (0, 1] (SplitMix64).
private struct TilingRandom {
    var state: UInt64
    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((z ^ (z >> 31)) >> 40 + 1) / Float(1 << 24)
        })
    }
}

/// Returns its input unchanged.
private struct Identity: Denoiser {
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor { x }
}

/// Multiplies each batch item by its σ.
private struct ScaleBySigma: Denoiser {
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        let batch = x.shape[0]
        let levels = try (0..<batch).map { try Self.sigma(sigma, item: $0, batch: batch) }
        let per = x.count / max(batch, 1)
        return Tensor(shape: x.shape, values: x.scalars.enumerated().map { $0.element * levels[$0.offset / per] })
    }
}

/// Sum over a (2r+1)^d box with zero padding, then times σ: a local operator of receptive radius r.
private struct BoxFilter: Denoiser {
    let radius: Int
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        let scaled = try ScaleBySigma().denoise(x, sigma: sigma).scalars
        let e = Array(repeating: 1, count: 5 - x.rank) + Array(x.shape[2...])
        let rz = x.rank == 5 ? radius : 0
        var out = [Float](repeating: 0, count: x.count)
        for plane in 0..<(x.shape[0] * x.shape[1]) {
            let base = plane * e[0] * e[1] * e[2]
            for z in 0..<e[0] { for y in 0..<e[1] { for w in 0..<e[2] {
                var sum: Float = 0
                for dz in -rz...rz where (0..<e[0]).contains(z + dz) {
                    for dy in -radius...radius where (0..<e[1]).contains(y + dy) {
                        for dx in -radius...radius where (0..<e[2]).contains(w + dx) {
                            sum += scaled[base + ((z + dz) * e[1] + y + dy) * e[2] + w + dx]
                        }
                    }
                }
                out[base + (z * e[1] + y) * e[2] + w] = sum
            } } }
        }
        return Tensor(shape: x.shape, values: out)
    }
}

/// Identity that records the batch size of every call.
private final class BatchLog: Denoiser {
    let sizes = Mutex<[Int]>([])
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        sizes.withLock { $0.append(x.shape[0]) }
        return x
    }
}

/// Returns one row too few.
private struct WrongShape: Denoiser {
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor { try x.slice(axis: 2, 1..<x.shape[2]) }
}

/// A row of the reference's worked-examples table.
struct TilingExample: Sendable, CustomTestStringConvertible {
    let size, patch, overlap: Int
    let starts: [Int]
    let lastCrop, lastTarget: Range<Int>
    var testDescription: String { "\(size)/\(patch)/\(overlap)" }
}

@Suite("Overlap tiling and TiledDenoiser")
struct TilingTests {
    static let examples = [
        TilingExample(size: 2048, patch: 448, overlap: 32, starts: [0, 448, 896, 1344, 1600],
                      lastCrop: 224..<480, lastTarget: 1792..<2048),
        TilingExample(size: 1366, patch: 448, overlap: 32, starts: [0, 448, 896, 918],
                      lastCrop: 458..<480, lastTarget: 1344..<1366),
        TilingExample(size: 512, patch: 256, overlap: 16, starts: [0, 256], lastCrop: 16..<272, lastTarget: 256..<512),
        TilingExample(size: 512, patch: 8, overlap: 2, starts: Array(stride(from: 0, through: 504, by: 8)),
                      lastCrop: 2..<10, lastTarget: 504..<512),
        TilingExample(size: 500, patch: 256, overlap: 32, starts: [0, 244], lastCrop: 44..<288, lastTarget: 256..<500),
        TilingExample(size: 16, patch: 8, overlap: 2, starts: [0, 8], lastCrop: 2..<10, lastTarget: 8..<16),
    ]

    @Test("worked examples of the reference tiler", arguments: examples)
    func workedExample(_ example: TilingExample) throws {
        let geometry = try TileGeometry(size: example.size, patch: example.patch, overlap: example.overlap)
        #expect(geometry.starts == example.starts)
        #expect(geometry.crop(geometry.count - 1) == example.lastCrop)
        #expect(geometry.target(geometry.count - 1) == example.lastTarget)
        #expect(geometry.window(geometry.count - 1).upperBound == example.size + 2 * example.overlap)
    }

    @Test("patch_size ≥ size, patch_size ≤ 0, negative overlap and overlap ≥ size are rejected")
    func invalidGeometry() {
        for (size, patch, overlap, name) in [(16, 16, 2, "patch_size"), (16, 20, 2, "patch_size"),
                                             (16, 0, 2, "patch_size"), (16, 8, -1, "overlap"), (16, 8, 16, "overlap")] {
            #expect {
                try TileGeometry(size: size, patch: patch, overlap: overlap)
            } throws: { error in
                "\(error)".contains(name) && "\(error)".contains("\(size)")
            }
        }
    }

    @Test("targets partition the dimension; crops and targets agree; every kept pixel has full context")
    func partition() throws {
        for size in 2...40 {
            for patch in 1..<size {
                for overlap in 0..<size {
                    let g = try TileGeometry(size: size, patch: patch, overlap: overlap)
                    var next = 0
                    for j in 0..<g.count {
                        let (window, crop, target) = (g.window(j), g.crop(j), g.target(j))
                        #expect(target.lowerBound == next && !target.isEmpty)
                        #expect(crop.count == target.count)
                        #expect(window.lowerBound + crop.lowerBound - overlap == target.lowerBound)
                        #expect(window.lowerBound >= 0 && window.upperBound <= g.paddedSize)
                        #expect(crop.lowerBound >= overlap && crop.upperBound <= g.windowLength - overlap)
                        next = target.upperBound
                    }
                    #expect(next == size)
                }
            }
        }
    }

    @Test("reference grids: 2048² and 2048×1366 at 448/32, a 512³ volume at [8,256,256]/[2,16,16]")
    func referenceGrids() throws {
        let square = try Tiling(shape: [1, 1, 2048, 2048], patchSize: [448], overlap: [32])
        #expect(square.patches.count == 25 && square.windowShape == [512, 512])
        let wide = try Tiling(shape: [1, 3, 2048, 1366], patchSize: [448], overlap: [32])
        #expect(wide.patches.count == 20 && wide.windowShape == [512, 512])
        #expect(wide.patches[1].grid == [0, 1] && wide.patches[4].grid == [1, 0] && wide.patches[19].grid == [4, 3])
        #expect(wide.patches[3].target == [0..<448, 1344..<1366] && wide.patches[3].crop == [32..<480, 458..<480])
        let volume = try Tiling(shape: [1, 1, 512, 512, 512], patchSize: [8, 256, 256], overlap: [2, 16, 16])
        #expect(volume.patches.count == 256 && volume.windowShape == [12, 288, 288])
        #expect(volume.paddedShape == [1, 1, 516, 544, 544])
    }

    @Test("every output pixel is covered by exactly one patch target (2-D and 3-D)")
    func coverage() throws {
        for (spatial, patch, overlap) in [([37, 29], [8, 10], [2, 3]), ([13, 17, 11], [5, 6, 4], [1, 2, 0])] {
            let tiling = try Tiling(shape: [1, 1] + spatial, patchSize: patch, overlap: overlap)
            let e = Array(repeating: 1, count: 3 - spatial.count) + spatial
            var hits = [Int](repeating: 0, count: spatial.reduce(1, *))
            for p in tiling.patches {
                let t = Array(repeating: 0..<1, count: 3 - spatial.count) + p.target
                for z in t[0] { for y in t[1] { for x in t[2] { hits[(z * e[1] + y) * e[2] + x] += 1 } } }
            }
            #expect(hits.allSatisfy { $0 == 1 })
        }
    }

    @Test("identity denoiser: tiled output equals the input bit for bit")
    func identity() throws {
        var random = TilingRandom(state: 1)
        let cases: [([Int], [Int], [Int])] = [
            ([2, 3, 37, 29], [8, 10], [2, 3]), ([1, 1, 64, 64], [16], [4]), ([3, 2, 20, 9], [19, 4], [0, 8]),
            ([2, 2, 13, 17, 11], [5, 6, 4], [1, 2, 0]), ([1, 1, 9, 8, 7], [4], [3]),
        ]
        for (shape, patch, overlap) in cases {
            let x = random.tensor(shape)
            for maxBatchSize in [0, 1, 3] {
                let tiled = TiledDenoiser(inner: Identity(), patchSize: patch, overlap: overlap, maxBatchSize: maxBatchSize)
                #expect(try tiled.denoise(x, sigma: [0.1]) == x)
            }
        }
    }

    @Test("local operator: tiled equals untiled away from the border iff overlap ≥ receptive radius")
    func localOperator() throws {
        var random = TilingRandom(state: 2)
        let cases: [([Int], [Int], Int)] = [([2, 2, 41, 33], [8, 7], 1), ([1, 1, 30, 30], [9], 2),
                                            ([1, 2, 14, 15, 13], [4, 5, 6], 1)]
        for (shape, patch, radius) in cases {
            let x = random.tensor(shape)
            let untiled = try BoxFilter(radius: radius).denoise(x, sigma: [1])
            for overlap in [radius - 1, radius, radius + 2] {
                let tiled = try TiledDenoiser(inner: BoxFilter(radius: radius), patchSize: patch, overlap: [overlap],
                                              maxBatchSize: 2).denoise(x, sigma: [1])
                let (tiledValues, untiledValues) = (tiled.scalars, untiled.scalars)
                let equal = Self.interiorIndices(shape, margin: radius).allSatisfy { tiledValues[$0] == untiledValues[$0] }
                #expect(equal == (overlap >= radius), "shape \(shape) radius \(radius) overlap \(overlap)")
            }
        }
    }

    @Test("σ follows each batch item through the batching")
    func sigmaRouting() throws {
        var random = TilingRandom(state: 3)
        let x = random.tensor([3, 2, 21, 18])
        let sigma: [Float] = [0.5, 2, 3]
        let expected = try ScaleBySigma().denoise(x, sigma: sigma)
        for maxBatchSize in [0, 1, 2, 5] {
            let tiled = TiledDenoiser(inner: ScaleBySigma(), patchSize: [8, 5], overlap: [2, 1], maxBatchSize: maxBatchSize)
            #expect(try tiled.denoise(x, sigma: sigma) == expected)
            #expect(try tiled.denoise(x, sigma: [2]) == 2 * x)
            #expect(throws: DenoiserError.self) { try tiled.denoise(x, sigma: [1, 2]) }
        }
    }

    @Test("results do not depend on maxBatchSize; batches hold at most maxBatchSize windows")
    func batchingInvariance() throws {
        var random = TilingRandom(state: 4)
        for shape in [[2, 1, 23, 19], [2, 1, 10, 12, 9]] {
            let x = random.tensor(shape)
            let results = try [0, 1, 2, 5].map { maxBatchSize in
                try TiledDenoiser(inner: BoxFilter(radius: 1), patchSize: [4], overlap: [1],
                                  maxBatchSize: maxBatchSize).denoise(x, sigma: [0.25, 4])
            }
            #expect(results.allSatisfy { $0 == results[0] })
            let windows = try Tiling(shape: shape, patchSize: [4], overlap: [1]).patches.count * 2
            for maxBatchSize in [0, 1, 2, 5] {
                let log = BatchLog()
                _ = try TiledDenoiser(inner: log, patchSize: [4], overlap: [1], maxBatchSize: maxBatchSize)
                    .denoise(x, sigma: [1])
                let step = maxBatchSize == 0 ? windows : maxBatchSize
                let expected = (0..<((windows + step - 1) / step)).map { min(step, windows - $0 * step) }
                #expect(log.sizes.withLock { $0 } == expected)
            }
        }
    }

    @Test("extract is patch-major; patches split i mod P and placed separately rebuild the full output")
    func extractAndPlace() throws {
        var random = TilingRandom(state: 5)
        let x = random.tensor([2, 3, 19, 22])
        let tiling = try Tiling(shape: x.shape, patchSize: [6, 7], overlap: [2])
        let padded = try tiling.padded(x)
        let windows = try tiling.extract(patches: [3, 1], from: padded)
        #expect(windows.shape == [4, 3, 10, 11])
        for (position, patch) in [3, 1].enumerated() {
            for item in 0..<2 {
                let r = tiling.patches[patch].window
                let expected = try padded.slice(axis: 0, item..<(item + 1)).slice(axis: 2, r[0]).slice(axis: 3, r[1])
                #expect(try windows.slice(axis: 0, (position * 2 + item)..<(position * 2 + item + 1)) == expected)
            }
        }
        let full = try TiledDenoiser(inner: BoxFilter(radius: 2), patchSize: [6, 7], overlap: [2], maxBatchSize: 0)
            .denoise(x, sigma: [1])
        var output = Tensor(shape: x.shape)
        for rank in 0..<3 {
            let mine = tiling.patches.indices.filter { $0 % 3 == rank }
            let denoised = try BoxFilter(radius: 2).denoise(tiling.extract(patches: mine, from: padded), sigma: [1])
            try tiling.place(denoised, patches: mine, into: &output)
        }
        #expect(output == full)
        #expect(throws: DenoiserError.self) { try tiling.extract(patches: [0, 0], from: padded) }
        #expect(throws: DenoiserError.self) { try tiling.extract(patches: 0..<(tiling.patches.count + 1), from: padded) }
        #expect(throws: DenoiserError.self) { try tiling.extract(patches: [0], from: x) }
    }

    @Test("bad shapes, sizes and batch limits are rejected")
    func invalidUse() {
        let x = Tensor(shape: [1, 1, 16, 16])
        #expect(throws: DenoiserError.self) { try Tiling(shape: [1, 16, 16], patchSize: [8], overlap: [2]) }
        #expect(throws: DenoiserError.self) { try Tiling(shape: [1, 1, 8, 16, 16], patchSize: [4, 8], overlap: [2]) }
        #expect(throws: DenoiserError.self) {
            try TiledDenoiser(inner: Identity(), patchSize: [16], overlap: [2], maxBatchSize: 0).denoise(x, sigma: [1])
        }
        #expect(throws: DenoiserError.self) {
            try TiledDenoiser(inner: Identity(), patchSize: [8], overlap: [2], maxBatchSize: -1).denoise(x, sigma: [1])
        }
        #expect(throws: DenoiserError.self) {
            try TiledDenoiser(inner: WrongShape(), patchSize: [8], overlap: [2], maxBatchSize: 0).denoise(x, sigma: [1])
        }
    }

    /// Flat indices of the pixels at distance ≥ `margin` from every spatial border.
    static func interiorIndices(_ shape: [Int], margin: Int) -> [Int] {
        let strides = Tensor.strides(for: shape)
        return (0..<shape.reduce(1, *)).filter { index in
            (2..<shape.count).allSatisfy { axis in
                let i = index / strides[axis] % shape[axis]
                return i >= margin && i < shape[axis] - margin
            }
        }
    }
}
