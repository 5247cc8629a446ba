import Tensor

/// DRUNet's downsampling: a bias-free 2×2 (or 2×2×2) convolution with stride 2 (no padding),
/// channels-last; a 2×2×2 kernel merges pairs of planes of each volume.
struct StridedConvolution2x2 {
    let inputChannels: Int
    let outputChannels: Int
    /// Taps along depth: 1 for a 2×2 kernel, 2 for a 2×2×2 one.
    let kernelDepth: Int
    /// Weights as `[kernelDepth·4·inputChannels, outputChannels]`: row `((dz·2 + dy)·2 + dx)·Cin + ci`.
    let matrix: [Float]

    /// The half-size map (input height, width and, for a 2×2×2 kernel, depth must be even).
    func apply(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == inputChannels && input.height % 2 == 0 && input.width % 2 == 0
                     && input.depth % kernelDepth == 0, "StridedConvolution2x2: input does not match the layer")
        let (h, w, cin, cout) = (input.height / 2, input.width / 2, inputChannels, outputChannels)
        var output = FeatureMap(height: h, width: w, channels: cout, items: input.items / kernelDepth,
                                depth: input.depth / kernelDepth)
        let (k, outputRows) = (kernelDepth * 4 * cin, output.rows)
        let scratch = ScratchBuffers(count: w * k)
        defer { scratch.deallocate() }
        input.withPointer { x in
            output.withMutablePointer { y in
                matrix.withUnsafeBufferPointer { weights in
                    // Depths are even, so output plane p reads planes kernelDepth·p + dz of the
                    // same volume; heights are even, so its row r reads rows 2·r + dy.
                    parallelFor(outputRows) { row, participant in
                        let col = scratch[participant]
                        let (plane, r) = row.quotientAndRemainder(dividingBy: h)
                        for dz in 0..<kernelDepth {
                            for dy in 0..<2 {
                                let line = x + ((kernelDepth * plane + dz) * input.height + 2 * r + dy) * input.width * cin
                                for column in 0..<w {
                                    (col + column * k + (dz * 2 + dy) * 2 * cin).update(from: line + 2 * column * cin, count: 2 * cin)
                                }
                            }
                        }
                        GEMM.serial(transposeA: false, transposeB: false, m: w, n: cout, k: k, a: col, lda: k,
                                    b: weights.baseAddress!, ldb: cout, c: y + row * w * cout, ldc: cout)
                    }
                }
            }
        }
        return output
    }
}

extension StridedConvolution2x2 {
    /// From PyTorch's `[out, in, 2, 2]` or `[out, in, 2, 2, 2]` weights.
    init(weights: Tensor) {
        let (cout, cin) = (weights.shape[0], weights.shape[1])
        self.init(inputChannels: cin, outputChannels: cout, kernelDepth: weights.rank == 5 ? 2 : 1,
                  matrix: WeightMatrix.tapMajor(weights) { co, ci, tap in (tap * cin + ci) * cout + co })
    }
}
