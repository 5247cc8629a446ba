#if canImport(Glibc)
import Glibc
#endif
import Tensor

/// A box of `D×H×W` voxels in world coordinates (any length unit, e.g. mm).
///
/// Voxel (slice k, row i, column j) of a `[…, D, H, W]` tensor has its centre at
/// `x = cx + (j − (W−1)/2)·sx`, `y = cy + (i − (H−1)/2)·sy`, `z = cz + (k − (D−1)/2)·sz`:
/// columns along x, rows along y, slices along z, as ASTRA's 3-D volume geometry.
public struct VolumeGeometry: Sendable, Equatable {
    /// Slices, rows, columns (D, H, W).
    public let depth: Int, height: Int, width: Int
    /// Voxel size along x, y, z.
    public let voxelSize: SIMD3<Double>
    /// World position of the volume's centre.
    public let centre: SIMD3<Double>

    /// A volume; every count and voxel size must be positive.
    public init(depth: Int, height: Int, width: Int, voxelSize: SIMD3<Double> = .one, centre: SIMD3<Double> = .zero) throws {
        guard depth > 0, height > 0, width > 0 else {
            throw PhysicsError("volume: expected positive D, H, W, got \(depth)×\(height)×\(width)")
        }
        guard (0..<3).allSatisfy({ voxelSize[$0] > 0 && voxelSize[$0].isFinite }), (0..<3).allSatisfy({ centre[$0].isFinite }) else {
            throw PhysicsError("volume: expected positive finite voxel sizes and a finite centre, got \(voxelSize), \(centre)")
        }
        (self.depth, self.height, self.width, self.voxelSize, self.centre) = (depth, height, width, voxelSize, centre)
    }

    /// Voxels per item.
    public var count: Int { depth * height * width }

    /// The world point `world` in voxel-index coordinates (x → column, y → row, z → slice; voxel
    /// centres at whole numbers).
    func index(of world: SIMD3<Double>) -> SIMD3<Double> {
        (world - centre) / voxelSize + SIMD3(Double(width - 1), Double(height - 1), Double(depth - 1)) / 2
    }
}

/// One view of a 3-D scan in ASTRA's `cone_vec` / `parallel3d_vec` layout: for a cone beam the
/// source position, for a parallel beam the ray direction; the detector centre; `u`, the vector
/// from one detector column to the next; `v`, from one detector row to the next.
public struct DetectorView: Sendable, Equatable {
    public var source: SIMD3<Double>
    public var detectorCentre: SIMD3<Double>
    public var u: SIMD3<Double>
    public var v: SIMD3<Double>

    public init(source: SIMD3<Double>, detectorCentre: SIMD3<Double>, u: SIMD3<Double>, v: SIMD3<Double>) {
        (self.source, self.detectorCentre, self.u, self.v) = (source, detectorCentre, u, v)
    }

    /// A view from the 12 numbers `(sx, sy, sz, dx, dy, dz, ux, uy, uz, vx, vy, vz)`.
    public init(vector: [Double]) throws {
        guard vector.count == 12, vector.allSatisfy(\.isFinite) else {
            throw PhysicsError("geometry vector: expected 12 finite numbers (source, detector centre, u, v), got \(vector)")
        }
        self.init(source: SIMD3(vector[0], vector[1], vector[2]), detectorCentre: SIMD3(vector[3], vector[4], vector[5]),
                  u: SIMD3(vector[6], vector[7], vector[8]), v: SIMD3(vector[9], vector[10], vector[11]))
    }

    /// The 12 numbers of the view, in ASTRA's order.
    public var vector: [Double] {
        [source, detectorCentre, u, v].flatMap { [$0.x, $0.y, $0.z] }
    }
}

/// A 3-D scan: the volume, a detector of `rows×columns` cells and one `DetectorView` per view.
///
/// Detector cell (row r, column c) has its centre at `d + (c − (C−1)/2)·u + (r − (R−1)/2)·v`.
/// Projections are `[B, C, R, V, C]` (detector rows, views, detector columns), the layout of
/// ASTRA's 3-D projection data and of the reference benchmark. Values are line integrals in world
/// length units.
public struct ConeBeamGeometry: Sendable, Equatable {
    /// Rays from a point source (cone beam) or parallel rays.
    public enum Beam: String, Sendable, Equatable { case cone, parallel }

    public let beam: Beam
    public let volume: VolumeGeometry
    public let detectorRows: Int, detectorColumns: Int
    public let views: [DetectorView]

    /// A scan; the detector and view list must not be empty, and `u`, `v` not parallel.
    public init(beam: Beam, volume: VolumeGeometry, detectorRows: Int, detectorColumns: Int, views: [DetectorView]) throws {
        guard detectorRows > 0, detectorColumns > 0 else {
            throw PhysicsError("detector: expected positive rows and columns, got \(detectorRows)×\(detectorColumns)")
        }
        guard !views.isEmpty else { throw PhysicsError("geometry: expected at least one view, got none") }
        for (index, view) in views.enumerated() {
            let normal = cross(view.u, view.v)
            guard (normal * normal).sum() > 0 else {
                throw PhysicsError("geometry: view \(index) has parallel or zero detector vectors u \(view.u), v \(view.v)")
            }
            if beam == .parallel, (view.source * view.source).sum() == 0 {
                throw PhysicsError("geometry: view \(index) has a zero ray direction")
            }
        }
        (self.beam, self.volume, self.detectorRows, self.detectorColumns, self.views) = (beam, volume, detectorRows, detectorColumns, views)
    }

    /// A circular orbit about the z axis, ASTRA's `cone` geometry: at angle θ the source is at
    /// `(sin θ, −cos θ, 0)·sod`, the detector centre at `(−sin θ, cos θ, 0)·(sdd − sod)`, columns
    /// along `(cos θ, sin θ, 0)·pitch.u` and rows along `(0, 0, pitch.v)`.
    public static func circularCone(volume: VolumeGeometry, detectorRows: Int, detectorColumns: Int,
                                    pixelPitch: (u: Double, v: Double), sourceToAxis sod: Double, sourceToDetector sdd: Double,
                                    anglesDegrees: [Double]) throws -> ConeBeamGeometry {
        guard sod > 0, sdd > sod else {
            throw PhysicsError("cone beam: expected 0 < source–axis distance < source–detector distance, got \(sod), \(sdd)")
        }
        return try ConeBeamGeometry(beam: .cone, volume: volume, detectorRows: detectorRows, detectorColumns: detectorColumns,
                                    views: anglesDegrees.map { degrees in
            let (s, c) = (sin(degrees * .pi / 180), cos(degrees * .pi / 180))
            return DetectorView(source: SIMD3(s, -c, 0) * sod, detectorCentre: SIMD3(-s, c, 0) * (sdd - sod),
                                u: SIMD3(c, s, 0) * pixelPitch.u, v: SIMD3(0, 0, pixelPitch.v))
        })
    }

    /// A parallel beam rotating about the z axis, ASTRA's `parallel3d`: rays along
    /// `(sin θ, −cos θ, 0)`, detector through the origin with columns along `(cos θ, sin θ, 0)·pitch.u`.
    public static func circularParallel(volume: VolumeGeometry, detectorRows: Int, detectorColumns: Int,
                                        pixelPitch: (u: Double, v: Double), anglesDegrees: [Double]) throws -> ConeBeamGeometry {
        try ConeBeamGeometry(beam: .parallel, volume: volume, detectorRows: detectorRows, detectorColumns: detectorColumns,
                             views: anglesDegrees.map { degrees in
            let (s, c) = (sin(degrees * .pi / 180), cos(degrees * .pi / 180))
            return DetectorView(source: SIMD3(s, -c, 0), detectorCentre: .zero, u: SIMD3(c, s, 0) * pixelPitch.u,
                                v: SIMD3(0, 0, pixelPitch.v))
        })
    }

    /// World centre of detector cell (`row`, `column`) of `view`.
    public func cellCentre(_ view: DetectorView, row: Int, column: Int) -> SIMD3<Double> {
        view.detectorCentre + view.u * (Double(column) - Double(detectorColumns - 1) / 2)
            + view.v * (Double(row) - Double(detectorRows - 1) / 2)
    }

    /// The scan restricted to the views `range` (one operator of a split scan).
    public func restricted(to range: Range<Int>) throws -> ConeBeamGeometry {
        try ConeBeamGeometry(beam: beam, volume: volume, detectorRows: detectorRows, detectorColumns: detectorColumns,
                             views: Array(views[range]))
    }
}

func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

func absolute(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(abs(v.x), abs(v.y), abs(v.z)) }

extension ConeBeamGeometry {
    /// Facts of the CWI walnut scans (Der Sarkissian et al., 2019): source–axis 66.01 mm,
    /// source–detector 199.01 mm (magnification ≈ 3.0), a 972×768 detector of 0.1496 mm cells,
    /// reconstructions of 501³ voxels of 0.1 mm.
    public enum Walnut {
        public static let sourceToAxis = 66.01088, sourceToDetector = 199.011551
        public static let detectorRows = 972, detectorColumns = 768, pixelPitch = 0.1496
        public static let volumeSide = 501, voxelSize = 0.1
    }

    /// A walnut-like circular cone beam for an `N³` volume, or the middle `depth` slices of it:
    /// the walnut's distances and physical volume (50.1 mm wide, voxels of 50.1/N mm) and a
    /// detector of the given rows and columns with square cells as wide as the walnut detector's
    /// (114.9 mm over the columns).
    public static func walnutLike(volumeSide n: Int, depth: Int? = nil, detectorRows: Int, detectorColumns: Int,
                                  anglesDegrees: [Double]) throws -> ConeBeamGeometry {
        guard n > 0, detectorColumns > 0 else {
            throw PhysicsError("walnut-like scan: expected a positive volume side and detector size, got \(n), \(detectorColumns)")
        }
        let voxel = Walnut.voxelSize * Double(Walnut.volumeSide) / Double(n)
        let pitch = Walnut.pixelPitch * Double(Walnut.detectorColumns) / Double(detectorColumns)
        return try circularCone(volume: VolumeGeometry(depth: depth ?? n, height: n, width: n, voxelSize: SIMD3(repeating: voxel)),
                                detectorRows: detectorRows, detectorColumns: detectorColumns, pixelPitch: (pitch, pitch),
                                sourceToAxis: Walnut.sourceToAxis, sourceToDetector: Walnut.sourceToDetector,
                                anglesDegrees: anglesDegrees)
    }
}
