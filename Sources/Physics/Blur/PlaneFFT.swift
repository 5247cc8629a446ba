import CFFTW

/// Real 2-D FFTs of one H×W plane size (FFTW single precision, `FFTW_ESTIMATE`, so the same
/// algorithm on every run): `forward` takes H·W reals to H·(W/2 + 1) complex values stored as
/// (real, imaginary) pairs, `inverse` takes them back unnormalised (×H·W). Both execute the
/// shared plans on scratch arrays of their own, so any number of threads may call them at once.
final class PlaneFFT: @unchecked Sendable {
    let height: Int, width: Int
    /// H·W.
    var pixels: Int { height * width }
    /// H·(W/2 + 1): complex values of a half spectrum.
    var bins: Int { height * (width / 2 + 1) }
    private let plans: FFTWPlanPair

    init(height: Int, width: Int) {
        (self.height, self.width) = (height, width)
        let real = fftwf_alloc_real(height * width)!, complex = fftwf_alloc_complex(height * (width / 2 + 1))!
        defer { fftwf_free(real); fftwf_free(complex) }
        plans = FFTWPlanner.lock.withLock { _ in
            FFTWPlanPair(forward: fftwf_plan_dft_r2c_2d(Int32(height), Int32(width), real, complex, UInt32(FFTW_ESTIMATE)),
                         inverse: fftwf_plan_dft_c2r_2d(Int32(height), Int32(width), complex, real, UInt32(FFTW_ESTIMATE)))
        }
    }

    deinit { plans.destroy() }

    /// The half spectrum of `plane` (H·W reals) into `spectrum` (2·bins floats).
    func forward(_ plane: UnsafePointer<Float>, into spectrum: UnsafeMutablePointer<Float>) {
        let real = fftwf_alloc_real(pixels)!, complex = fftwf_alloc_complex(bins)!
        defer { fftwf_free(real); fftwf_free(complex) }
        real.update(from: plane, count: pixels)
        fftwf_execute_dft_r2c(plans.forward, real, complex)
        spectrum.update(from: UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self), count: 2 * bins)
    }

    /// `plane` (H·W reals) from a half spectrum, transformed in place: `filter` rewrites the
    /// spectrum of the plane's current values (2·bins floats) before the unnormalised inverse.
    func filter(_ plane: UnsafeMutablePointer<Float>, _ filter: (UnsafeMutablePointer<Float>) -> Void) {
        let real = fftwf_alloc_real(pixels)!, complex = fftwf_alloc_complex(bins)!
        defer { fftwf_free(real); fftwf_free(complex) }
        real.update(from: plane, count: pixels)
        fftwf_execute_dft_r2c(plans.forward, real, complex)
        filter(UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self))
        fftwf_execute_dft_c2r(plans.inverse, complex, real)
        plane.update(from: real, count: pixels)
    }

    /// `plane` (H·W reals) as the unnormalised inverse of `spectrum` (2·bins floats, not changed).
    func inverse(_ spectrum: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>) {
        let real = fftwf_alloc_real(pixels)!, complex = fftwf_alloc_complex(bins)!
        defer { fftwf_free(real); fftwf_free(complex) }
        UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self).update(from: spectrum, count: 2 * bins)
        fftwf_execute_dft_c2r(plans.inverse, complex, real)
        plane.update(from: real, count: pixels)
    }
}
