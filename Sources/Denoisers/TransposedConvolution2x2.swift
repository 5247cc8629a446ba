import Tensor

/// DRUNet's upsampling: a bias-free 2×2 (or 2×2×2) transposed convolution with stride 2,
/// channels-last. Each output pixel receives exactly one tap, so it is one GEMM followed by a
/// scatter.
struct TransposedConvolution2x2 {
    let inputChannels: Int
    let outputChannels: Int
    /// Taps along depth: 1 for a 2×2 kernel, 2 for a 2×2×2 one.
    let kernelDepth: Int
    /// Weights as `[inputChannels, kernelDepth·4·outputChannels]`: column `((dz·2 + dy)·2 + dx)·Cout + co`.
    let matrix: [Float]

    /// The double-size map (double depth too for a 2×2×2 kernel).
    func apply(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == inputChannels, "TransposedConvolution2x2: input does not match the layer")
        let (h, w, cin, cout, taps) = (input.height, input.width, inputChannels, outputChannels, 4 * kernelDepth)
        var output = FeatureMap(height: 2 * h, width: 2 * w, channels: cout, items: input.items * kernelDepth,
                                depth: input.depth * kernelDepth)
        let scratch = ScratchBuffers(count: w * taps * cout)
        defer { scratch.deallocate() }
        input.withPointer { x in
            output.withMutablePointer { y in
                matrix.withUnsafeBufferPointer { weights in
                    parallelFor(input.rows) { row, participant in
                        let products = scratch[participant]
                        let (plane, r) = row.quotientAndRemainder(dividingBy: h)
                        GEMM.serial(transposeA: false, transposeB: false, m: w, n: taps * cout, k: cin,
                                    a: x + row * w * cin, lda: cin, b: weights.baseAddress!, ldb: taps * cout,
                                    c: products, ldc: taps * cout)
                        for dz in 0..<kernelDepth {
                            for dy in 0..<2 {
                                let line = y + ((kernelDepth * plane + dz) * 2 * h + 2 * r + dy) * 2 * w * cout
                                for column in 0..<w {
                                    (line + 2 * column * cout).update(from: products + (column * taps + (dz * 2 + dy) * 2) * cout,
                                                                      count: 2 * cout)
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

extension TransposedConvolution2x2 {
    /// From PyTorch's `[in, out, 2, 2]` or `[in, out, 2, 2, 2]` transposed-convolution weights.
    init(weights: Tensor) {
        let (cin, cout) = (weights.shape[0], weights.shape[1])
        let taps = weights.rank == 5 ? 8 : 4
        self.init(inputChannels: cin, outputChannels: cout, kernelDepth: taps / 4,
                  matrix: WeightMatrix.tapMajor(weights) { ci, co, tap in (ci * taps + tap) * cout + co })
    }
}
