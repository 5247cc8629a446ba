/// The inner loops of the Joseph projector on one line of the image.
///
/// A line is stored with `JosephLines.padding` zeros on each side; the ray of detector k meets it
/// at buffer position `q = base + k·step`, splits as `i = ⌊q⌋`, `f = q − i`, and sees
/// `(1−f)·line[i] + f·line[i+1]`. The adjoint uses the very same `i` and `f`, so the pair is an
/// exact transpose up to rounding. Both rely on `q > 0` for every detector in range, which
/// `JosephAngle.detectorRange` and the padding guarantee.
enum JosephKernels {
    @inline(__always)
    static func tap(_ base: Float, _ k: Int, _ step: Float) -> (index: Int, fraction: Float) {
        let q = base + Float(k) * step
        let index = Int(q)
        return (index, q - Float(index))
    }

    /// Eight detectors `k…k+7` at once; each lane computes exactly what `tap` computes.
    @inline(__always)
    static func taps(_ base: Float, _ k: Int, _ step: Float) -> (index: SIMD8<Int32>, fraction: SIMD8<Float>) {
        let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        return floorParts(SIMD8(repeating: base) + (SIMD8(repeating: Float(k)) + lanes) * SIMD8(repeating: step))
    }

    /// `(⌊q⌋, q − ⌊q⌋)` lane by lane for q in [0, 2²²), with the 2²³ trick (adding 2²³ rounds to an
    /// integer held in the low mantissa bits), because the standard library's float-to-integer
    /// vector conversion is a generic call per vector. Equals `Int(q)` and `q − Float(Int(q))`.
    @inline(__always)
    static func floorParts(_ q: SIMD8<Float>) -> (index: SIMD8<Int32>, fraction: SIMD8<Float>) {
        let magic = SIMD8<Float>(repeating: 8_388_608)
        let shifted = q + magic
        let nearest = shifted - magic
        let above = nearest .> q
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) & SIMD8(repeating: 0x7F_FFFF)
        let index = bits &- SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!above)
        let floor = nearest - SIMD8<Float>(repeating: 1).replacing(with: 0, where: .!above)
        return (index, q - floor)
    }

    /// `(line[i], line[i+1])` for the eight indices.
    @inline(__always)
    static func gatherPairs(_ line: UnsafePointer<Float>, _ i: SIMD8<Int32>) -> (SIMD8<Float>, SIMD8<Float>) {
        let p0 = line + Int(i[0]), p1 = line + Int(i[1]), p2 = line + Int(i[2]), p3 = line + Int(i[3])
        let p4 = line + Int(i[4]), p5 = line + Int(i[5]), p6 = line + Int(i[6]), p7 = line + Int(i[7])
        return (SIMD8(p0[0], p1[0], p2[0], p3[0], p4[0], p5[0], p6[0], p7[0]),
                SIMD8(p0[1], p1[1], p2[1], p3[1], p4[1], p5[1], p6[1], p7[1]))
    }

    /// `sinogram[k] += sample(line, k)` for k in `detectors`.
    @inline(__always)
    static func project(line: UnsafePointer<Float>, base: Float, step: Float, detectors: Range<Int>,
                        into sinogram: UnsafeMutablePointer<Float>) {
        var k = detectors.lowerBound
        while k + 8 <= detectors.upperBound {
            let (i, f) = taps(base, k, step)
            let (left, right) = gatherPairs(line, i)
            let target = UnsafeMutableRawPointer(sinogram + k)
            let sum = target.loadUnaligned(as: SIMD8<Float>.self) + (left + f * (right - left))
            target.storeBytes(of: sum, as: SIMD8<Float>.self)
            k += 8
        }
        for k in k..<detectors.upperBound {
            let (i, f) = tap(base, k, step)
            let left = line[i]
            sinogram[k] += left + f * (line[i + 1] - left)
        }
    }

    /// Transpose of `project`, written as a gather so that it vectorises: pixel M of the line (buffer
    /// index) receives `(1−f)·s[k]` from the detectors with `⌊q_k⌋ = M` and `f·s[k]` from those with
    /// `⌊q_k⌋ = M−1`. Since |step| ≥ 1, at most two consecutive detectors qualify, found from
    /// `u = (M − base)/step`; `q_k`, `⌊q_k⌋` and `f` are recomputed exactly as `project` computes
    /// them, and only detectors in `detectors` (the forward's range) count.
    /// Adds to `line[first…last]`; `line` must have 7 writable elements of slack after `last`.
    @inline(__always)
    static func backproject(sinogram: UnsafePointer<Float>, base: Float, step: Float, detectors: Range<Int>,
                            first: Int, last: Int, into line: UnsafeMutablePointer<Float>) {
        guard !detectors.isEmpty else { return }
        let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let inverse = SIMD8(repeating: 1 / step)
        let low = SIMD8(repeating: Int32(detectors.lowerBound)), high = SIMD8(repeating: Int32(detectors.upperBound))
        let limit = SIMD8<Float>(repeating: Float(detectors.upperBound + 1))
        var m = first
        while m <= last {
            let position = SIMD8(repeating: Float(m)) + lanes
            var u = (position - SIMD8(repeating: base)) * inverse
            u.replace(with: -2, where: u .< -2)
            u.replace(with: limit, where: u .> limit)
            let (shiftedStart, _) = floorParts(u + SIMD8(repeating: 4))
            let start = shiftedStart &- 4
            var total = SIMD8<Float>()
            for offset: Int32 in 0...1 {
                let k = start &+ offset
                let (i, f) = floorParts(SIMD8(repeating: base) + SIMD8<Float>(k) * SIMD8(repeating: step))
                let pixel = SIMD8<Int32>(repeating: Int32(m)) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
                var weight = SIMD8<Float>(repeating: 0)
                weight.replace(with: 1 - f, where: i .== pixel)
                weight.replace(with: f, where: i .== pixel &- 1)
                weight.replace(with: 0, where: (k .< low) .| (k .>= high))
                let safe = k.clamped(lowerBound: low, upperBound: high &- 1)
                total += weight * gather(sinogram, safe)
            }
            let target = UnsafeMutableRawPointer(line + m)
            target.storeBytes(of: target.loadUnaligned(as: SIMD8<Float>.self) + total, as: SIMD8<Float>.self)
            m += 8
        }
    }

    @inline(__always)
    static func gather(_ values: UnsafePointer<Float>, _ i: SIMD8<Int32>) -> SIMD8<Float> {
        SIMD8(values[Int(i[0])], values[Int(i[1])], values[Int(i[2])], values[Int(i[3])],
              values[Int(i[4])], values[Int(i[5])], values[Int(i[6])], values[Int(i[7])])
    }
}
