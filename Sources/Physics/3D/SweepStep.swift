/// One `SweepBlock` of eight detector columns at one plane `k`: the Joseph samples of all their
/// rays on that plane, forward and transposed, in two separable steps over a per-thread buffer of
/// eight interpolated lines (`lines`, row z holds the eight columns' values at height z):
///
/// - across: line c at height z is the plane row z interpolated at the column's h, `low_c·P[z][ih_c]
///   + high_c·P[z][ih_c + 1]`. When the columns' corners fit in eight neighbouring voxels, this is
///   `Σ_p P[z][base + p]·M_p` with eight weight vectors M_p, eight broadcast FMAs per row.
/// - along: ray (r, c) samples line c at `z(r)`, `(1 − w)·L[iz] + w·L[iz + 1]`. Neighbouring columns
///   have nearly equal heights, so for a chunk of rows where every lane's `iz` is within
///   `base_r + {0, 1, 2}` the eight samples are vector loads of four line rows and blends; other
///   chunks go lane by lane.
///
/// Forward and adjoint make the same choices from the same numbers, so they use the same weights.
struct SweepStep {
    /// Zero rows kept on each side of the line buffer.
    static var padding: Int { 8 }
    /// Floats of the line buffer for a volume of `depth` slices.
    static func lineCapacity(depth: Int) -> Int { 8 * (depth + 2 * padding) }
    /// Rows per chunk of the along step.
    static var chunk: Int { 64 }

    let depth: Int, countH: Int
    /// Heights of row 0 and their step per row; lanes that do not meet the plane, and lane 0,
    /// repeat the first lane that does, so that lane 0 can be the reference of the chunks' windows.
    let z0: SIMD8<Float>, dz: SIMD8<Float>
    /// All bits set in the lanes of columns that meet this plane.
    let active: SIMD8<Int32>
    let rows: ClosedRange<Int>
    /// Line rows (heights in 0..<depth) that can carry non-zero values.
    let heights: ClosedRange<Int>
    let ih: SIMD8<Int32>, low: SIMD8<Float>, high: SIMD8<Float>
    /// First voxel of the eight-voxel window, or nil when the corners do not fit in one.
    let base: Int?

    /// The block at plane `k` of a plane of `depth × countH` voxels, for a detector of
    /// `detectorRows`; nil when none of its rays meets the plane.
    @inline(__always)
    init?(_ block: SweepBlock, plane k: Int, _ coefficients: UnsafePointer<Float>, columns: Int, depth: Int, countH: Int,
          detectorRows: Int) {
        @inline(__always) func load(_ row: SweepView.Row) -> SIMD8<Float> {
            UnsafeRawPointer(coefficients + row.rawValue * columns + block.start).loadUnaligned(as: SIMD8<Float>.self)
        }
        let kf = Float(k)
        let h = load(.h0).addingProduct(kf, load(.hSlope))
        var active = SIMD8<Int32>()
        for lane in block.firstLane...block.lastLane where h[lane] > -1 && h[lane] < Float(countH) { active[lane] = -1 }
        guard let first = (0..<8).first(where: { active[$0] != 0 }) else { return nil }
        let starts = load(.z00).addingProduct(kf, load(.z0Slope)), steps = load(.dz0).addingProduct(kf, load(.dzSlope))
        let z0 = LaneMask.select(active, starts, SIMD8(repeating: starts[first]))
        let dz = LaneMask.select(active, steps, SIMD8(repeating: steps[first]))
        (self.depth, self.countH, self.z0, self.dz, self.active) = (depth, countH, z0, dz, active)

        // Detector rows whose height lies in (−1, depth) for some lane, one row of margin each side.
        var top = detectorRows, bottom = -1
        for lane in 0..<8 where active[lane] != 0 {
            let (start, step) = (Double(z0[lane]), Double(dz[lane]))
            if step == 0 {
                if start > -1 && start < Double(depth) { (top, bottom) = (0, detectorRows - 1) }
                continue
            }
            let (a, b) = ((-1 - start) / step, (Double(depth) - start) / step)
            let bound = Double(detectorRows)
            top = min(top, Int(max(-1, min(bound, min(a, b))).rounded(.down)))
            bottom = max(bottom, Int(max(-1, min(bound, max(a, b))).rounded(.up)))
        }
        (top, bottom) = (max(top, 0), min(bottom, detectorRows - 1))
        guard top <= bottom else { return nil }
        rows = top...bottom
        // Heights are monotonic in the row: their extremes are at the ends.
        let (above, below) = (Self.floors(z0, dz, top).index, Self.floors(z0, dz, bottom).index)
        var lowest = Int.max, highest = Int.min
        for lane in 0..<8 {
            lowest = min(lowest, Int(min(above[lane], below[lane])))
            highest = max(highest, Int(max(above[lane], below[lane])))
        }
        guard max(lowest, 0) <= min(highest + 1, depth - 1) else { return nil }
        heights = max(lowest, 0)...min(highest + 1, depth - 1)

        let hSafe = LaneMask.keep(active, h)
        let whole = JosephRay3D.wholeBelow(hSafe), wh = hSafe - whole
        let ih = JosephRay3D.integer(whole)
        self.ih = ih
        // Corners outside the plane get no weight: ih = −1 (low) or ih + 1 = countH (high).
        low = LaneMask.keep(active & ~(ih &>> 31), 1 - wh)
        high = LaneMask.keep(active & ((ih &- Int32(countH - 1)) &>> 31), wh)
        var left = Int.max, right = Int.min
        for lane in 0..<8 where active[lane] != 0 {
            left = min(left, max(Int(ih[lane]), 0))
            right = max(right, min(Int(ih[lane]) + 1, countH - 1))
        }
        let start = min(left, countH - 8)
        base = right - start <= 7 ? start : nil
    }

    /// Heights of rows `row` for the eight lanes, split as `z = iz + w` (w in [0, 1]).
    @inline(__always)
    static func floors(_ z0: SIMD8<Float>, _ dz: SIMD8<Float>, _ row: Int) -> (index: SIMD8<Int32>, weight: SIMD8<Float>) {
        // JosephRay3D.wholeBelow and .integer, sharing the rounded sum.
        let z = z0.addingProduct(Float(row), dz), magic = JosephRay3D.magic
        let rounded = (z - 0.5) + magic
        return (unsafeBitCast(rounded, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self), z - (rounded - magic))
    }

    /// The window's weight vectors M_p (lane c: the weight of voxel `base + p` in column c's line),
    /// written to `target` (64 Floats), or their transpose when `transposed`.
    @inline(__always)
    func writeWindow(base: Int, transposed: Bool, into target: UnsafeMutablePointer<Float>) {
        let offset = ih &- Int32(base)
        for p in 0..<8 {
            let m = LaneMask.keep(LaneMask.equal(offset, Int32(p)), low) + LaneMask.keep(LaneMask.equal(offset, Int32(p - 1)), high)
            if transposed {
                for lane in 0..<8 { target[8 * lane + p] = m[lane] }
            } else {
                UnsafeMutableRawPointer(target + 8 * p).storeBytes(of: m, as: SIMD8<Float>.self)
            }
        }
    }

    /// For the rows `from…to`, the offset `lo` such that every lane's `iz` lies in
    /// `iz_0 + lo + {0, 1, 2}` (lane 0 is the reference; `wide` false: in `iz_0 + lo + {0, 1}`),
    /// with the four line rows from `iz_0 + lo` inside the buffer; nil when no such offset is
    /// certain (then the chunk runs lane by lane).
    @inline(__always)
    func window(from: Int, to: Int) -> (lo: Int, wide: Bool)? {
        let zs = z0.addingProduct(Float(from), dz), ze = z0.addingProduct(Float(to), dz)
        var lo = 0, hi = 0
        for lane in 1..<8 where !(z0[lane] == z0[0] && dz[lane] == dz[0]) {
            guard abs(zs[lane]) < 4096, abs(ze[lane]) < 4096 else { return nil }
            // floor(a) − floor(b) is floor(a − b) or one more; 2e-3 covers the rounding of a − b.
            let (ds, de) = (zs[lane] - zs[0], ze[lane] - ze[0])
            lo = min(lo, Int((min(ds, de) - 2e-3).rounded(.down)))
            hi = max(hi, Int((max(ds, de) + 2e-3).rounded(.down)) + 1)
        }
        guard hi - lo <= 2 else { return nil }
        let bs = Int(Self.floors(z0, dz, from).index[0]) + lo, be = Int(Self.floors(z0, dz, to).index[0]) + lo
        guard min(bs, be) >= -Self.padding, max(bs, be) + 3 <= depth + Self.padding - 1 else { return nil }
        return (lo, hi - lo == 2)
    }

    /// The chunks of `rows`: `body(from, to, window)` with the chunk's `window`.
    @inline(__always)
    func chunks(_ body: (Int, Int, (lo: Int, wide: Bool)?) -> Void) {
        var from = rows.lowerBound
        while from <= rows.upperBound {
            let to = min(from + Self.chunk - 1, rows.upperBound)
            body(from, to, window(from: from, to: to))
            from = to + 1
        }
    }
}

/// Lane masks as integer vectors (all bits set or none), built and applied with bit operations:
/// the standard library's comparison and `replacing(with:where:)` run lane by lane through memory.
enum LaneMask {
    /// Set where `x == value`.
    @inline(__always)
    static func equal(_ x: SIMD8<Int32>, _ value: Int32) -> SIMD8<Int32> {
        let d = x &- value
        return ~((d | (0 &- d)) &>> 31)
    }

    /// Set where bit `bit` of x is set.
    @inline(__always)
    static func bit(_ x: SIMD8<Int32>, _ bit: Int32) -> SIMD8<Int32> { (x &<< (31 - bit)) &>> 31 }

    /// `a` where `mask` is set, else 0.
    @inline(__always)
    static func keep(_ mask: SIMD8<Int32>, _ a: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(unsafeBitCast(a, to: SIMD8<Int32>.self) & mask, to: SIMD8<Float>.self)
    }

    /// `a` where `mask` is set, else `b`.
    @inline(__always)
    static func select(_ mask: SIMD8<Int32>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let (x, y) = (unsafeBitCast(a, to: SIMD8<Int32>.self), unsafeBitCast(b, to: SIMD8<Int32>.self))
        return unsafeBitCast(y ^ ((x ^ y) & mask), to: SIMD8<Float>.self)
    }
}
