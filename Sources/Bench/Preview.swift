import Formats
import Tensor

/// Small greyscale figures for a quick look at a dataset.
public enum Preview {
    /// Writes `image` `[1,1,N,N]` (grey levels over `imageRange`) and `sinogram` `[1,1,A,G]`
    /// (scaled to its own min…max, rows repeated so that it is about N tall) side by side,
    /// separated by a white gap, as an 8-bit PNG.
    public static func writeSideBySide(image: Tensor, imageRange: ClosedRange<Float>, sinogram: Tensor,
                                       to path: String) throws {
        let n = image.shape[image.rank - 1], height = image.shape[image.rank - 2]
        let angles = sinogram.shape[sinogram.rank - 2], detectors = sinogram.shape[sinogram.rank - 1]
        let rowRepeat = max(1, height / max(angles, 1)), sinogramHeight = angles * rowRepeat
        let gap = 8, width = n + gap + detectors, rows = max(height, sinogramHeight)
        let low = sinogram.min() ?? 0, high = max(sinogram.max() ?? 1, low + 1e-6)
        let span = imageRange.upperBound - imageRange.lowerBound
        var canvas = [Float](repeating: 1, count: rows * width)
        image.withUnsafeBufferPointer { pixels in
            for i in 0..<height {
                for j in 0..<n { canvas[i * width + j] = (pixels[i * n + j] - imageRange.lowerBound) / span }
            }
        }
        sinogram.withUnsafeBufferPointer { values in
            for row in 0..<sinogramHeight {
                let a = row / rowRepeat
                for k in 0..<detectors { canvas[row * width + n + gap + k] = (values[a * detectors + k] - low) / (high - low) }
            }
        }
        try PNG.writeGrey(Tensor(shape: [rows, width], values: canvas), range: 0...1, to: path)
    }
}
