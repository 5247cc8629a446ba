import Tensor

/// The 3-D X-ray transform of a `ConeBeamGeometry` (cone or parallel beam, any detector vectors)
/// with a Joseph-type projector: each ray samples the volume once per plane across its main axis
/// by bilinear interpolation, weighted by the path length per plane. The adjoint is its exact
/// transpose (the same rays, weights spread back). No matrix is stored; both directions run on
/// the shared thread pool and need only the volume, the projections and per-ray scalars.
///
/// Shapes: volume `[B, C, D, H, W]` → projections `[B, C, R, V, U]` (detector rows, views,
/// detector columns). Views whose detector rows step along z (circular orbits) run as plane
/// sweeps (`SweepView`), the others ray by ray (`JosephRay3D`); both compute the same samples. The
/// forward pass shares views (and rows) among threads; the adjoint gives each thread its own slab
/// of planes along the rays' main axis, so no two threads write the same voxel and the result does
/// not depend on the thread count.
public struct ConeBeam3D: LinearOperator {
    public let geometry: ConeBeamGeometry
    private let frames: [ViewFrame]
    /// Per view, its plane sweep (`SweepView`) or nil when its rays run one by one.
    let sweeps: [SweepView?]

    public init(geometry: ConeBeamGeometry) {
        self.init(geometry: geometry, sweeping: true)
    }

    /// The operator; without `sweeping`, every ray runs one by one (`JosephRay3D`), which tests
    /// compare the plane sweeps (`SweepView`) with.
    init(geometry: ConeBeamGeometry, sweeping: Bool) {
        self.geometry = geometry
        frames = geometry.views.map { ViewFrame(view: $0, geometry: geometry, sweeping: sweeping) }
        sweeps = frames.map(\.sweep)
    }

    public func domainShape(batch: Int, channels: Int) -> [Int] {
        [batch, channels, geometry.volume.depth, geometry.volume.height, geometry.volume.width]
    }

    public func rangeShape(batch: Int, channels: Int) -> [Int] {
        [batch, channels, geometry.detectorRows, geometry.views.count, geometry.detectorColumns]
    }

    public func apply(_ x: Tensor) throws -> Tensor {
        let (batch, channels) = try check(x, against: domainShape, role: "\(geometry.beam) beam forward input")
        let volume = geometry.volume, rows = geometry.detectorRows, columns = geometry.detectorColumns
        let viewCount = frames.count, rayViews = (0..<viewCount).filter { sweeps[$0] == nil }
        var result = Tensor(shape: rangeShape(batch: batch, channels: channels))
        let layouts = (0..<3).map { PlaneLayout(axis: $0, depth: volume.depth, height: volume.height, width: volume.width) }
        let scratch = Self.scratch(volume), sweepScratch = sweeps.contains { $0 != nil } ? self.sweepScratch() : []
        let forwardTiles = (0..<ThreadPool.shared.threadCount).map { _ in
            UnsafeMutablePointer<ForwardTileRay>.allocate(capacity: Self.tileRows * Self.tileColumns)
        }
        defer {
            scratch.forEach { $0.deallocate() }
            sweepScratch.forEach { $0.deallocate() }
            forwardTiles.forEach { $0.deallocate() }
        }
        result.withUnsafeMutableBufferPointer { output in
            x.withUnsafeBufferPointer { input in
                for item in 0..<(batch * channels) {
                    let source = input.baseAddress! + item * volume.count
                    let target = output.baseAddress! + item * rows * viewCount * columns
                    sweepForward(source, scratch: sweepScratch, into: target)
                    // The other views: tiles of neighbouring detector cells, their rays' interiors run
                    // chunk by chunk, so that the voxels they share stay in cache between rays.
                    let rowTiles = (rows + Self.tileRows - 1) / Self.tileRows
                    parallelFor(rayViews.count * rowTiles) { task, participant in
                        let view = rayViews[task / rowTiles], firstRow = (task % rowTiles) * Self.tileRows
                        let tile = forwardTiles[participant], work = scratch[participant]
                        for firstColumn in stride(from: 0, to: columns, by: Self.tileColumns) {
                            var count = 0
                            for row in firstRow..<min(firstRow + Self.tileRows, rows) {
                                for column in firstColumn..<min(firstColumn + Self.tileColumns, columns) {
                                    let cell = target + (row * viewCount + view) * columns + column
                                    guard let ray = frames[view].ray(row: row, column: column, volume: volume), let planes = ray.planes else {
                                        cell.pointee = 0
                                        continue
                                    }
                                    let (edges, inner) = ray.edges(of: source, layout: layouts[ray.axis], range: planes)
                                    if inner.isEmpty {
                                        cell.pointee = edges * ray.weight
                                        continue
                                    }
                                    tile[count] = ForwardTileRay(ray: ray, inner: inner, edges: edges, cell: cell, total: .zero, other: .zero)
                                    count += 1
                                }
                            }
                            var start = 0, busy = count > 0
                            while busy {
                                busy = false
                                for n in 0..<count {
                                    let lower = tile[n].inner.lowerBound + start, upper = tile[n].inner.upperBound
                                    guard lower < upper else { continue }
                                    busy = true
                                    let part = lower..<min(lower + Self.chunk, upper), ray = tile[n].ray
                                    let layout = layouts[ray.axis], pairs = layout.strideA == 1
                                    ray.prepare(part, layout, pairs: pairs, into: work)
                                    JosephRay3D.gatherBlocks(source, layout, pairs: pairs, count: part.count, work, &tile[n].total, &tile[n].other)
                                    if part.upperBound == upper {
                                        var sum = tile[n].edges
                                        sum += JosephRay3D.gatherTail(source, layout, pairs: pairs, count: part.count, work,
                                                                      (tile[n].total + tile[n].other).sum())
                                        tile[n].cell.pointee = sum * ray.weight
                                    }
                                }
                                start += Self.chunk
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    public func adjoint(_ y: Tensor) throws -> Tensor {
        try adjoint(y, slabs: ThreadPool.shared.threadCount)
    }

    /// The adjoint with the planes of each main axis cut into `slabs` parts, one per task. One
    /// parallel phase per main axis spans every view, so the threads meet at up to three barriers
    /// instead of one per view and axis. Each voxel sums its rays in the same order for every slab
    /// count (axis; in it the sweep views by view, column block and row, then the other views by
    /// view, row and column), so the result is the same bit for bit.
    func adjoint(_ y: Tensor, slabs requested: Int) throws -> Tensor {
        let (batch, channels) = try check(y, against: rangeShape, role: "\(geometry.beam) beam adjoint input")
        let volume = geometry.volume, rows = geometry.detectorRows, columns = geometry.detectorColumns
        let viewCount = frames.count
        var result = Tensor(shape: domainShape(batch: batch, channels: channels))
        let layouts = (0..<3).map { PlaneLayout(axis: $0, depth: volume.depth, height: volume.height, width: volume.width) }
        let slabs = max(1, requested)
        let scratch = Self.scratch(volume)
        let sweepScratch = sweeps.contains { $0 != nil } ? self.sweepScratch() : []
        defer {
            scratch.forEach { $0.deallocate() }
            sweepScratch.forEach { $0.deallocate() }
        }
        result.withUnsafeMutableBufferPointer { output in
            y.withUnsafeBufferPointer { input in
                for item in 0..<(batch * channels) {
                    let target = output.baseAddress! + item * volume.count
                    let source = input.baseAddress! + item * rows * viewCount * columns
                    for axis in 0..<3 {
                        let views = (0..<viewCount).filter { frames[$0].sweep == nil && frames[$0].axes.contains(axis) }
                        let swept = axis < 2 && sweeps.contains { $0.map { !$0.blocks[axis].isEmpty } ?? false }
                        guard !views.isEmpty || swept else { continue }
                        let planes = layouts[axis].planes
                        let parts = min(slabs, planes)
                        parallelFor(parts) { slab, participant in
                            let mine = (slab * planes / parts)...((slab + 1) * planes / parts - 1)
                            if swept { sweepBackproject(source, axis: axis, planes: mine, scratch: sweepScratch[participant], into: target) }
                            for view in views {
                                for row in 0..<rows {
                                    let line = source + (row * viewCount + view) * columns
                                    for column in 0..<columns where line[column] != 0 && frames[view].axis(row: row, column: column) == axis {
                                        guard let ray = frames[view].ray(row: row, column: column, volume: volume),
                                              let range = ray.planes.flatMap({ JosephRay3D.intersect($0, mine) }) else { continue }
                                        ray.spread(line[column], into: target, layout: layouts[axis], range: range, scratch: scratch[participant])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}

extension ConeBeam3D {
    /// Rays are run in tiles of `tileRows×tileColumns` detector cells of one view, `chunk` planes
    /// of every ray of a tile at a time.
    static var tileRows: Int { 8 }
    static var tileColumns: Int { 8 }
    static var chunk: Int { 32 }

    /// One `RayScratch` per thread of the shared pool.
    fileprivate static func scratch(_ volume: VolumeGeometry) -> [RayScratch] {
        (0..<ThreadPool.shared.threadCount).map { _ in RayScratch(planes: max(volume.depth, volume.height, volume.width)) }
    }
}

/// One view in voxel-index coordinates: for a cone beam the source point, for a parallel beam
/// the ray direction; the centre of detector cell (0, 0) and the steps to the next column and
/// row; and the main axes its rays can have.
private struct ViewFrame: Sendable {
    let beam: ConeBeamGeometry.Beam
    let source: SIMD3<Double>
    let firstCell: SIMD3<Double>
    let columnStep: SIMD3<Double>, rowStep: SIMD3<Double>
    let voxelSize: SIMD3<Double>
    let axes: [Int]
    /// The view's plane sweep, when it qualifies; its rays then never run one by one.
    let sweep: SweepView?

    init(view: DetectorView, geometry: ConeBeamGeometry, sweeping: Bool) {
        let volume = geometry.volume
        beam = geometry.beam
        voxelSize = volume.voxelSize
        firstCell = volume.index(of: geometry.cellCentre(view, row: 0, column: 0))
        columnStep = view.u / volume.voxelSize
        rowStep = view.v / volume.voxelSize
        source = beam == .cone ? volume.index(of: view.source) : view.source / volume.voxelSize
        // The main axis is that of the largest |component| of the direction: checked per cell.
        var seen = Set<Int>()
        for row in 0..<geometry.detectorRows where seen.count < 3 {
            for column in 0..<geometry.detectorColumns {
                seen.insert(JosephRay3D.mainAxis(Self.direction(beam, source, firstCell + Double(column) * columnStep + Double(row) * rowStep)))
            }
        }
        axes = seen.sorted()
        sweep = sweeping ? SweepView(beam: beam, source: source, firstCell: firstCell, columnStep: columnStep, rowStep: rowStep,
                                     voxelSize: voxelSize, axes: axes, volume: volume, columns: geometry.detectorColumns) : nil
    }

    private static func direction(_ beam: ConeBeamGeometry.Beam, _ source: SIMD3<Double>, _ cell: SIMD3<Double>) -> SIMD3<Double> {
        beam == .cone ? cell - source : source
    }

    /// The main axis of the ray of detector cell (row, column).
    @inline(__always)
    func axis(row: Int, column: Int) -> Int {
        JosephRay3D.mainAxis(Self.direction(beam, source, firstCell + Double(column) * columnStep + Double(row) * rowStep))
    }

    /// The ray of detector cell (row, column), or nil when it misses the volume.
    @inline(__always)
    func ray(row: Int, column: Int, volume: VolumeGeometry) -> JosephRay3D? {
        let cell = firstCell + Double(column) * columnStep + Double(row) * rowStep
        let q = Self.direction(beam, source, cell)
        let world = q * voxelSize
        return JosephRay3D(point: beam == .cone ? source : cell, direction: q, worldLength: (world * world).sum().squareRoot(),
                           depth: volume.depth, height: volume.height, width: volume.width)
    }
}

/// A ray of a forward tile: its interior planes, the sum of its edge samples, its detector cell,
/// and the accumulators of its interior blocks so far.
private struct ForwardTileRay {
    let ray: JosephRay3D
    let inner: Range<Int>
    let edges: Float
    let cell: UnsafeMutablePointer<Float>
    var total: SIMD8<Float>, other: SIMD8<Float>
}
