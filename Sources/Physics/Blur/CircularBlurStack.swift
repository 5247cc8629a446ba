import Tensor

/// The least-squares terms of several circular blurs of one image size, `½ Σ_k ‖A_k x − y_k‖²`,
/// computed in the Fourier domain: with the blurs' spectra κ_k and the measurements' spectra Y_k
/// taken once, `Σ_k A_kᵀ A_k x = F⁻¹(Σ_k |κ_k|²·F x)` and `Σ_k A_kᵀ y_k = F⁻¹(Σ_k conj(κ_k)·Y_k)`.
/// A gradient then costs one forward and one inverse FFT per plane, whatever the number of
/// blurs, where applying each blur and its adjoint costs 4 per blur; the measurements themselves
/// are not kept. The same mathematics as the operators one by one, rounded differently (within
/// 1e-5 of the range; tested).
///
/// The two spectral sums are accumulated in double and rounded once (`SpectralSums`), so ranks
/// that each hold some blurs can add their sums (one all-reduce) and build the very stack one
/// process builds from all of them: after that, no iteration needs a collective.
public final class CircularBlurStack: @unchecked Sendable {
    /// Image height and width.
    public let height: Int, width: Int
    /// The images' shape `[B, C, H, W]`.
    public let imageShape: [Int]
    /// Planes (batch × channels) of the images.
    let planes: Int
    /// How many blurs the sums run over.
    public let count: Int
    /// `H·W·Σ_k |κ_k|²` per bin: the normal operator's (real) spectrum, FFTW's scaling folded in.
    private let normalSpectrum: [Float]
    /// `Σ_k conj(κ_k)·Y_k` per plane: the spectrum of `Σ_k A_kᵀ y_k`.
    private let dataSpectrum: [Float]
    private let fft: PlaneFFT

    /// The stack of `blurs` (all of one image size) and their measurements `[B, C, H, W]`, one per
    /// blur, all of one shape.
    public convenience init(blurs: [CircularBlur], measurements: [Tensor]) throws {
        guard let first = blurs.first else {
            throw PhysicsError("blur stack: expected as many measurements as blurs (at least one), got \(blurs.count) blurs and \(measurements.count) measurements")
        }
        let sums = try SpectralSums(blurs: blurs, measurements: measurements, imageShape: measurements.first?.shape ?? [])
        try self.init(sums: sums, count: blurs.count, fft: first.fft)
    }

    /// The stack whose spectral sums are `sums` (over `count` blurs in all, possibly added over
    /// ranks), for images of the sums' shape.
    public convenience init(sums: SpectralSums, count: Int) throws {
        try self.init(sums: sums, count: count, fft: PlaneFFT(height: sums.imageShape[2], width: sums.imageShape[3]))
    }

    private init(sums: SpectralSums, count: Int, fft: PlaneFFT) throws {
        guard count > 0 else { throw PhysicsError("blur stack: expected at least one blur, got \(count)") }
        (height, width, imageShape, planes, self.count, self.fft) = (sums.imageShape[2], sums.imageShape[3], sums.imageShape,
                                                                     sums.imageShape[0] * sums.imageShape[1], count, fft)
        let scale = Double(height * width), bins = fft.bins
        normalSpectrum = sums.values[0..<bins].map { Float(scale * $0) }
        dataSpectrum = sums.values[bins...].map { Float($0) }
    }

    /// Refuses an image not of `imageShape`.
    func check(_ x: Tensor) throws {
        guard x.shape == imageShape else { throw PhysicsError("blur stack: expected an image of shape \(imageShape), got \(x.shape)") }
    }

    /// `Σ_k A_kᵀ (A_k x − y_k)`.
    public func gradient(_ x: Tensor) throws -> Tensor { try filtered(x, subtractingData: true) }

    /// `Σ_k A_kᵀ A_k x`.
    public func normal(_ x: Tensor) throws -> Tensor { try filtered(x, subtractingData: false) }

    /// `Σ_k A_kᵀ y_k`.
    public func adjointOfMeasurements() throws -> Tensor {
        var output = Tensor(shape: imageShape)
        let (fft, pixels, bins) = (fft, fft.pixels, fft.bins)
        output.withUnsafeMutableBufferPointer { target in
            let target = target.baseAddress!
            dataSpectrum.withUnsafeBufferPointer { data in
                parallelFor(planes) { plane in fft.inverse(data.baseAddress! + plane * 2 * bins, into: target + plane * pixels) }
            }
        }
        return output
    }

    /// Each plane of `x` multiplied in frequency by the normal spectrum, less the data spectrum.
    private func filtered(_ x: Tensor, subtractingData: Bool) throws -> Tensor {
        try check(x)
        var output = x
        let (fft, pixels, bins) = (fft, fft.pixels, fft.bins)
        output.withUnsafeMutableBufferPointer { target in
            let target = target.baseAddress!
            normalSpectrum.withUnsafeBufferPointer { normal in
                dataSpectrum.withUnsafeBufferPointer { data in
                    parallelFor(planes) { plane in
                        let planeData = data.baseAddress! + plane * 2 * bins
                        fft.filter(target + plane * pixels) { values in
                            for bin in 0..<bins {
                                values[2 * bin] *= normal[bin]
                                values[2 * bin + 1] *= normal[bin]
                                if subtractingData {
                                    values[2 * bin] -= planeData[2 * bin]
                                    values[2 * bin + 1] -= planeData[2 * bin + 1]
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
