/// The inner loops of the Joseph projector on one line of the image, eight detectors or pixels
/// at a time.
///
/// A line is stored with `JosephLines.padding` zeros on each side; the ray of detector k meets it
/// at buffer position `q = base + k·step`, splits as `q = i + f` (`split`), and sees
/// `(1−f)·line[i] + f·line[i+1]` = `Σ_M line[M]·max(0, 1 − |q − M|)`. The adjoint evaluates the same
/// weights from the same `q` (computed by the same float operations), so the pair is an exact
/// transpose up to rounding. Both rely on `q > 0` for every detector they visit, which
/// `JosephAngle.detectorBlocks` and the padding guarantee.
enum JosephKernels {
    static let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)

    /// Buffer positions of the rays of detectors `k…k+7` on a line.
    @inline(__always)
    static func positions(_ base: Float, _ k: SIMD8<Float>, _ step: Float) -> SIMD8<Float> {
        SIMD8(repeating: base) + k * SIMD8(repeating: step)
    }

    /// Splits q in [1, 2²²) into `(i, f)` with `q = i + f`, `f ∈ [0, 1]`: `i = round(q − ½)`, which is
    /// ⌊q⌋, or ⌊q⌋ − 1 with f = 1 when q − ½ is a tie (both interpolate to the same value). Adding
    /// `2²³ − ½` rounds to an integer held in the low mantissa bits; the standard library's
    /// float-to-integer vector conversion would be a generic call per vector.
    @inline(__always)
    static func split(_ q: SIMD8<Float>) -> (index: SIMD8<Int32>, fraction: SIMD8<Float>) {
        let shifted = q + SIMD8(repeating: 8_388_607.5)
        let index = unsafeBitCast(shifted, to: SIMD8<Int32>.self) & SIMD8(repeating: 0x7F_FFFF)
        return (index, q - (shifted - SIMD8(repeating: 8_388_608)))
    }

    /// `|v|` lane by lane (clears the sign bits).
    @inline(__always)
    static func magnitude(_ v: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & SIMD8(repeating: 0x7FFF_FFFF), to: SIMD8<Float>.self)
    }

    /// `(values[i], values[i+1])` for the eight indices (one 8-byte load per lane).
    @inline(__always)
    static func gatherPairs(_ values: UnsafePointer<Float>, _ i: SIMD8<Int32>) -> (SIMD8<Float>, SIMD8<Float>) {
        let p0 = values + Int(i[0]), p1 = values + Int(i[1]), p2 = values + Int(i[2]), p3 = values + Int(i[3])
        let p4 = values + Int(i[4]), p5 = values + Int(i[5]), p6 = values + Int(i[6]), p7 = values + Int(i[7])
        return (SIMD8(p0[0], p1[0], p2[0], p3[0], p4[0], p5[0], p6[0], p7[0]),
                SIMD8(p0[1], p1[1], p2[1], p3[1], p4[1], p5[1], p6[1], p7[1]))
    }

    /// `row[k] += sample(line, k)` for the detector blocks `blocks` (eight detectors each); `row`
    /// must be writable up to `8·blocks.upperBound`.
    @inline(__always)
    static func project(line: UnsafePointer<Float>, base: Float, step: Float, blocks: Range<Int>,
                        into row: UnsafeMutablePointer<Float>) {
        for block in blocks {
            let k = 8 * block
            let (i, f) = split(positions(base, SIMD8(repeating: Float(k)) + lanes, step))
            let (left, right) = gatherPairs(line, i)
            let target = UnsafeMutableRawPointer(row + k)
            let sum = target.loadUnaligned(as: SIMD8<Float>.self) + (left + f * (right - left))
            target.storeBytes(of: sum, as: SIMD8<Float>.self)
        }
    }

    /// Zeros on each side of a weighted sinogram row handed to `backproject`.
    static let sinogramPadding = 12

    /// Transpose of `project`, written as a gather so that it vectorises: pixel M of the line (a
    /// buffer index, M in `first…last`) receives `s[k]·max(0, 1 − |q_k − M|)`. Since |step| ≥ 1 at
    /// most the two detectors around `u = (M − base)/step` qualify; their `q_k` is recomputed
    /// exactly as `project` computes it (`k + 1` is exact in float).
    ///
    /// No clamping is needed: a visible pixel lies within the detector's reach (its distance from
    /// the centre is at most the disk radius, or in full mode the half-diagonal ≤ (G−1)/2), so
    /// u ∈ [0, G−1] up to rounding, and the up to 7 pixels of slack after `last` move u by at most
    /// 7 since |1/step| ≤ 1. `sinogram` must therefore have `sinogramPadding` zeros on each side,
    /// and `line` must be writable up to `last + 7`. Debug builds check the bound.
    @inline(__always)
    static func backproject(sinogram: UnsafePointer<Float>, detectors: Int, base: Float, step: Float,
                            first: Int, last: Int, into line: UnsafeMutablePointer<Float>) {
        let inverse = SIMD8(repeating: 1 / step), origin = SIMD8(repeating: base)
        let offset = SIMD8<Float>(repeating: 16), one = SIMD8<Float>(repeating: 1), zero = SIMD8<Float>()
        var m = first
        while m <= last {
            let pixel = SIMD8(repeating: Float(m)) + lanes
            let u = (pixel - origin) * inverse
            assert(u.min() > -Float(sinogramPadding) + 2 && u.max() < Float(detectors + sinogramPadding - 2),
                   "Joseph adjoint: detector coordinate \(u) outside the padded row of \(detectors)")
            let k0 = split(u + offset).index &- 16
            let (s0, s1) = gatherPairs(sinogram, k0)
            let k = SIMD8<Float>(k0)
            let q0 = positions(base, k, step), q1 = positions(base, k + one, step)
            var w0 = one - magnitude(q0 - pixel), w1 = one - magnitude(q1 - pixel)
            w0.replace(with: zero, where: w0 .< zero)
            w1.replace(with: zero, where: w1 .< zero)
            let target = UnsafeMutableRawPointer(line + m)
            let sum = target.loadUnaligned(as: SIMD8<Float>.self) + (w0 * s0 + w1 * s1)
            target.storeBytes(of: sum, as: SIMD8<Float>.self)
            m += 8
        }
    }
}
