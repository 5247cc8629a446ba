import CFFTW
import Tensor

/// The ramp (Ram–Lak) filter of filtered back projection, built as the reference builds it:
/// padded length `L = max(64, 2^⌈log2(2·G)⌉)`, spatial kernel `h[0] = 1/4`,
/// `h[n] = −1/(π·n)²` for odd n (folded: n and L−n), 0 for even n > 0, frequency response
/// `2·rfft(h)`. A row of G detector values is zero-padded at its end to L, filtered by FFT
/// (FFTW, single precision) and cut back to its first G values.
public final class RampFilter: @unchecked Sendable {
    /// Detector count G.
    public let detectors: Int
    /// Padded length L.
    public let paddedLength: Int
    /// Real frequency response, L/2 + 1 values, with FFTW's 1/L normalisation folded in.
    private let response: [Float]
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan

    /// A filter for rows of `detectors` values.
    public init(detectors: Int) {
        self.detectors = detectors
        var length = 64
        while length < 2 * detectors { length *= 2 }
        paddedLength = length
        let real = fftwf_alloc_real(length)!, spectrum = fftwf_alloc_complex(length / 2 + 1)!
        defer { fftwf_free(real); fftwf_free(spectrum) }
        let plans = FFTWPlanner.lock.withLock { _ in
            FFTWPlanPair(forward: fftwf_plan_dft_r2c_1d(Int32(length), real, spectrum, UInt32(FFTW_ESTIMATE)),
                  inverse: fftwf_plan_dft_c2r_1d(Int32(length), spectrum, real, UInt32(FFTW_ESTIMATE)))
        }
        forwardPlan = plans.forward
        inversePlan = plans.inverse
        response = RampFilter.frequencyResponse(length: length, plan: plans.forward, real: real, spectrum: spectrum)
    }

    deinit {
        FFTWPlanPair(forward: forwardPlan, inverse: inversePlan).destroy()
    }

    /// `2·DFT(h)` of the spatial ramp kernel, divided by L (FFTW's inverse is unnormalised). The
    /// kernel is real and even, so only the real part of its DFT is kept.
    private static func frequencyResponse(length: Int, plan: fftwf_plan, real: UnsafeMutablePointer<Float>,
                                          spectrum: UnsafeMutablePointer<fftwf_complex>) -> [Float] {
        real.initialize(repeating: 0, count: length)
        real[0] = 0.25
        for n in stride(from: 1, to: length / 2, by: 2) {
            let value = Float(-1 / ((Double.pi * Double(n)) * (Double.pi * Double(n))))
            real[n] = value
            real[length - n] = value
        }
        fftwf_execute_dft_r2c(plan, real, spectrum)
        let complex = UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: Float.self)
        return (0...(length / 2)).map { 2 * complex[2 * $0] / Float(length) }
    }

    /// Filters `rows` consecutive rows of `detectors` values in place, in parallel over rows.
    public func apply(rows: Int, data: UnsafeMutablePointer<Float>) {
        let length = paddedLength, g = detectors
        let block = 8
        parallelFor((rows + block - 1) / block) { task in
            let real = fftwf_alloc_real(length)!, spectrum = fftwf_alloc_complex(length / 2 + 1)!
            defer { fftwf_free(real); fftwf_free(spectrum) }
            for row in (task * block)..<min(rows, task * block + block) {
                let line = data + row * g
                real.update(from: line, count: g)
                (real + g).initialize(repeating: 0, count: length - g)
                fftwf_execute_dft_r2c(forwardPlan, real, spectrum)
                let complex = UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: Float.self)
                for frequency in 0...(length / 2) {
                    complex[2 * frequency] *= response[frequency]
                    complex[2 * frequency + 1] *= response[frequency]
                }
                fftwf_execute_dft_c2r(inversePlan, spectrum, real)
                line.update(from: real, count: g)
            }
        }
    }
}
