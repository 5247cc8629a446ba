import Foundation
@testable import Physics
import Tensor
import Testing

/// Scans used by several tests: a circular cone beam, a cone with tilted, skewed detector vectors
/// around an off-centre volume of anisotropic voxels, and parallel beams.
enum Scans {
    static func volume(_ d: Int, _ h: Int, _ w: Int, voxel: SIMD3<Double> = .one, centre: SIMD3<Double> = .zero) throws -> VolumeGeometry {
        try VolumeGeometry(depth: d, height: h, width: w, voxelSize: voxel, centre: centre)
    }

    static func circularCone(size: Int, views: Int, rows: Int, columns: Int) throws -> ConeBeamGeometry {
        try ConeBeamGeometry.circularCone(volume: volume(size, size, size), detectorRows: rows, detectorColumns: columns,
                                          pixelPitch: (3.0 * Double(size) / Double(columns), 3.0 * Double(size) / Double(rows)),
                                          sourceToAxis: 2.0 * Double(size), sourceToDetector: 6.0 * Double(size),
                                          anglesDegrees: (0..<views).map { 360 * Double($0) / Double(views) })
    }

    static func tilted(beam: ConeBeamGeometry.Beam) throws -> ConeBeamGeometry {
        let views = (0..<7).map { index -> DetectorView in
            let angle = 0.9 * Double(index) + 0.3, (s, c) = (sin(angle), cos(angle))
            let source = beam == .cone ? SIMD3(30 * s, -30 * c, 4 + Double(index)) : SIMD3(s, -c, 0.35)
            return DetectorView(source: source, detectorCentre: SIMD3(-25 * s, 25 * c, -3 + 0.5 * Double(index)),
                                u: SIMD3(c, s, 0.2) * 0.9, v: SIMD3(0.1 * s, -0.15 * c, 1.1))
        }
        return try ConeBeamGeometry(beam: beam, volume: volume(9, 12, 10, voxel: SIMD3(0.8, 1.1, 1.3), centre: SIMD3(0.7, -0.4, 1.2)),
                                    detectorRows: 17, detectorColumns: 23, views: views)
    }
}

@Suite("ConeBeam3D")
struct ConeBeamTests {
    @Test("dot-product test: circular cone, tilted cone, tilted and circular parallel beams, with a batch")
    func dotProduct() throws {
        let scans = [try Scans.circularCone(size: 16, views: 9, rows: 12, columns: 20), try Scans.tilted(beam: .cone),
                     try Scans.tilted(beam: .parallel),
                     try ConeBeamGeometry.circularParallel(volume: Scans.volume(6, 11, 11), detectorRows: 8, detectorColumns: 17,
                                                           pixelPitch: (0.8, 1), anglesDegrees: [0, 30, 45, 90, 135, 170])]
        for scan in scans {
            let error = try dotProductError(ConeBeam3D(geometry: scan), batch: 2, channels: 1)
            #expect(error < 1e-5, "\(scan.beam): relative error \(error)")
        }
    }

    @Test("the adjoint is the same for any number of plane slabs, bit for bit (rays one by one, and plane sweeps)")
    func slabsDoNotMatter() throws {
        for scan in [try Scans.tilted(beam: .cone), try Scans.circularCone(size: 16, views: 9, rows: 12, columns: 20)] {
            let op = ConeBeam3D(geometry: scan)
            let y = try GaussianNoise(sigma: 1, seed: 3).standardNormalTensor(shape: op.rangeShape(batch: 1, channels: 1))
            let one = try op.adjoint(y, slabs: 1)
            for slabs in [2, 3, 7] { #expect(try op.adjoint(y, slabs: slabs) == one) }
        }
    }

    /// Scans whose views all qualify for plane sweeps: dense walnut-like rays (eight columns within
    /// eight voxels), a wide fan (columns far apart, heights spread across a block), the test cone,
    /// a parallel beam, a one-slice volume with views at 45°, and views with rows stepping down and
    /// columns right to left; detector widths that are not multiples of eight.
    static func sweepScans() throws -> [ConeBeamGeometry] {
        let angles = (0..<7).map { 51.4 * Double($0) + 3 }
        return [
            try ConeBeamGeometry.walnutLike(volumeSide: 24, depth: 10, detectorRows: 18, detectorColumns: 37, anglesDegrees: angles),
            try ConeBeamGeometry.circularCone(volume: Scans.volume(14, 16, 12), detectorRows: 11, detectorColumns: 26, pixelPitch: (2.6, 1.7),
                                              sourceToAxis: 22, sourceToDetector: 40, anglesDegrees: angles),
            try Scans.circularCone(size: 16, views: 9, rows: 12, columns: 20),
            try ConeBeamGeometry.circularParallel(volume: Scans.volume(6, 11, 9), detectorRows: 8, detectorColumns: 17,
                                                  pixelPitch: (0.8, 1), anglesDegrees: [0, 30, 45, 90, 135, 170]),
            try ConeBeamGeometry.circularCone(volume: Scans.volume(1, 12, 10), detectorRows: 5, detectorColumns: 19, pixelPitch: (1.9, 0.7),
                                              sourceToAxis: 30, sourceToDetector: 60, anglesDegrees: [0, 45, 90, 200, 315]),
            try ConeBeamGeometry(beam: .cone, volume: Scans.volume(9, 10, 13, voxel: SIMD3(1.1, 0.9, 1.4)), detectorRows: 14, detectorColumns: 21,
                                 views: (0..<5).map { index in
                let angle = 1.3 * Double(index) + 0.2, (s, c) = (sin(angle), cos(angle))
                // Rows stepping down, columns right to left, the source off the mid-plane.
                return DetectorView(source: SIMD3(28 * s, -28 * c, 3), detectorCentre: SIMD3(-22 * s, 22 * c, -1),
                                    u: SIMD3(-c, -s, 0) * 1.6, v: SIMD3(0, 0, -1.3))
            }),
        ]
    }

    @Test("plane sweeps give the ray-by-ray projector's projections and back-projections (relative L2 below 1e-5)")
    func sweepsMatchRays() throws {
        for scan in try Self.sweepScans() {
            let swept = ConeBeam3D(geometry: scan), rays = ConeBeam3D(geometry: scan, sweeping: false)
            #expect(swept.sweeps.allSatisfy { $0 != nil } && rays.sweeps.allSatisfy { $0 == nil })
            let noise = try GaussianNoise(sigma: 1, seed: 11)
            let x = noise.standardNormalTensor(shape: swept.domainShape(batch: 2, channels: 1), stream: 1)
            let y = noise.standardNormalTensor(shape: swept.rangeShape(batch: 2, channels: 1), stream: 2)
            let forward = try (swept.apply(x) - rays.apply(x)).norm() / rays.apply(x).norm()
            let adjoint = try (swept.adjoint(y) - rays.adjoint(y)).norm() / rays.adjoint(y).norm()
            print("sweep against rays, \(scan.beam) \(scan.volume.depth)×\(scan.volume.height)×\(scan.volume.width): forward \(forward), adjoint \(adjoint)")
            #expect(forward < 1e-5 && adjoint < 1e-5, "\(scan.beam): forward \(forward), adjoint \(adjoint)")
            #expect(try dotProductError(swept) < 1e-5)
        }
    }

    /// Analytic line integrals of an ellipsoid (centre, semi-axes along x, y, z, density) on the
    /// rays of `scan`, computed from the scan's vectors directly.
    static func analyticProjections(_ scan: ConeBeamGeometry, centre: SIMD3<Double>, axes: SIMD3<Double>, density: Double) -> [Float] {
        var values: [Float] = []
        let (rows, columns) = (scan.detectorRows, scan.detectorColumns)
        for row in 0..<rows {
            for view in scan.views {
                for column in 0..<columns {
                    let cell = view.detectorCentre + view.u * (Double(column) - Double(columns - 1) / 2)
                        + view.v * (Double(row) - Double(rows - 1) / 2)
                    let (start, direction) = scan.beam == .cone ? (view.source, cell - view.source) : (cell, view.source)
                    let p = (start - centre) / axes, q = direction / axes
                    let qq = (q * q).sum(), pq = (p * q).sum(), pp = (p * p).sum()
                    let discriminant = pq * pq - qq * (pp - 1)
                    let chord = discriminant > 0 ? 2 * discriminant.squareRoot() / qq * (direction * direction).sum().squareRoot() : 0
                    values.append(Float(density * chord))
                }
            }
        }
        return values
    }

    /// The ellipsoid on the volume's voxels, each the fraction of its 3×3×3 sub-samples inside.
    static func voxelised(_ volume: VolumeGeometry, centre: SIMD3<Double>, axes: SIMD3<Double>, density: Double) -> Tensor {
        var values = [Float](repeating: 0, count: volume.count)
        let half = SIMD3(Double(volume.width - 1), Double(volume.height - 1), Double(volume.depth - 1)) / 2
        for k in 0..<volume.depth {
            for i in 0..<volume.height {
                for j in 0..<volume.width {
                    var inside = 0
                    for sub in 0..<27 {
                        let offset = (SIMD3(Double(sub % 3), Double(sub / 3 % 3), Double(sub / 9)) + 0.5) / 3 - 0.5
                        let point = volume.centre + (SIMD3(Double(j), Double(i), Double(k)) - half + offset) * volume.voxelSize
                        let r = (point - centre) / axes
                        if (r * r).sum() <= 1 { inside += 1 }
                    }
                    values[(k * volume.height + i) * volume.width + j] = Float(density * Double(inside) / 27)
                }
            }
        }
        return Tensor(shape: [1, 1, volume.depth, volume.height, volume.width], values: values)
    }

    @Test("projections of a voxelised ellipsoid match its analytic line integrals (cone and parallel)")
    func ellipsoid() throws {
        let size = 40
        let cone = try Scans.circularCone(size: size, views: 10, rows: 32, columns: 40)
        let parallel = try ConeBeamGeometry.circularParallel(volume: cone.volume, detectorRows: 32, detectorColumns: 40,
                                                             pixelPitch: (1.1, 1.2), anglesDegrees: (0..<10).map { 18 * Double($0) })
        let (centre, axes) = (SIMD3(2.5, -3.0, 1.5), SIMD3(12.0, 9.0, 14.0))
        for scan in [cone, parallel] {
            let projected = try ConeBeam3D(geometry: scan).apply(Self.voxelised(scan.volume, centre: centre, axes: axes, density: 1))
            let exact = Self.analyticProjections(scan, centre: centre, axes: axes, density: 1).map(Double.init)
            let values = projected.withUnsafeBufferPointer { $0.map(Double.init) }
            let difference = zip(values, exact).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let relative = (difference / exact.map { $0 * $0 }.reduce(0, +)).squareRoot()
            let mass = values.reduce(0, +) / exact.reduce(0, +)
            let long = zip(values, exact).filter { $0.1 > 0.5 * (exact.max() ?? 0) }
            let longRatio = long.map { $0.0 / $0.1 }.reduce(0, +) / Double(long.count)
            print("ellipsoid \(scan.beam) \(size)³: relative L2 error \(relative), total \(mass), long chords \(longRatio)")
            // The error sits at the rims (partial-volume voxels blurred by interpolation).
            #expect(relative < 0.04, "\(scan.beam): relative L2 error \(relative)")
            #expect(abs(mass - 1) < 3e-3 && abs(longRatio - 1) < 5e-3, "\(scan.beam): totals \(mass), long chords \(longRatio)")
        }
    }

    @Test("FDK of an ellipsoid: the right density inside, near zero outside (cone over 360°, parallel over 180°)")
    func feldkamp() throws {
        let size = 40
        let cone = try Scans.circularCone(size: size, views: 90, rows: 40, columns: 48)
        let parallel = try ConeBeamGeometry.circularParallel(volume: cone.volume, detectorRows: 40, detectorColumns: 56,
                                                             pixelPitch: (1, 1), anglesDegrees: (0..<90).map { 2 * Double($0) })
        let (centre, axes) = (SIMD3(2.5, -3.0, 1.5), SIMD3(12.0, 9.0, 14.0))
        let truth = Self.voxelised(cone.volume, centre: centre, axes: axes, density: 2)
        let inner = Self.voxelised(cone.volume, centre: centre, axes: axes * 0.6, density: 1)
        let outer = Self.voxelised(cone.volume, centre: centre, axes: axes * 1.3, density: 1)
        for scan in [cone, parallel] {
            let op = ConeBeam3D(geometry: scan)
            let reconstruction = try FeldkampReconstruction(projector: op).reconstruct(op.apply(truth))
            let values = reconstruction.withUnsafeBufferPointer { Array($0) }
            let (insideMask, outsideMask) = (inner.withUnsafeBufferPointer { $0.map { $0 == 1 } },
                                             outer.withUnsafeBufferPointer { $0.map { $0 == 0 } })
            let inside = zip(values, insideMask).filter(\.1).map { Double($0.0) }
            let outside = zip(values, outsideMask).filter(\.1).map { abs(Double($0.0)) }
            let meanInside = inside.reduce(0, +) / Double(inside.count), meanOutside = outside.reduce(0, +) / Double(outside.count)
            let error = zip(values, truth.withUnsafeBufferPointer { Array($0) }).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
            let psnr = 10 * log10(4 / (error / Double(values.count)))
            print("fdk \(scan.beam) \(size)³: mean inside \(meanInside) (density 2), mean |value| outside \(meanOutside), PSNR \(psnr) dB")
            #expect(abs(meanInside - 2) < 0.06 && meanOutside < 0.06, "\(scan.beam): inside \(meanInside), outside \(meanOutside)")
        }
        #expect(throws: PhysicsError.self) { try FeldkampReconstruction(projector: ConeBeam3D(geometry: cone)).reconstruct(truth) }
    }

    @Test("a scan split into operators over contiguous blocks of views: the blocks' projections are the whole's")
    func split() throws {
        let op = ConeBeam3D(geometry: try Scans.tilted(beam: .cone))
        let stack = try op.split(into: 3)
        #expect(stack.operators.map { ($0 as! ConeBeam3D).geometry.views.count } == [3, 2, 2])
        let x = try GaussianNoise(sigma: 1, seed: 5).standardNormalTensor(shape: op.domainShape(batch: 1, channels: 1))
        let whole = try op.apply(x), parts = try stack.apply(x)
        #expect(try Tensor.concatenate(parts, axis: 3) == whole)
        let adjointError = try (stack.adjoint(parts) - op.adjoint(whole)).norm() / op.adjoint(whole).norm()
        #expect(adjointError < 1e-5)
    }

    @Test("geometry errors name the problem: zero counts, bad distances, parallel detector vectors, short vectors")
    func geometryErrors() throws {
        #expect(throws: PhysicsError.self) { try Scans.volume(0, 4, 4) }
        #expect(throws: PhysicsError.self) { try Scans.volume(4, 4, 4, voxel: SIMD3(1, 0, 1)) }
        let volume = try Scans.volume(4, 4, 4)
        #expect(throws: PhysicsError.self) {
            try ConeBeamGeometry.circularCone(volume: volume, detectorRows: 4, detectorColumns: 4, pixelPitch: (1, 1),
                                              sourceToAxis: 10, sourceToDetector: 5, anglesDegrees: [0])
        }
        #expect(throws: PhysicsError.self) {
            try ConeBeamGeometry(beam: .cone, volume: volume, detectorRows: 4, detectorColumns: 4,
                                 views: [DetectorView(source: SIMD3(0, -10, 0), detectorCentre: SIMD3(0, 10, 0), u: SIMD3(1, 0, 0), v: SIMD3(2, 0, 0))])
        }
        #expect(throws: PhysicsError.self) { try DetectorView(vector: [1, 2, 3]) }
        let view = try DetectorView(vector: Array(stride(from: 1.0, through: 12, by: 1)))
        #expect(view.vector == Array(stride(from: 1.0, through: 12, by: 1)) && view.u == SIMD3(7, 8, 9))
        let op = ConeBeam3D(geometry: try Scans.circularCone(size: 4, views: 2, rows: 3, columns: 5))
        #expect(throws: PhysicsError.self) { try op.apply(Tensor(shape: [1, 1, 4, 4, 5])) }
        #expect(throws: PhysicsError.self) { try op.adjoint(Tensor(shape: [1, 1, 3, 5, 2])) }
    }
}
