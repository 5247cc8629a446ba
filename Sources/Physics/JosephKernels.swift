/// The inner loops of the Joseph projector on one line of the image.
///
/// A line is stored with `JosephLines.padding` zeros on each side; the ray of detector k meets it
/// at buffer position `q = base + k·step`, splits as `i = ⌊q⌋`, `f = q − i`, and sees
/// `(1−f)·line[i] + f·line[i+1]`. The adjoint scatters with the very same `i` and `f`, so the pair is
/// an exact transpose up to rounding. Both rely on `q > 0` for every detector in range, which
/// `JosephAngle.detectorRange` and the padding guarantee.
enum JosephKernels {
    @inline(__always)
    static func tap(_ base: Float, _ k: Int, _ step: Float) -> (index: Int, fraction: Float) {
        let q = base + Float(k) * step
        let index = Int(q)
        return (index, q - Float(index))
    }

    /// `sinogram[k] += sample(line, k)` for k in `detectors`.
    @inline(__always)
    static func project(line: UnsafePointer<Float>, base: Float, step: Float, detectors: Range<Int>,
                        into sinogram: UnsafeMutablePointer<Float>) {
        for k in detectors {
            let (i, f) = tap(base, k, step)
            let left = line[i]
            sinogram[k] += left + f * (line[i + 1] - left)
        }
    }

    /// Transpose of `project`: `line[i] += (1−f)·s[k]`, `line[i+1] += f·s[k]`. The second share goes to
    /// `shifted[i]` (meaning position i+1) so that consecutive detectors never update the same
    /// element; the caller adds `shifted[b−1]` to `line[b]` at the end.
    @inline(__always)
    static func backproject(sinogram: UnsafePointer<Float>, base: Float, step: Float, detectors: Range<Int>,
                            into line: UnsafeMutablePointer<Float>, shifted: UnsafeMutablePointer<Float>) {
        for k in detectors {
            let (i, f) = tap(base, k, step)
            let value = sinogram[k]
            let share = f * value
            line[i] += value - share
            shifted[i] += share
        }
    }
}
