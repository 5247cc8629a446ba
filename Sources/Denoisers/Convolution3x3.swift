import Tensor

/// A bias-free 3×3 (or 3×3×3) convolution, stride 1, zero padding 1, on channels-last maps; a
/// 3×3×3 kernel reads each plane's neighbours along the depth of its volume.
///
/// Layers whose channel counts are multiples of 8 use Winograd's F(4×4, 3×3)
/// (`WinogradConvolution3x3`); the others (DRUNet's head with its σ channel, a grey tail) use
/// im2col: rows of the output are computed in bands, a band's im2col matrix (one row per pixel,
/// the 3×3 or 3×3×3 neighbourhood's channels side by side) is multiplied by the weights with a
/// single-threaded GEMM, and bands run in parallel. A band holds rows of one item, and every item
/// is cut the same way, so results depend neither on the thread count nor on the batch.
struct Convolution3x3 {
    /// How the convolution is computed.
    enum Algorithm {
        case im2col
        case winograd
    }

    let inputChannels: Int
    let outputChannels: Int
    /// Taps along depth: 1 for a 3×3 kernel, 3 for a 3×3×3 one.
    let kernelDepth: Int
    /// The weights as a `[kernelDepth·9·inputChannels, outputChannels]` matrix: row
    /// `((dz·3 + dy)·3 + dx)·Cin + ci`.
    let matrix: [Float]
    /// How the layer is computed.
    let algorithm: Algorithm

    /// Target size of one band's im2col matrix.
    static let bandBytes = 4 << 20

    /// From PyTorch's `[out, in, 3, 3]` or `[out, in, 3, 3, 3]` weights; `algorithm` nil picks
    /// Winograd where supported.
    init(weights: Tensor, algorithm: Algorithm? = nil) {
        let (cout, cin) = (weights.shape[0], weights.shape[1])
        let supported = WinogradConvolution3x3.supports(inputChannels: cin, outputChannels: cout)
        precondition(algorithm != .winograd || supported, "Convolution3x3: Winograd needs channel counts that are multiples of 8")
        self.init(inputChannels: cin, outputChannels: cout, kernelDepth: weights.rank == 5 ? 3 : 1,
                  matrix: WeightMatrix.tapMajor(weights) { co, ci, tap in (tap * cin + ci) * cout + co },
                  algorithm: algorithm ?? (supported ? .winograd : .im2col))
    }

    init(inputChannels: Int, outputChannels: Int, kernelDepth: Int, matrix: [Float], algorithm: Algorithm) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelDepth = kernelDepth
        self.matrix = matrix
        self.algorithm = algorithm
    }

    /// `output = conv(input)`, or `output += conv(input)` when `accumulate`; then ReLU when `relu`.
    func apply(_ input: FeatureMap, into output: inout FeatureMap, accumulate: Bool = false, relu: Bool = false,
               workspace: Workspace) {
        precondition(input.channels == inputChannels && output.channels == outputChannels
                     && output.height == input.height && output.width == input.width && output.items == input.items
                     && output.depth == input.depth, "Convolution3x3: shapes do not match the layer")
        if algorithm == .winograd && kernelDepth == 1 {
            return WinogradConvolution3x3.apply(input, matrix: matrix, outputChannels: outputChannels, into: &output,
                                                accumulate: accumulate, relu: relu, workspace: workspace)
        }
        if algorithm == .winograd {
            return WinogradConvolution3x3.applyVolume(input, matrix: matrix, outputChannels: outputChannels, into: &output,
                                                      accumulate: accumulate, relu: relu, workspace: workspace)
        }
        let (h, w, cin, cout, depth) = (input.height, input.width, inputChannels, outputChannels, input.depth)
        let k = kernelDepth * 9 * cin, plane = h * w * cin
        // Bands are rows of one item, cut the same way in every item: each item meets the same
        // GEMM calls whatever else is in the batch (OpenBLAS may sum a row in an order that
        // depends on its place in the call: docs/determinism.md).
        let rowsPerBand = max(1, min(h, Convolution3x3.bandBytes / (4 * w * k)))
        let bandsPerItem = (h + rowsPerBand - 1) / rowsPerBand
        let scratchStride = (rowsPerBand * w * k + 15) & ~15
        let scratch = workspace.buffer(4, count: scratchStride * ThreadPool.shared.threadCount, of: Float.self)
        input.withPointer { x in
            output.withMutablePointer { y in
                matrix.withUnsafeBufferPointer { weights in
                    parallelFor(input.items * bandsPerItem) { band, participant in
                        let (item, part) = band.quotientAndRemainder(dividingBy: bandsPerItem)
                        let first = part * rowsPerBand, rows = min(rowsPerBand, h - first)
                        let col = scratch + participant * scratchStride
                        for r in 0..<rows {
                            for dz in 0..<kernelDepth {
                                // The plane dz − 1 away along the volume's depth (the item itself in 2-D).
                                let offset = dz - kernelDepth / 2, source = item % depth + offset
                                let target = col + r * w * k + dz * 9 * cin
                                if source >= 0 && source < depth {
                                    Convolution3x3.gatherRow(x + (item + offset) * plane, row: first + r, height: h, width: w,
                                                             channels: cin, into: target, pixelStride: k)
                                } else {
                                    for column in 0..<w { (target + column * k).initialize(repeating: 0, count: 9 * cin) }
                                }
                            }
                        }
                        let target = y + (item * h + first) * w * cout
                        GEMM.serial(transposeA: false, transposeB: false, m: rows * w, n: cout, k: k,
                                    a: col, lda: k, b: weights.baseAddress!, ldb: cout,
                                    beta: accumulate ? 1 : 0, c: target, ldc: cout)
                        if relu { Activation.relu(target, count: rows * w * cout) }
                    }
                }
            }
        }
    }

    /// The im2col rows of image row `row`: for each pixel, its 3×3 neighbourhood (zeros outside),
    /// `9·c` values at `col + column·pixelStride`.
    static func gatherRow(_ x: UnsafePointer<Float>, row: Int, height: Int, width w: Int, channels c: Int,
                          into col: UnsafeMutablePointer<Float>, pixelStride: Int) {
        for dy in 0..<3 {
            let source = row + dy - 1
            for column in 0..<w {
                let target = col + column * pixelStride + dy * 3 * c
                guard source >= 0 && source < height else {
                    target.initialize(repeating: 0, count: 3 * c)
                    continue
                }
                let line = x + source * w * c
                if column > 0 && column < w - 1 {
                    target.update(from: line + (column - 1) * c, count: 3 * c)
                } else {
                    for dx in 0..<3 {
                        let sc = column + dx - 1
                        if sc >= 0 && sc < w {
                            (target + dx * c).update(from: line + sc * c, count: c)
                        } else {
                            (target + dx * c).initialize(repeating: 0, count: c)
                        }
                    }
                }
            }
        }
    }
}

/// Elementwise activations on raw buffers.
enum Activation {
    /// `x = max(x, 0)` in place.
    static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        let zero = SIMD16<Float>()
        while index + 16 <= count {
            let raw = UnsafeMutableRawPointer(x + index)
            var value = raw.loadUnaligned(as: SIMD16<Float>.self)
            value.replace(with: zero, where: value .< zero)
            raw.storeBytes(of: value, as: SIMD16<Float>.self)
            index += 16
        }
        while index < count {
            if x[index] < 0 { x[index] = 0 }
            index += 1
        }
    }
}
