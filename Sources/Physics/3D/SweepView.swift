/// A view whose detector rows step along z only (`v = (0, 0, v_z)`, as in every circular orbit
/// about z) and whose rays all advance fastest along x or y. The rays of one detector column then
/// lie in one vertical plane, so at a plane `k` across their main axis they share the in-plane
/// horizontal position `h(k)`, and their heights are `z(k, r) = z0(k) + r·dz(k)` in the detector row
/// r. The Joseph sample of every ray of the column at plane k is then the linear interpolation at
/// `z(k, r)` of one line, the plane's voxel columns interpolated at `h(k)`: the bilinear weights
/// factor, and `SweepStep` runs the two factors for eight detector columns at a time over a
/// contiguous copy of the plane. This is the same projector as `JosephRay3D`, computed plane by
/// plane (positions agree to Float rounding), with its exact transpose.
///
/// Per detector column (all in voxel-index units, Float): `h = h0 + k·hSlope`, `z0 = z00 + k·z0Slope`,
/// `dz = dz0 + k·dzSlope`, and the ray weights `√(α + (β + r·γ)²)·ι` (world length per plane).
struct SweepView: Sendable {
    /// Coefficient rows, each `columns` long, in `coefficients`.
    enum Row: Int, CaseIterable {
        case h0, hSlope, z00, z0Slope, dz0, dzSlope, alpha, beta, inverse
    }

    let columns: Int
    /// `Row.allCases.count × columns` Floats, row by row.
    let coefficients: [Float]
    /// The ray weights' row step γ (world length along z per detector row).
    let gamma: Float
    /// Per main axis (0: x, 1: y), the blocks of eight detector columns whose rays have that axis.
    let blocks: [[SweepBlock]]

    /// The sweep of a view given in voxel-index coordinates (source or ray direction, the centre
    /// of detector cell (0, 0), the column and row steps, the voxel size); nil when the view does
    /// not qualify: rows not along z, some ray advancing fastest along z, fewer than eight columns
    /// or a volume narrower than eight voxels.
    init?(beam: ConeBeamGeometry.Beam, source s: SIMD3<Double>, firstCell f: SIMD3<Double>, columnStep u: SIMD3<Double>,
          rowStep v: SIMD3<Double>, voxelSize size: SIMD3<Double>, axes: [Int], volume: VolumeGeometry, columns: Int) {
        guard v.x == 0, v.y == 0, v.z != 0, !axes.contains(2), columns >= 8, volume.width >= 8, volume.height >= 8 else { return nil }
        var rows = [[Float]](repeating: [Float](repeating: 0, count: columns), count: Row.allCases.count)
        var axisOfColumn = [Int](repeating: 0, count: columns)
        for column in 0..<columns {
            let cell = f + Double(column) * u
            // Cone: rays from s through the column's cells, direction q at row 0. Parallel: rays
            // along s from the column's cells.
            let q = beam == .cone ? cell - s : s, origin = beam == .cone ? s : cell
            let m = abs(q.x) >= abs(q.y) ? 0 : 1, h = 1 - m
            guard q[m] != 0 else { return nil }
            axisOfColumn[column] = m
            let hSlope = q[h] / q[m], z0Slope = q.z / q[m]
            let dzSlope = beam == .cone ? v.z / q[m] : 0
            let horizontal = (q.x * size.x) * (q.x * size.x) + (q.y * size.y) * (q.y * size.y)
            let values: [Double] = [
                origin[h] - origin[m] * hSlope, hSlope,
                origin.z - origin[m] * z0Slope, z0Slope,
                beam == .cone ? -origin[m] * dzSlope : v.z, dzSlope,
                // Cone: |q(r)|² = horizontal + ((q_z + r·v_z)·size_z)²; parallel: one length for all rays.
                beam == .cone ? horizontal : horizontal + (q.z * size.z) * (q.z * size.z), beam == .cone ? q.z * size.z : 0,
                1 / abs(q[m]),
            ]
            for (row, value) in zip(Row.allCases, values) { rows[row.rawValue][column] = Float(value) }
        }
        self.columns = columns
        coefficients = rows.flatMap { $0 }
        gamma = beam == .cone ? Float(v.z * size.z) : 0
        blocks = (0..<2).map { axis in SweepBlock.cover(axisOfColumn.map { $0 == axis }, columns: columns) }
    }

    /// The Float ray weights of detector row `row`, columns `first…first+7`.
    @inline(__always)
    static func weights(_ coefficients: UnsafePointer<Float>, columns: Int, gamma: Float, row: Int, first: Int) -> SIMD8<Float> {
        @inline(__always) func load(_ row: Row) -> SIMD8<Float> {
            UnsafeRawPointer(coefficients + row.rawValue * columns + first).loadUnaligned(as: SIMD8<Float>.self)
        }
        let t = load(.beta).addingProduct(Float(row), SIMD8(repeating: gamma))
        // Lane by lane: SIMD8's squareRoot() calls sqrtf per lane; Float's is one instruction.
        let squared = load(.alpha).addingProduct(t, t)
        var root = SIMD8<Float>()
        for lane in 0..<8 { root[lane] = squared[lane].squareRoot() }
        return root * load(.inverse)
    }

    /// The Float ray weight of cell (`row`, `column`), by the same operations as `weights`.
    @inline(__always)
    static func weight(_ coefficients: UnsafePointer<Float>, columns: Int, gamma: Float, row: Int, column: Int) -> Float {
        @inline(__always) func load(_ row: Row) -> Float { coefficients[row.rawValue * columns + column] }
        let t = load(.beta).addingProduct(Float(row), gamma)
        return load(.alpha).addingProduct(t, t).squareRoot() * load(.inverse)
    }

    /// `body(first)` for `first` = 0, 8, … over the columns in whole blocks of eight, then
    /// `tail(column)` for each column after the last whole block.
    @inline(__always)
    static func columnsInBlocks(_ columns: Int, _ body: (Int) -> Void, tail: (Int) -> Void) {
        var first = 0
        while first + 8 <= columns {
            body(first)
            first += 8
        }
        for column in first..<columns { tail(column) }
    }
}

/// Eight neighbouring detector columns `start…start+7` of which lanes `firstLane…lastLane` are
/// handled together (the others belong to other blocks or axes).
struct SweepBlock: Sendable {
    let start: Int, firstLane: Int, lastLane: Int

    /// Blocks covering the runs of columns where `selected` holds; `columns ≥ 8`.
    static func cover(_ selected: [Bool], columns: Int) -> [SweepBlock] {
        var blocks: [SweepBlock] = [], column = 0
        while column < columns {
            guard selected[column] else {
                column += 1
                continue
            }
            var end = column
            while end < columns, selected[end] { end += 1 }
            for first in stride(from: column, to: end, by: 8) {
                let start = min(first, columns - 8)
                blocks.append(SweepBlock(start: start, firstLane: first - start, lastLane: min(first + 8, end) - 1 - start))
            }
            column = end
        }
        return blocks
    }
}
