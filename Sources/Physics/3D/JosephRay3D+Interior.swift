extension JosephRay3D {
    /// Fills `scratch` with the interior samples of `planes` in whole blocks of eight (lanes past
    /// the end are computed and never read). Each sample is computed from its own plane index
    /// alone, so it does not depend on where `planes` starts: the forward and the adjoint, and
    /// every slab of the adjoint, see the same weights.
    @inline(__always)
    func prepare(_ planes: Range<Int>, _ layout: PlaneLayout, pairs: Bool, into scratch: RayScratch) {
        let blocks = stride(from: planes.lowerBound, to: planes.upperBound, by: 8).enumerated()
        // One loop per case, so that none branches inside.
        if pairs {
            for (block, k) in blocks {
                let (ia, ib, w) = sampleBlock(k, 1)
                storeIndices(k, ia, ib, layout, scratch.indices + 8 * block)
                Self.storePairs(w, scratch.weights + 32 * block)
            }
        } else {
            for (block, k) in blocks {
                let (ia, ib, w) = sampleBlock(k, 1)
                storeIndices(k, ia, ib, layout, scratch.indices + 8 * block)
                Self.storeCorners(w, scratch.weights + 32 * block)
            }
        }
    }

    /// The in-plane first corners and the weights w00, w10, w01, w11 (times `scale`) of the
    /// samples on planes k…k+7.
    @inline(__always)
    private func sampleBlock(_ k: Int, _ scale: Float) -> (SIMD8<Int32>, SIMD8<Int32>, (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
        let kf = SIMD8<Float>(repeating: Float(k)) + SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
        let fa = kf * da + a0, fb = kf * db + b0
        let ra = Self.wholeBelow(fa), rb = Self.wholeBelow(fb)
        let wa = fa - ra, wb = fb - rb
        let ua = 1 - wa, near = (1 - wb) * scale, far = wb * scale
        return (Self.integer(ra), Self.integer(rb), (ua * near, wa * near, ua * far, wa * far))
    }

    /// The voxel indices of the first corners of the samples on planes k…k+7.
    @inline(__always)
    private func storeIndices(_ k: Int, _ ia: SIMD8<Int32>, _ ib: SIMD8<Int32>, _ layout: PlaneLayout, _ target: UnsafeMutablePointer<Int>) {
        if layout.fitsInt32 {
            let (ps, sa, sb) = (Int32(truncatingIfNeeded: layout.planeStride), Int32(truncatingIfNeeded: layout.strideA),
                                Int32(truncatingIfNeeded: layout.strideB))
            let base = (SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: k)) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)) &* ps &+ ia &* sa &+ ib &* sb
            for lane in 0..<8 { target[lane] = Int(base[lane]) }
        } else {
            for lane in 0..<8 { target[lane] = (k + lane) * layout.planeStride + Int(ia[lane]) * layout.strideA + Int(ib[lane]) * layout.strideB }
        }
    }

    @inline(__always)
    private static func storeCorners(_ w: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>), _ target: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(target)
        raw.storeBytes(of: w.0, as: SIMD8<Float>.self)
        raw.storeBytes(of: w.1, toByteOffset: 32, as: SIMD8<Float>.self)
        raw.storeBytes(of: w.2, toByteOffset: 64, as: SIMD8<Float>.self)
        raw.storeBytes(of: w.3, toByteOffset: 96, as: SIMD8<Float>.self)
    }

    /// The weights interleaved into pairs (see `RayScratch`).
    @inline(__always)
    private static func storePairs(_ w: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>), _ target: UnsafeMutablePointer<Float>) {
        @inline(__always) func low(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { SIMD8(x[0], y[0], x[1], y[1], x[4], y[4], x[5], y[5]) }
        @inline(__always) func high(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { SIMD8(x[2], y[2], x[3], y[3], x[6], y[6], x[7], y[7]) }
        storeCorners((low(w.0, w.1), high(w.0, w.1), low(w.2, w.3), high(w.2, w.3)), target)
    }

    /// Σ weight · value over the `count` samples prepared in `scratch`.
    @inline(__always)
    static func gather(_ volume: UnsafePointer<Float>, _ layout: PlaneLayout, pairs: Bool, count: Int, _ scratch: RayScratch) -> Float {
        var total = SIMD8<Float>(), other = SIMD8<Float>()
        gatherBlocks(volume, layout, pairs: pairs, count: count, scratch, &total, &other)
        return gatherTail(volume, layout, pairs: pairs, count: count, scratch, (total + other).sum())
    }

    /// Adds the whole blocks of eight of the `count` samples prepared in `scratch` into the two
    /// accumulators.
    @inline(__always)
    static func gatherBlocks(_ volume: UnsafePointer<Float>, _ layout: PlaneLayout, pairs: Bool, count: Int, _ scratch: RayScratch,
                             _ total: inout SIMD8<Float>, _ other: inout SIMD8<Float>) {
        let (sa, sb) = (layout.strideA, layout.strideB)
        for block in 0..<(count / 8) {
            let i = scratch.indices + 8 * block
            let w = UnsafeRawPointer(scratch.weights + 32 * block)
            @inline(__always) func weights(_ n: Int) -> SIMD8<Float> { w.load(fromByteOffset: 32 * n, as: SIMD8<Float>.self) }
            if pairs {
                // Four samples' (corner, corner + 1) pairs of one row per vector, one 8-byte load each.
                @inline(__always) func rows(_ p: UnsafePointer<Float>, _ l0: Int, _ l1: Int, _ l2: Int, _ l3: Int) -> SIMD8<Float> {
                    @inline(__always) func pair(_ lane: Int) -> Double { UnsafeRawPointer(p + i[lane]).loadUnaligned(as: Double.self) }
                    return unsafeBitCast(SIMD4<Double>(pair(l0), pair(l1), pair(l2), pair(l3)), to: SIMD8<Float>.self)
                }
                let far = volume + sb
                total = total.addingProduct(rows(volume, 0, 1, 4, 5), weights(0)).addingProduct(rows(far, 0, 1, 4, 5), weights(2))
                other = other.addingProduct(rows(volume, 2, 3, 6, 7), weights(1)).addingProduct(rows(far, 2, 3, 6, 7), weights(3))
            } else {
                let p0 = volume + i[0], p1 = volume + i[1], p2 = volume + i[2], p3 = volume + i[3]
                let p4 = volume + i[4], p5 = volume + i[5], p6 = volume + i[6], p7 = volume + i[7]
                @inline(__always) func corner(_ offset: Int) -> SIMD8<Float> {
                    SIMD8(p0[offset], p1[offset], p2[offset], p3[offset], p4[offset], p5[offset], p6[offset], p7[offset])
                }
                total = total.addingProduct(corner(0), weights(0)).addingProduct(corner(sa), weights(1))
                other = other.addingProduct(corner(sb), weights(2)).addingProduct(corner(sa + sb), weights(3))
            }
        }
    }

    /// `sum` plus the samples after the last whole block of the `count` prepared in `scratch`.
    @inline(__always)
    static func gatherTail(_ volume: UnsafePointer<Float>, _ layout: PlaneLayout, pairs: Bool, count: Int, _ scratch: RayScratch,
                           _ sum: Float) -> Float {
        let (sa, sb) = (layout.strideA, layout.strideB)
        var sum = sum
        for n in (count & ~7)..<count {
            let (o00, o10, o01, o11) = RayScratch.offsets(n & 7, pairs: pairs)
            let w = scratch.weights + 32 * (n >> 3), p = volume + scratch.indices[n]
            sum += w[o00] * p[0] + w[o10] * p[sa] + w[o01] * p[sb] + w[o11] * p[sa + sb]
        }
        return sum
    }

    /// Adds the interior samples of `planes`, their weights multiplied by `scale`, into their four
    /// corners: weights in registers, eight samples at a time (the last block lane by lane), with
    /// the same per-sample arithmetic as `prepare`.
    @inline(__always)
    func scatter(_ planes: Range<Int>, _ layout: PlaneLayout, scale: Float, into volume: UnsafeMutablePointer<Float>,
                 indices: UnsafeMutablePointer<Int>) {
        let (sa, sb) = (layout.strideA, layout.strideB)
        for k in stride(from: planes.lowerBound, to: planes.upperBound, by: 8) {
            let (ia, ib, w) = sampleBlock(k, scale)
            storeIndices(k, ia, ib, layout, indices)
            @inline(__always) func put(_ lane: Int) {
                let p = volume + indices[lane]
                p[0] += w.0[lane]
                p[sa] += w.1[lane]
                p[sb] += w.2[lane]
                p[sa + sb] += w.3[lane]
            }
            if k + 8 <= planes.upperBound {
                put(0); put(1); put(2); put(3); put(4); put(5); put(6); put(7)
            } else {
                for lane in 0..<(planes.upperBound - k) { put(lane) }
            }
        }
    }

    /// 1.5·2²³: adding it to a float in (−2²², 2²²) gives a float of spacing 1, so the sum is
    /// rounded to a whole number, and that number sits in the low mantissa bits.
    @inline(__always)
    static var magic: SIMD8<Float> { SIMD8(repeating: 12_582_912) }

    /// A whole number w with 0 ≤ x − w ≤ 1 for each lane of x in [0, 2²²) (x − ½ rounded).
    @inline(__always)
    static func wholeBelow(_ x: SIMD8<Float>) -> SIMD8<Float> { (x - 0.5 + magic) - magic }

    /// The lanes of `x` (whole numbers in (−2²², 2²²)) as integers, read from the mantissa bits.
    @inline(__always)
    static func integer(_ x: SIMD8<Float>) -> SIMD8<Int32> {
        unsafeBitCast(x + magic, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    }
}
