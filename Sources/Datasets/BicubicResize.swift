import Tensor

/// PyTorch's `interpolate(mode="bicubic", align_corners=False)` without antialiasing, as the
/// reference resizes its colour image: separable cubic convolution with A = −0.75, output pixel
/// `d` sampling source coordinate `(d + 0.5)·in/out − 0.5` (not clamped), taps at
/// `⌊s⌋ − 1 … ⌊s⌋ + 2` clamped to the image, the result not clamped either.
public enum BicubicResize {
    /// The reference's size for a longest side of `side`: scale `side / max(h, w)`, each side
    /// truncated (`int(h·scale)`), as Python computes it in double precision.
    public static func size(height: Int, width: Int, longestSide side: Int) -> (height: Int, width: Int) {
        let scale = Double(side) / Double(max(height, width))
        return (Int(Double(height) * scale), Int(Double(width) * scale))
    }

    /// `image` `[B, C, H, W]` resized to `height` × `width`.
    public static func resize(_ image: Tensor, height: Int, width: Int) throws -> Tensor {
        guard image.rank == 4, image.count > 0 else {
            throw DatasetError("bicubic resize: expected an image [B, C, H, W], got shape \(image.shape)")
        }
        guard height > 0, width > 0 else { throw DatasetError("bicubic resize: expected a size > 0, got \(height)×\(width)") }
        let (planes, inHeight, inWidth) = (image.shape[0] * image.shape[1], image.shape[2], image.shape[3])
        let rows = taps(input: inHeight, output: height), columns = taps(input: inWidth, output: width)
        var output = Tensor(shape: [image.shape[0], image.shape[1], height, width])
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                let (source, target) = (source.baseAddress!, target.baseAddress!)
                parallelFor(planes) { plane in
                    // Along the width first, into a buffer of inHeight × width, then along the height.
                    var horizontal = [Float](repeating: 0, count: inHeight * width)
                    let input = source + plane * inHeight * inWidth
                    for row in 0..<inHeight {
                        for (column, tap) in columns.enumerated() {
                            horizontal[row * width + column] = tap.apply { input[row * inWidth + $0] }
                        }
                    }
                    let result = target + plane * height * width
                    for (row, tap) in rows.enumerated() {
                        for column in 0..<width {
                            result[row * width + column] = tap.apply { horizontal[$0 * width + column] }
                        }
                    }
                }
            }
        }
        return output
    }

    /// The four source indices (clamped) and weights of one output position.
    struct Tap {
        let indices: (Int, Int, Int, Int)
        let weights: (Float, Float, Float, Float)

        /// `Σ weight·value(index)`, in PyTorch's order.
        func apply(_ value: (Int) -> Float) -> Float {
            value(indices.0) * weights.0 + value(indices.1) * weights.1 + value(indices.2) * weights.2
                + value(indices.3) * weights.3
        }
    }

    /// The taps of every output position along an axis of `input` samples resized to `output`.
    static func taps(input: Int, output: Int) -> [Tap] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { destination in
            // One rounding (a fused multiply-add), as PyTorch's vectorised CPU kernel rounds it;
            // Swift's `addingProduct` is fused on every machine, so the taps never depend on the CPU.
            let source = Float(-0.5).addingProduct(scale, Float(destination) + 0.5)
            let floor = source.rounded(.down), t = source - floor
            let index = Int(floor)
            func clamped(_ i: Int) -> Int { min(max(i, 0), input - 1) }
            return Tap(indices: (clamped(index - 1), clamped(index), clamped(index + 1), clamped(index + 2)),
                       weights: cubicWeights(t))
        }
    }

    /// Keys' cubic convolution weights (A = −0.75) of the taps at distances 1 + t, t, 1 − t, 2 − t.
    static func cubicWeights(_ t: Float) -> (Float, Float, Float, Float) {
        let a: Float = -0.75
        func near(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func far(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return (far(t + 1), near(t), near(1 - t), far(2 - t))
    }
}
