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

    /// Whether every voxel index fits in 32 bits (then `prepare` computes indices as `SIMD8<Int32>`).
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
        let magnitude = absolute(q), axis = Self.mainAxis(q)
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

    /// The axis of the largest |component| of `q` (the first of equals).
    @inline(__always)
    static func mainAxis(_ q: SIMD3<Double>) -> Int {
        let m = absolute(q)
        return m.x >= m.y && m.x >= m.z ? 0 : (m.y >= m.z ? 1 : 2)
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
    func integral(of volume: UnsafePointer<Float>, layout: PlaneLayout, range: ClosedRange<Int>, scratch: RayScratch) -> Float {
        let (before, inner, after) = parts(of: range)
        var sum = edgeSum(volume, layout, before) + edgeSum(volume, layout, after)
        if !inner.isEmpty {
            let pairs = layout.strideA == 1
            prepare(inner, layout, pairs: pairs, into: scratch)
            sum += Self.gather(volume, layout, pairs: pairs, count: inner.count, scratch)
        }
        return sum * weight
    }

    /// `integral` split for running a tile of rays chunk by chunk: the sum of the samples near the
    /// faces in `range`, and the interior planes of `range`, whose samples `prepare` and
    /// `gatherBlocks`/`gatherTail` add in the same order as `integral`.
    func edges(of volume: UnsafePointer<Float>, layout: PlaneLayout, range: ClosedRange<Int>) -> (sum: Float, inner: Range<Int>) {
        let (before, inner, after) = parts(of: range)
        return (edgeSum(volume, layout, before) + edgeSum(volume, layout, after), inner)
    }

    /// The interpolated samples of the planes `range`, near the volume's faces.
    private func edgeSum(_ volume: UnsafePointer<Float>, _ layout: PlaneLayout, _ range: Range<Int>) -> Float {
        var sum: Float = 0
        for k in range { edgeCorners(k, layout) { index, w in sum += w * volume[index] } }
        return sum
    }

    /// Adds `value`·weight, spread with the bilinear weights, into the planes in `range`.
    func spread(_ value: Float, into volume: UnsafeMutablePointer<Float>, layout: PlaneLayout, range: ClosedRange<Int>,
                scratch: RayScratch) {
        let scaled = value * weight
        let (before, inner, after) = parts(of: range)
        for k in before { edgeCorners(k, layout) { index, w in volume[index] += w * scaled } }
        scatter(inner, layout, scale: scaled, into: volume, indices: scratch.indices)
        for k in after { edgeCorners(k, layout) { index, w in volume[index] += w * scaled } }
    }

    /// Calls `body(index, weight)` for each of the four neighbours of the sample on plane k that
    /// lies inside the volume.
    @inline(__always)
    private func edgeCorners(_ k: Int, _ layout: PlaneLayout, _ body: (Int, Float) -> Void) {
        let fa = a0 + da * Float(k), fb = b0 + db * Float(k)
        let fla = fa.rounded(.down), flb = fb.rounded(.down)
        let ia = Int(fla), ib = Int(flb), wa = fa - fla, wb = fb - flb
        let base = k * layout.planeStride + ia * layout.strideA + ib * layout.strideB
        let a = (ia >= 0 && ia < layout.countA, ia >= -1 && ia + 1 < layout.countA)
        let b = (ib >= 0 && ib < layout.countB, ib >= -1 && ib + 1 < layout.countB)
        if b.0 && a.0 { body(base, (1 - wa) * (1 - wb)) }
        if b.0 && a.1 { body(base + layout.strideA, wa * (1 - wb)) }
        if b.1 && a.0 { body(base + layout.strideB, (1 - wa) * wb) }
        if b.1 && a.1 { body(base + layout.strideA + layout.strideB, wa * wb) }
    }
}
