/// The 2-D → 3-D weight conversion of benchmark_invprob_inference (`benchmark_utils/support_3d.py`),
/// on our layers' GEMM matrices: every 3-D kernel starts filled with `fill`; an odd-sized (3×3)
/// kernel becomes the centre depth slice (index k/2); an even-sized (2×2) kernel, divided by k = 2,
/// becomes both depth slices. Not DeepInverse's own `initialize_3d_from_2d`, which zero-fills and
/// puts an odd kernel in slice k/2 + 1.
enum DepthExtension {
    /// The taps that have no 2-D counterpart.
    static let fill: Float = 1e-8
}

extension Convolution3x3 {
    /// The 3×3×3 layer of this 3×3 one: depth slices 0 and 2 all `DepthExtension.fill`, slice 1
    /// the 2-D kernel (the matrix is depth-slice-major).
    func extendedToDepth() -> Convolution3x3 {
        precondition(kernelDepth == 1, "Convolution3x3: the layer is already 3-D")
        let border = [Float](repeating: DepthExtension.fill, count: matrix.count)
        return Convolution3x3(inputChannels: inputChannels, outputChannels: outputChannels, kernelDepth: 3,
                              matrix: border + matrix + border, algorithm: algorithm)
    }
}

extension StridedConvolution2x2 {
    /// The 2×2×2 layer of this 2×2 one: the kernel halved in both depth slices.
    func extendedToDepth() -> StridedConvolution2x2 {
        precondition(kernelDepth == 1, "StridedConvolution2x2: the layer is already 3-D")
        let half = matrix.map { $0 / 2 }
        return StridedConvolution2x2(inputChannels: inputChannels, outputChannels: outputChannels, kernelDepth: 2,
                                     matrix: half + half)
    }
}

extension TransposedConvolution2x2 {
    /// The 2×2×2 layer of this 2×2 one: the kernel halved in both depth slices (each input
    /// channel's row of 4·Cout columns becomes two halved copies).
    func extendedToDepth() -> TransposedConvolution2x2 {
        precondition(kernelDepth == 1, "TransposedConvolution2x2: the layer is already 3-D")
        let row = 4 * outputChannels
        let matrix = (0..<inputChannels).flatMap { ci in
            let half = self.matrix[(ci * row)..<((ci + 1) * row)].map { $0 / 2 }
            return half + half
        }
        return TransposedConvolution2x2(inputChannels: inputChannels, outputChannels: outputChannels, kernelDepth: 2,
                                        matrix: matrix)
    }
}

extension DRUNetLayers {
    /// The 3-D network of these 2-D layers, layer by layer.
    func extendedToDepth() -> DRUNetLayers {
        func extended(_ blocks: [ResidualBlock]) -> [ResidualBlock] {
            blocks.map { ResidualBlock(first: $0.first.extendedToDepth(), second: $0.second.extendedToDepth()) }
        }
        return DRUNetLayers(head: head.extendedToDepth(),
                            down: down.map { (extended($0.blocks), $0.resample.extendedToDepth()) },
                            body: extended(body),
                            up: up.map { ($0.resample.extendedToDepth(), extended($0.blocks)) },
                            tail: tail.extendedToDepth())
    }
}
