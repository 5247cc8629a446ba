import Tensor

/// The two sums a `CircularBlurStack` is made of, in double: `Σ_k |κ_k|²` per frequency bin, then
/// `Σ_k conj(κ_k)·Y_k` per image plane (real and imaginary parts interleaved). Sums of a few
/// float terms in double round to the same float however the blurs are grouped, so ranks that
/// hold some blurs each can add theirs (an all-reduce of `values`) and get what one process gets.
public struct SpectralSums: Sendable {
    /// The images' shape `[B, C, H, W]`.
    public let imageShape: [Int]
    /// The sums: `bins` values of `Σ|κ_k|²`, then `2·bins` per plane of `Σ conj(κ_k)·Y_k`.
    public var values: [Double]

    /// Zero sums for images of `imageShape` (a rank without blurs).
    public init(imageShape: [Int]) throws {
        guard imageShape.count == 4, imageShape.allSatisfy({ $0 > 0 }) else {
            throw PhysicsError("blur stack: expected an image shape [B, C, H, W], got \(imageShape)")
        }
        self.imageShape = imageShape
        let bins = imageShape[2] * (imageShape[3] / 2 + 1)
        values = [Double](repeating: 0, count: bins * (1 + 2 * imageShape[0] * imageShape[1]))
    }

    /// The sums over `blurs` (all of the image's size) and their measurements of `imageShape`.
    public init(blurs: [CircularBlur], measurements: [Tensor], imageShape: [Int]) throws {
        try self.init(imageShape: imageShape)
        guard blurs.count == measurements.count else {
            throw PhysicsError("blur stack: expected as many measurements as blurs (at least one), got \(blurs.count) blurs and \(measurements.count) measurements")
        }
        guard blurs.allSatisfy({ $0.height == imageShape[2] && $0.width == imageShape[3] }),
              measurements.allSatisfy({ $0.shape == imageShape }) else {
            throw PhysicsError("blur stack: expected blurs of one size and measurements [B, C, \(imageShape[2]), \(imageShape[3])], got \(measurements.map(\.shape))")
        }
        guard let fft = blurs.first?.fft else { return }
        let bins = fft.bins, planes = imageShape[0] * imageShape[1]
        for blur in blurs {
            for bin in 0..<bins {
                let (kr, ki) = (Double(blur.spectrum[2 * bin]), Double(blur.spectrum[2 * bin + 1]))
                values[bin] += kr * kr + ki * ki
            }
        }
        values.withUnsafeMutableBufferPointer { buffer in
            let data = buffer.baseAddress! + bins
            parallelFor(planes) { plane in
                var spectrum = [Float](repeating: 0, count: 2 * bins)
                let sum = data + plane * 2 * bins
                for (blur, y) in zip(blurs, measurements) {
                    y.withUnsafeBufferPointer { fft.forward($0.baseAddress! + plane * fft.pixels, into: &spectrum) }
                    for bin in 0..<bins {
                        let (yr, yi) = (Double(spectrum[2 * bin]), Double(spectrum[2 * bin + 1]))
                        let (kr, ki) = (Double(blur.spectrum[2 * bin]), -Double(blur.spectrum[2 * bin + 1]))
                        sum[2 * bin] += yr * kr - yi * ki
                        sum[2 * bin + 1] += yr * ki + yi * kr
                    }
                }
            }
        }
    }
}
