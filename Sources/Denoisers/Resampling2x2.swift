import Tensor

/// DRUNet's downsampling: a bias-free 2×2 convolution with stride 2 (no padding), channels-last.
struct StridedConvolution2x2 {
    let inputChannels: Int
    let outputChannels: Int
    /// Weights as `[4·inputChannels, outputChannels]`: row `(dy·2 + dx)·Cin + ci`.
    let matrix: [Float]

    /// From PyTorch's `[out, in, 2, 2]` weights.
    init(weights: Tensor) {
        let (cout, cin) = (weights.shape[0], weights.shape[1])
        inputChannels = cin
        outputChannels = cout
        matrix = WeightMatrix.tapMajor(weights) { co, ci, tap in (tap * cin + ci) * cout + co }
    }

    /// The half-size map (input height and width must be even).
    func apply(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == inputChannels && input.height % 2 == 0 && input.width % 2 == 0,
                     "StridedConvolution2x2: input does not match the layer")
        let (h, w, cin, cout) = (input.height / 2, input.width / 2, inputChannels, outputChannels)
        var output = FeatureMap(height: h, width: w, channels: cout, items: input.items)
        let (k, outputRows) = (4 * cin, output.rows)
        let scratch = ScratchBuffers(count: w * k)
        defer { scratch.deallocate() }
        input.withPointer { x in
            output.withMutablePointer { y in
                matrix.withUnsafeBufferPointer { weights in
                    // Item heights are even, so output row `row` of the stack reads rows 2·row and
                    // 2·row + 1 of the same item.
                    parallelFor(outputRows) { row, participant in
                        let col = scratch[participant]
                        for dy in 0..<2 {
                            let line = x + (2 * row + dy) * input.width * cin
                            for column in 0..<w {
                                (col + column * k + dy * 2 * cin).update(from: line + 2 * column * cin, count: 2 * cin)
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

/// DRUNet's upsampling: a bias-free 2×2 transposed convolution with stride 2, channels-last.
/// Each output pixel receives exactly one tap, so it is one GEMM followed by a scatter.
struct TransposedConvolution2x2 {
    let inputChannels: Int
    let outputChannels: Int
    /// Weights as `[inputChannels, 4·outputChannels]`: column `(dy·2 + dx)·Cout + co`.
    let matrix: [Float]

    /// From PyTorch's `[in, out, 2, 2]` transposed-convolution weights.
    init(weights: Tensor) {
        let (cin, cout) = (weights.shape[0], weights.shape[1])
        inputChannels = cin
        outputChannels = cout
        matrix = WeightMatrix.tapMajor(weights) { ci, co, tap in (ci * 4 + tap) * cout + co }
    }

    /// The double-size map.
    func apply(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == inputChannels, "TransposedConvolution2x2: input does not match the layer")
        let (h, w, cin, cout) = (input.height, input.width, inputChannels, outputChannels)
        var output = FeatureMap(height: 2 * h, width: 2 * w, channels: cout, items: input.items)
        let scratch = ScratchBuffers(count: w * 4 * cout)
        defer { scratch.deallocate() }
        input.withPointer { x in
            output.withMutablePointer { y in
                matrix.withUnsafeBufferPointer { weights in
                    parallelFor(input.rows) { row, participant in
                        let products = scratch[participant]
                        GEMM.serial(transposeA: false, transposeB: false, m: w, n: 4 * cout, k: cin,
                                    a: x + row * w * cin, lda: cin, b: weights.baseAddress!, ldb: 4 * cout,
                                    c: products, ldc: 4 * cout)
                        for dy in 0..<2 {
                            let line = y + (2 * row + dy) * 2 * w * cout
                            for column in 0..<w {
                                (line + 2 * column * cout).update(from: products + (column * 4 + dy * 2) * cout, count: 2 * cout)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
