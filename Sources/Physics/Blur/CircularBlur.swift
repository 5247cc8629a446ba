import Tensor

/// A blur with periodic boundaries (DeepInverse's `Blur(padding="circular", use_fft=True)`):
/// `y[i, j] = Σ_{a,b} K[a, b]·x[(i − a + c) mod H, (j − b + c) mod W]` for a kernel `K [k, k]`,
/// k = 2c + 1, the same on every channel of images `[B, C, H, W]`. Computed by FFT (FFTW, single
/// precision, one real-to-complex plan pair per image shape): `y = irfft2(rfft2(x)·rfft2(K̃))`,
/// where K̃ is K zero-padded to H×W and rolled by (−c, −c). The adjoint is the correlation, the
/// conjugate spectrum; for a kernel of non-negative values summing to 1, ‖A‖ = 1.
public final class CircularBlur: LinearOperator, @unchecked Sendable {
    /// Image height and width.
    public let height: Int, width: Int
    /// The kernel's spectrum, H × (W/2 + 1) complex values as (real, imaginary), with FFTW's
    /// 1/(H·W) normalisation folded in.
    let spectrum: [Float]
    /// The FFTs of this image size.
    let fft: PlaneFFT

    /// The blur of `kernel` (`[k, k]`, k odd) on images of `height` × `width`.
    public init(kernel: Tensor, height: Int, width: Int) throws {
        guard kernel.rank == 2, kernel.shape[0] == kernel.shape[1], kernel.shape[0] % 2 == 1 else {
            throw PhysicsError("blur: expected a square kernel [k, k] with k odd, got shape \(kernel.shape)")
        }
        guard height > 0, width > 0 else { throw PhysicsError("blur: expected an image size > 0, got \(height)×\(width)") }
        (self.height, self.width) = (height, width)
        let fft = PlaneFFT(height: height, width: width)
        self.fft = fft
        // K̃: K zero-padded and rolled so that its centre sits at (0, 0); taps that wrap add up.
        var padded = [Float](repeating: 0, count: height * width)
        let size = kernel.shape[0], c = size / 2
        kernel.withUnsafeBufferPointer { taps in
            for a in 0..<size {
                for b in 0..<size {
                    let row = ((a - c) % height + height) % height, column = ((b - c) % width + width) % width
                    padded[row * width + column] += taps[a * size + b]
                }
            }
        }
        var values = [Float](repeating: 0, count: 2 * fft.bins)
        values.withUnsafeMutableBufferPointer { fft.forward(padded, into: $0.baseAddress!) }
        let scale = 1 / Float(height * width)
        spectrum = values.map { $0 * scale }
    }

    public func domainShape(batch: Int, channels: Int) -> [Int] { [batch, channels, height, width] }
    public func rangeShape(batch: Int, channels: Int) -> [Int] { [batch, channels, height, width] }

    /// `A x`: the blur of every channel.
    public func apply(_ x: Tensor) throws -> Tensor {
        _ = try check(x, against: domainShape, role: "blur input")
        return filtered(x, conjugate: false)
    }

    /// `Aᵀ y`: the correlation of every channel with the kernel.
    public func adjoint(_ y: Tensor) throws -> Tensor {
        _ = try check(y, against: rangeShape, role: "blur adjoint input")
        return filtered(y, conjugate: true)
    }

    /// Every H×W plane of `input` multiplied in frequency by the kernel's spectrum (or its
    /// conjugate), planes in parallel; each plane's result depends on that plane alone.
    private func filtered(_ input: Tensor, conjugate: Bool) -> Tensor {
        let pixels = height * width, bins = fft.bins
        var output = input
        let sign: Float = conjugate ? -1 : 1
        output.withUnsafeMutableBufferPointer { target in
            let target = target.baseAddress!
            parallelFor(input.count / pixels) { plane in
                fft.filter(target + plane * pixels) { values in
                    spectrum.withUnsafeBufferPointer { kernel in
                        for bin in 0..<bins {
                            let (xr, xi) = (values[2 * bin], values[2 * bin + 1])
                            let (kr, ki) = (kernel[2 * bin], sign * kernel[2 * bin + 1])
                            values[2 * bin] = xr * kr - xi * ki
                            values[2 * bin + 1] = xr * ki + xi * kr
                        }
                    }
                }
            }
        }
        return output
    }
}
