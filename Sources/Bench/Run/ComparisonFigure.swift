import Formats
import Tensor

/// The reconstruction figure of a run: ground truth | initialisation | reconstruction |
/// |error|, each `[…, H, W]` image on one grey scale (the dataset's value range, values outside
/// clipped) except the error, scaled to its own maximum; panels separated by white gaps.
public enum ComparisonFigure {
    /// Writes the four panels as an 8-bit PNG.
    public static func write(truth: Tensor, initial: Tensor, reconstruction: Tensor, range: ClosedRange<Float>,
                             to path: String) throws {
        guard truth.rank >= 2, initial.shape == truth.shape, reconstruction.shape == truth.shape else {
            throw FormatError(file: path, "comparison figure: images of shapes \(truth.shape), \(initial.shape), \(reconstruction.shape)")
        }
        let (h, w) = (truth.shape[truth.rank - 2], truth.shape[truth.rank - 1])
        let span = max(range.upperBound - range.lowerBound, 1e-12)
        var error = reconstruction - truth
        error.withUnsafeMutableBufferPointer { values in for index in 0..<(h * w) { values[index] = abs(values[index]) } }
        let errorScale = max(error.max() ?? 0, 1e-12)
        let gap = 6, width = 4 * w + 3 * gap
        var canvas = [Float](repeating: 1, count: h * width)
        for (panel, (image, low, scale)) in [(truth, range.lowerBound, span), (initial, range.lowerBound, span),
                                             (reconstruction, range.lowerBound, span), (error, 0, errorScale)].enumerated() {
            image.withUnsafeBufferPointer { pixels in
                for i in 0..<h {
                    for j in 0..<w {
                        canvas[i * width + panel * (w + gap) + j] = min(max((pixels[i * w + j] - low) / scale, 0), 1)
                    }
                }
            }
        }
        try PNG.writeGrey(Tensor(shape: [h, width], values: canvas), range: 0...1, to: path)
    }
}
