#if canImport(Glibc)
import Glibc
#endif
import Physics
import Tensor

/// An ellipsoid of constant density, turned by `rotationDegrees` about the z axis.
public struct Ellipsoid: Sendable, Equatable {
    public let centre: SIMD3<Double>
    public let semiAxes: SIMD3<Double>
    public let rotationDegrees: Double
    public let density: Double

    public init(centre: SIMD3<Double>, semiAxes: SIMD3<Double>, rotationDegrees: Double = 0, density: Double) {
        (self.centre, self.semiAxes, self.rotationDegrees, self.density) = (centre, semiAxes, rotationDegrees, density)
    }

    /// `point` in the ellipsoid's own frame, scaled so that the ellipsoid is the unit ball.
    private func unit(_ point: SIMD3<Double>, direction: Bool = false) -> SIMD3<Double> {
        let d = direction ? point : point - centre
        let angle = rotationDegrees * .pi / 180, (s, c) = (sin(angle), cos(angle))
        return SIMD3(c * d.x + s * d.y, -s * d.x + c * d.y, d.z) / semiAxes
    }

    /// The values of t for which `start + t·direction` lies inside the ellipsoid (nil: none).
    public func interval(start: SIMD3<Double>, direction: SIMD3<Double>) -> ClosedRange<Double>? {
        let p = unit(start), q = unit(direction, direction: true)
        let qq = (q * q).sum(), pq = (p * q).sum(), pp = (p * p).sum()
        let discriminant = pq * pq - qq * (pp - 1)
        guard discriminant > 0, qq > 0 else { return nil }
        let root = discriminant.squareRoot()
        return ((-pq - root) / qq)...((-pq + root) / qq)
    }

    /// Whether `point` lies inside (or on) the ellipsoid.
    public func contains(_ point: SIMD3<Double>) -> Bool {
        let p = unit(point)
        return (p * p).sum() <= 1
    }
}

/// A 3-D phantom of additive ellipsoids in the cube [−1, 1]³ scaled by `scale` into a volume:
/// a phantom point `p` lies at `centre + p·scale·h`, where h is the smaller in-plane (x, y) half
/// extent of the volume, the same on all axes. A volume thinner than it along z holds the middle
/// slab of the phantom; voxels and exact projections both see only the part inside the volume.
public struct EllipsoidPhantom: Sendable, Equatable {
    public let ellipsoids: [Ellipsoid]
    /// Range the voxel values are clamped to.
    public let valueRange: ClosedRange<Float>
    /// Fraction of the volume's half extent that the cube [−1, 1]³ fills.
    public let scale: Double

    public init(ellipsoids: [Ellipsoid], valueRange: ClosedRange<Float>, scale: Double) {
        (self.ellipsoids, self.valueRange, self.scale) = (ellipsoids, valueRange, scale)
    }

    /// The 3-D modified Shepp–Logan-type phantom: the ten ellipsoids of the usual 3-D Shepp–Logan
    /// table (semi-axes and centres as published, turns about z only) with the modified
    /// (Toft) densities, values in [0, 1]. y is negated so that axial slices shown with row 0 at
    /// the top look like the 2-D phantom. Scale 0.75 keeps it inside the walnut-like field of view.
    public static let sheppLogan3D = EllipsoidPhantom(ellipsoids: [
        Ellipsoid(centre: SIMD3(0, 0, 0), semiAxes: SIMD3(0.69, 0.92, 0.81), density: 1.0),
        Ellipsoid(centre: SIMD3(0, 0.0184, 0), semiAxes: SIMD3(0.6624, 0.874, 0.78), density: -0.8),
        Ellipsoid(centre: SIMD3(0.22, 0, 0), semiAxes: SIMD3(0.11, 0.31, 0.22), rotationDegrees: 18, density: -0.2),
        Ellipsoid(centre: SIMD3(-0.22, 0, 0), semiAxes: SIMD3(0.16, 0.41, 0.28), rotationDegrees: -18, density: -0.2),
        Ellipsoid(centre: SIMD3(0, -0.35, -0.15), semiAxes: SIMD3(0.21, 0.25, 0.41), density: 0.1),
        Ellipsoid(centre: SIMD3(0, -0.1, 0.25), semiAxes: SIMD3(0.046, 0.046, 0.05), density: 0.1),
        Ellipsoid(centre: SIMD3(0, 0.1, 0.25), semiAxes: SIMD3(0.046, 0.046, 0.05), density: 0.1),
        Ellipsoid(centre: SIMD3(-0.08, 0.605, 0), semiAxes: SIMD3(0.046, 0.023, 0.05), density: 0.1),
        Ellipsoid(centre: SIMD3(0, 0.606, 0), semiAxes: SIMD3(0.023, 0.023, 0.02), density: 0.1),
        Ellipsoid(centre: SIMD3(0.06, 0.605, 0), semiAxes: SIMD3(0.023, 0.046, 0.02), density: 0.1),
    ], valueRange: 0...1, scale: 0.75)

    /// Phantom coordinates → world coordinates of `volume`.
    private func world(_ volume: VolumeGeometry) -> (origin: SIMD3<Double>, factor: SIMD3<Double>) {
        let half = SIMD3(Double(volume.width), Double(volume.height), Double(volume.depth)) * volume.voxelSize / 2
        return (volume.centre, SIMD3(repeating: min(half.x, half.y) * scale))
    }

    /// The values of t for which the world ray `start + t·direction` lies inside the volume's box
    /// (nil: it misses).
    private static func boxInterval(_ volume: VolumeGeometry, start: SIMD3<Double>, direction: SIMD3<Double>) -> ClosedRange<Double>? {
        let half = SIMD3(Double(volume.width), Double(volume.height), Double(volume.depth)) * volume.voxelSize / 2
        var (low, high) = (-Double.infinity, Double.infinity)
        for axis in 0..<3 {
            let (p, q) = (start[axis] - volume.centre[axis], direction[axis])
            if q == 0 {
                guard abs(p) <= half[axis] else { return nil }
                continue
            }
            let (a, b) = ((-half[axis] - p) / q, (half[axis] - p) / q)
            (low, high) = (max(low, min(a, b)), min(high, max(a, b)))
        }
        return low < high ? low...high : nil
    }

    /// The phantom on `volume` `[1, 1, D, H, W]`: each voxel the mean of 2×2×2 samples, clamped
    /// to `valueRange`.
    public func voxelise(_ volume: VolumeGeometry) -> Tensor {
        let factor = world(volume).factor
        let (d, h, w) = (volume.depth, volume.height, volume.width)
        let halfIndex = SIMD3(Double(w - 1), Double(h - 1), Double(d - 1)) / 2
        return Tensor(shape: [1, 1, d, h, w]) { output in
            parallelFor(d) { k in
                for i in 0..<h {
                    for j in 0..<w {
                        var total = 0.0
                        for sample in 0..<8 {
                            let offset = SIMD3(Double(sample & 1), Double(sample >> 1 & 1), Double(sample >> 2)) * 0.5 - 0.25
                            let point = (SIMD3(Double(j), Double(i), Double(k)) + offset - halfIndex) * volume.voxelSize / factor
                            for ellipsoid in ellipsoids where ellipsoid.contains(point) {
                                total += ellipsoid.density
                            }
                        }
                        output[(k * h + i) * w + j] = min(max(Float(total / 8), valueRange.lowerBound), valueRange.upperBound)
                    }
                }
            }
        }
    }

    /// Exact line integrals of the (unclamped) phantom's part inside the volume on every ray of
    /// `scan`, `[1, 1, R, V, U]`.
    public func analyticProjections(_ scan: ConeBeamGeometry) -> Tensor {
        let (origin, factor) = world(scan.volume)
        let (rows, views, columns) = (scan.detectorRows, scan.views.count, scan.detectorColumns)
        return Tensor(shape: [1, 1, rows, views, columns]) { output in
            parallelFor(rows * views) { task in
                let (row, v) = (task / views, task % views)
                let view = scan.views[v]
                for column in 0..<columns {
                    let cell = scan.cellCentre(view, row: row, column: column)
                    let (start, direction) = scan.beam == .cone ? (view.source, cell - view.source) : (cell, view.source)
                    // The ray in phantom units has the same parameter t; its world length is
                    // the span of t times |direction|.
                    let p = (start - origin) / factor, q = direction / factor
                    guard let box = Self.boxInterval(scan.volume, start: start, direction: direction) else {
                        output[(row * views + v) * columns + column] = 0
                        continue
                    }
                    let total = ellipsoids.reduce(0.0) { sum, ellipsoid in
                        guard let inside = ellipsoid.interval(start: p, direction: q), inside.overlaps(box) else { return sum }
                        return sum + ellipsoid.density * (min(inside.upperBound, box.upperBound) - max(inside.lowerBound, box.lowerBound))
                    }
                    output[(row * views + v) * columns + column] = Float(total * (direction * direction).sum().squareRoot())
                }
            }
        }
    }
}
