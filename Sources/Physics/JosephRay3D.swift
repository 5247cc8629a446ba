/// The memory layout of a `D×H×W` volume seen from one main axis: planes across that axis, and the
/// two other axes `a` and `b` inside a plane (counts and element strides).
struct PlaneLayout {
    let planes: Int, planeStride: Int
    let countA: Int, strideA: Int
    let countB: Int, strideB: Int

    /// Main axis 0 (x, columns), 1 (y, rows) or 2 (z, slices) of a `depth×height×width` volume;
    /// `a` is the faster of the two others.
    init(axis: Int, depth: Int, height: Int, width: Int) {
        switch axis {
        case 0: (planes, planeStride, countA, strideA, countB, strideB) = (width, 1, height, width, depth, height * width)
        case 1: (planes, planeStride, countA, strideA, countB, strideB) = (height, width, width, 1, depth, height * width)
        default: (planes, planeStride, countA, strideA, countB, strideB) = (depth, height * width, width, 1, height, width)
        }
        fitsInt32 = depth * height * width < Int(Int32.max)
    }

    /// Whether every voxel index fits in 32 bits (the vector path's index type).
    let fitsInt32: Bool
}

/// One ray of the Joseph projector in 3-D: the ray crosses the planes `k` across its main axis
/// (the axis along which it advances fastest in voxel units) at in-plane positions
/// `a = a0 + da·k`, `b = b0 + db·k` (voxel indices), where it samples the volume by bilinear
/// interpolation; each crossing stands for `weight` of length. `planes` holds every k whose
/// sample touches a voxel, `interior` those whose four neighbours all lie inside.
struct JosephRay3D {
    let axis: Int
    let a0: Float, da: Float, b0: Float, db: Float
    let weight: Float
    let planes: ClosedRange<Int>?
    let interior: ClosedRange<Int>?

    /// The ray through `point` along `direction` (both in voxel-index coordinates, x y z), of
    /// world length `worldLength` per unit of `direction`'s parameter; nil when it misses.
    init?(point p: SIMD3<Double>, direction q: SIMD3<Double>, worldLength: Double, depth: Int, height: Int, width: Int) {
        let magnitude = absolute(q)
        let axis = magnitude.x >= magnitude.y && magnitude.x >= magnitude.z ? 0 : (magnitude.y >= magnitude.z ? 1 : 2)
        guard magnitude[axis] > 0 else { return nil }
        let (ia, ib) = axis == 0 ? (1, 2) : (axis == 1 ? (0, 2) : (0, 1))
        let layout = PlaneLayout(axis: axis, depth: depth, height: height, width: width)
        let slopeA = q[ia] / q[axis], slopeB = q[ib] / q[axis]
        let startA = p[ia] - p[axis] * slopeA, startB = p[ib] - p[axis] * slopeB
        let all = 0...(layout.planes - 1)
        guard let touching = Self.planes(start: startA, slope: slopeA, open: (-1, Double(layout.countA)))
                .flatMap({ range in Self.planes(start: startB, slope: slopeB, open: (-1, Double(layout.countB))).map { (range, $0) } })
                .flatMap({ Self.intersect($0.0, $0.1) }).flatMap({ Self.intersect($0, all) }) else { return nil }
        self.axis = axis
        (a0, da, b0, db) = (Float(startA), Float(slopeA), Float(startB), Float(slopeB))
        weight = Float(worldLength / magnitude[axis])
        planes = touching
        if layout.countA >= 2, layout.countB >= 2,
           let inA = Self.planes(start: startA, slope: slopeA, closed: (Self.margin, Double(layout.countA - 1) - Self.margin)),
           let inB = Self.planes(start: startB, slope: slopeB, closed: (Self.margin, Double(layout.countB - 1) - Self.margin)) {
            interior = Self.intersect(inA, inB).flatMap { Self.intersect($0, touching) }
        } else {
            interior = nil
        }
    }

    /// The whole k with `lower < start + slope·k < upper`.
    private static func planes(start: Double, slope: Double, open bounds: (Double, Double)) -> ClosedRange<Int>? {
        guard slope != 0 else { return start > bounds.0 && start < bounds.1 ? Int.min / 4...Int.max / 4 : nil }
        let (x, y) = ((bounds.0 - start) / slope, (bounds.1 - start) / slope)
        let low = Int(min(x, y).rounded(.down)) + 1, high = Int(max(x, y).rounded(.up)) - 1
        return low <= high ? low...high : nil
    }

    /// Distance kept from the outer voxel centres by interior samples: far more than the rounding
    /// of a position computed in Float (about 2.4e-4 at 2048 voxels), so that their corners need
    /// no clamping.
    static let margin = 0.01

    /// The whole k with `lower ≤ start + slope·k ≤ upper`.
    private static func planes(start: Double, slope: Double, closed bounds: (Double, Double)) -> ClosedRange<Int>? {
        guard slope != 0 else { return start >= bounds.0 && start <= bounds.1 ? Int.min / 4...Int.max / 4 : nil }
        let (x, y) = ((bounds.0 - start) / slope, (bounds.1 - start) / slope)
        let low = Int(min(x, y).rounded(.up)), high = Int(max(x, y).rounded(.down))
        return low <= high ? low...high : nil
    }

    static func intersect(_ a: ClosedRange<Int>, _ b: ClosedRange<Int>) -> ClosedRange<Int>? {
        let low = max(a.lowerBound, b.lowerBound), high = min(a.upperBound, b.upperBound)
        return low <= high ? low...high : nil
    }

    /// `range` cut into the planes before the interior, the interior ones, and those after.
    @inline(__always)
    private func parts(of range: ClosedRange<Int>) -> (before: Range<Int>, inner: Range<Int>, after: Range<Int>) {
        guard let inner = interior.flatMap({ Self.intersect($0, range) }) else {
            return (range.lowerBound..<(range.upperBound + 1), 0..<0, 0..<0)
        }
        return (range.lowerBound..<inner.lowerBound, inner.lowerBound..<(inner.upperBound + 1),
                (inner.upperBound + 1)..<(range.upperBound + 1))
    }

    /// The weighted line integral over the planes in `range` (a part of `planes`).
    func integral(of volume: UnsafePointer<Float>, layout: PlaneLayout, range: ClosedRange<Int>) -> Float {
        let (before, inner, after) = parts(of: range)
        var sum = edgeSum(volume, layout, before) + edgeSum(volume, layout, after)
        let (sa, sb) = (layout.strideA, layout.strideB)
        var k = inner.lowerBound
        if layout.fitsInt32 {
            // Eight planes at a time: positions, corners and weights as vectors, the four corner
            // values loaded lane by lane.
            var total = SIMD8<Float>()
            let (ps, a32, b32) = (Int32(layout.planeStride), Int32(sa), Int32(sb))
            while k + 8 <= inner.upperBound {
                let (base, wa, wb) = interiorCorners(k, ps: ps, sa: a32, sb: b32)
                let p0 = volume + Int(base[0]), p1 = volume + Int(base[1]), p2 = volume + Int(base[2]), p3 = volume + Int(base[3])
                let p4 = volume + Int(base[4]), p5 = volume + Int(base[5]), p6 = volume + Int(base[6]), p7 = volume + Int(base[7])
                @inline(__always) func corner(_ offset: Int) -> SIMD8<Float> {
                    SIMD8(p0[offset], p1[offset], p2[offset], p3[offset], p4[offset], p5[offset], p6[offset], p7[offset])
                }
                let v00 = corner(0), v10 = corner(sa), v01 = corner(sb), v11 = corner(sa + sb)
                let near = v00 + wa * (v10 - v00), far = v01 + wa * (v11 - v01)
                total += near + wb * (far - near)
                k += 8
            }
            sum += total.sum()
        }
        for k in k..<inner.upperBound {
            let (base, wa, wb) = interiorCorner(k, layout)
            let v00 = volume[base], v10 = volume[base + sa], v01 = volume[base + sb], v11 = volume[base + sa + sb]
            let near = v00 + wa * (v10 - v00), far = v01 + wa * (v11 - v01)
            sum += near + wb * (far - near)
        }
        return sum * weight
    }

    private static let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
    /// 1.5·2²³: adding it to a float in (−2²², 2²²) gives a float of spacing 1, so the sum is
    /// rounded to a whole number, and that number sits in the low mantissa bits.
    private static let magic = SIMD8<Float>(repeating: magicScalar)
    private static let magicScalar: Float = 12_582_912

    /// A whole number w with 0 ≤ x − w ≤ 1 for each lane of x in [0, 2²²) (x − ½ rounded).
    @inline(__always)
    private static func wholeBelow(_ x: SIMD8<Float>) -> SIMD8<Float> { (x - 0.5 + magic) - magic }

    /// The lanes of `x` (whole numbers in (−2²², 2²²)) as integers, read from the mantissa bits.
    @inline(__always)
    private static func integer(_ x: SIMD8<Float>) -> SIMD8<Int32> {
        unsafeBitCast(x + magic, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    }
    private static let laneIndices = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)

    /// The interpolated samples of the planes `range`, near the volume's faces.
    private func edgeSum(_ volume: UnsafePointer<Float>, _ layout: PlaneLayout, _ range: Range<Int>) -> Float {
        var sum: Float = 0
        for k in range { edgeCorners(k, layout) { index, w in sum += w * volume[index] } }
        return sum
    }

    /// Adds `value`·weight, spread with the bilinear weights, into the planes in `range`. Each
    /// sample's weights are computed the same way on the vector and the scalar path, so the result
    /// does not depend on where `range` starts.
    func spread(_ value: Float, into volume: UnsafeMutablePointer<Float>, layout: PlaneLayout, range: ClosedRange<Int>) {
        let scaled = value * weight
        let (before, inner, after) = parts(of: range)
        for k in before { edgeCorners(k, layout) { index, w in volume[index] += w * scaled } }
        let (sa, sb) = (layout.strideA, layout.strideB)
        var k = inner.lowerBound
        if layout.fitsInt32 {
            let (ps, a32, b32) = (Int32(layout.planeStride), Int32(sa), Int32(sb))
            let spread = SIMD8<Float>(repeating: scaled)
            while k + 8 <= inner.upperBound {
                let (base, wa, wb) = interiorCorners(k, ps: ps, sa: a32, sb: b32)
                let near = spread * (1 - wb), far = spread * wb
                let (w00, w10, w01, w11) = (near * (1 - wa), near * wa, far * (1 - wa), far * wa)
                @inline(__always) func put(_ lane: Int) {
                    let b = volume + Int(base[lane])
                    b[0] += w00[lane]
                    b[sa] += w10[lane]
                    b[sb] += w01[lane]
                    b[sa + sb] += w11[lane]
                }
                put(0); put(1); put(2); put(3); put(4); put(5); put(6); put(7)
                k += 8
            }
        }
        for k in k..<inner.upperBound {
            let (base, wa, wb) = interiorCorner(k, layout)
            let near = scaled * (1 - wb), far = scaled * wb
            volume[base] += near * (1 - wa)
            volume[base + sa] += near * wa
            volume[base + sb] += far * (1 - wa)
            volume[base + sa + sb] += far * wa
        }
        for k in after { edgeCorners(k, layout) { index, w in volume[index] += w * scaled } }
    }

    /// The first corner of the sample on plane k (neighbours clamped inside, which interior
    /// samples never need) and its weights, rounded exactly as `interiorCorners` rounds them.
    @inline(__always)
    private func interiorCorner(_ k: Int, _ layout: PlaneLayout) -> (Int, Float, Float) {
        let fa = Float(k) * da + a0, fb = Float(k) * db + b0
        let ra = min(max(((fa - 0.5) + Self.magicScalar) - Self.magicScalar, 0), Float(layout.countA - 2))
        let rb = min(max(((fb - 0.5) + Self.magicScalar) - Self.magicScalar, 0), Float(layout.countB - 2))
        return (k * layout.planeStride + Int(ra) * layout.strideA + Int(rb) * layout.strideB, fa - ra, fb - rb)
    }

    /// The first corners and weights of the samples on planes k…k+7 (all interior).
    @inline(__always)
    private func interiorCorners(_ k: Int, ps: Int32, sa: Int32, sb: Int32) -> (SIMD8<Int32>, SIMD8<Float>, SIMD8<Float>) {
        let kf = SIMD8<Float>(repeating: Float(k)) + Self.lanes
        let fa = kf * da + a0, fb = kf * db + b0
        let ra = Self.wholeBelow(fa), rb = Self.wholeBelow(fb)
        let base = (SIMD8<Int32>(repeating: Int32(k)) &+ Self.laneIndices) &* ps &+ Self.integer(ra) &* sa &+ Self.integer(rb) &* sb
        return (base, fa - ra, fb - rb)
    }

    /// Calls `body(index, weight)` for each of the four neighbours of the sample on plane k that
    /// lies inside the volume.
    @inline(__always)
    private func edgeCorners(_ k: Int, _ layout: PlaneLayout, _ body: (Int, Float) -> Void) {
        let fa = a0 + da * Float(k), fb = b0 + db * Float(k)
        let fla = fa.rounded(.down), flb = fb.rounded(.down)
        let ia = Int(fla), ib = Int(flb), wa = fa - fla, wb = fb - flb
        for (stepB, weightB) in [(0, 1 - wb), (1, wb)] where ib + stepB >= 0 && ib + stepB < layout.countB {
            for (stepA, weightA) in [(0, 1 - wa), (1, wa)] where ia + stepA >= 0 && ia + stepA < layout.countA {
                body(k * layout.planeStride + (ia + stepA) * layout.strideA + (ib + stepB) * layout.strideB, weightA * weightB)
            }
        }
    }
}
