/// The inner loops of `SweepStep`: `lines` points at height 0 of a line buffer of
/// `SweepStep.lineCapacity` Floats (row z at `lines + 8·z`, `SweepStep.padding` rows on each side),
/// `window` at 64 Floats of scratch; `plane` is `depth × countH` contiguous voxels.
extension SweepStep {
    /// Adds the samples of the block's rays on this plane to their cells: detector row r of the
    /// block's first column at `output + r·rowStride`. The buffer's padding rows must be zero.
    @inline(__always)
    func project(_ plane: UnsafePointer<Float>, lines: UnsafeMutablePointer<Float>, window: UnsafeMutablePointer<Float>,
                 into output: UnsafeMutablePointer<Float>, rowStride: Int) {
        interpolateAcross(plane, lines: lines, window: window)
        let padding = Self.padding
        chunks { from, to, window in
            guard let (lo, wide) = window else {
                for r in from...to {
                    let (iz, w) = Self.floors(z0, dz, r)
                    var v0 = SIMD8<Float>(), v1 = SIMD8<Float>()
                    for lane in 0..<8 {
                        let i = min(max(Int(iz[lane]), -padding), depth + padding - 2)
                        (v0[lane], v1[lane]) = (lines[8 * i + lane], lines[8 * i + 8 + lane])
                    }
                    Self.add(((1 - w) * v0).addingProduct(w, v1), to: output + r * rowStride)
                }
                return
            }
            guard wide else {
                for r in from...to {
                    let (iz, w) = Self.floors(z0, dz, r)
                    let first = Int(iz[0]) + lo, row = lines + 8 * first
                    // e = iz − first is 0 or 1.
                    let m1 = LaneMask.bit(iz &- Int32(first), 0)
                    let (r0, r1, r2) = (Self.load(row), Self.load(row + 8), Self.load(row + 16))
                    let v0 = LaneMask.select(m1, r1, r0), v1 = LaneMask.select(m1, r2, r1)
                    Self.add(((1 - w) * v0).addingProduct(w, v1), to: output + r * rowStride)
                }
                return
            }
            for r in from...to {
                let (iz, w) = Self.floors(z0, dz, r)
                let first = Int(iz[0]) + lo, e = iz &- Int32(first), row = lines + 8 * first
                let (r0, r1, r2, r3) = (Self.load(row), Self.load(row + 8), Self.load(row + 16), Self.load(row + 24))
                // e is 0, 1 or 2.
                let m1 = LaneMask.bit(e, 0), m2 = LaneMask.bit(e, 1)
                let v0 = LaneMask.select(m2, r2, LaneMask.select(m1, r1, r0)), v1 = LaneMask.select(m2, r3, LaneMask.select(m1, r2, r1))
                Self.add(((1 - w) * v0).addingProduct(w, v1), to: output + r * rowStride)
            }
        }
    }

    /// The transpose of `project`: adds the block's detector values (row r of its first column at
    /// `values + r·rowStride`, already multiplied by the ray weights) spread over this plane into
    /// `plane`. Rows 0..<depth of the line buffer must be zero, and are zero again afterwards.
    @inline(__always)
    func backproject(_ values: UnsafePointer<Float>, rowStride: Int, lines: UnsafeMutablePointer<Float>,
                     window: UnsafeMutablePointer<Float>, into plane: UnsafeMutablePointer<Float>) {
        let padding = Self.padding
        chunks { from, to, window in
            guard let (lo, wide) = window else {
                for r in from...to {
                    let (iz, w) = Self.floors(z0, dz, r)
                    let value = LaneMask.keep(active, Self.load(values + r * rowStride))
                    let (a, b) = ((1 - w) * value, w * value)
                    for lane in 0..<8 {
                        let i = min(max(Int(iz[lane]), -padding), depth + padding - 2)
                        lines[8 * i + lane] += a[lane]
                        lines[8 * i + 8 + lane] += b[lane]
                    }
                }
                return
            }
            guard wide else {
                for r in from...to {
                    let (iz, w) = Self.floors(z0, dz, r)
                    let value = LaneMask.keep(active, Self.load(values + r * rowStride))
                    let (a, b) = ((1 - w) * value, w * value)
                    let first = Int(iz[0]) + lo, row = lines + 8 * first
                    // e = iz − first is 0 or 1.
                    let m1 = LaneMask.bit(iz &- Int32(first), 0), m0 = ~m1
                    Self.add(LaneMask.keep(m0, a), to: row)
                    Self.add(LaneMask.keep(m1, a) + LaneMask.keep(m0, b), to: row + 8)
                    Self.add(LaneMask.keep(m1, b), to: row + 16)
                }
                return
            }
            for r in from...to {
                let (iz, w) = Self.floors(z0, dz, r)
                let value = LaneMask.keep(active, Self.load(values + r * rowStride))
                let (a, b) = ((1 - w) * value, w * value)
                let first = Int(iz[0]) + lo, e = iz &- Int32(first)
                // e is 0, 1 or 2.
                let m1 = LaneMask.bit(e, 0), m2 = LaneMask.bit(e, 1), m0 = ~(m1 | m2)
                let row = lines + 8 * first
                Self.add(LaneMask.keep(m0, a), to: row)
                Self.add(LaneMask.keep(m1, a) + LaneMask.keep(m0, b), to: row + 8)
                Self.add(LaneMask.keep(m2, a) + LaneMask.keep(m1, b), to: row + 16)
                Self.add(LaneMask.keep(m2, b), to: row + 24)
            }
        }
        spreadAcross(lines: lines, window: window, into: plane)
    }

    /// Lines `heights` of the buffer: each lane's column of the plane interpolated at its h.
    @inline(__always)
    private func interpolateAcross(_ plane: UnsafePointer<Float>, lines: UnsafeMutablePointer<Float>, window: UnsafeMutablePointer<Float>) {
        guard let base else {
            for z in heights {
                let row = plane + z * countH
                var line = SIMD8<Float>()
                for lane in 0..<8 {
                    let i = Int(ih[lane])
                    line[lane] = (low[lane] * row[max(i, 0)]).addingProduct(high[lane], row[min(i + 1, countH - 1)])
                }
                UnsafeMutableRawPointer(lines + 8 * z).storeBytes(of: line, as: SIMD8<Float>.self)
            }
            return
        }
        writeWindow(base: base, transposed: false, into: window)
        let (m0, m1, m2, m3) = (Self.load(window), Self.load(window + 8), Self.load(window + 16), Self.load(window + 24))
        let (m4, m5, m6, m7) = (Self.load(window + 32), Self.load(window + 40), Self.load(window + 48), Self.load(window + 56))
        for z in heights {
            let p = plane + z * countH + base
            // Two chains of four, for a shorter dependency.
            let near = (m0 * p[0]).addingProduct(p[1], m1).addingProduct(p[2], m2).addingProduct(p[3], m3)
            let line = near + (m4 * p[4]).addingProduct(p[5], m5).addingProduct(p[6], m6).addingProduct(p[7], m7)
            UnsafeMutableRawPointer(lines + 8 * z).storeBytes(of: line, as: SIMD8<Float>.self)
        }
    }

    /// The transpose of `interpolateAcross`: adds lines `heights` into the plane and clears them.
    @inline(__always)
    private func spreadAcross(lines: UnsafeMutablePointer<Float>, window: UnsafeMutablePointer<Float>, into plane: UnsafeMutablePointer<Float>) {
        guard let base else {
            for z in heights {
                let row = plane + z * countH, line = lines + 8 * z
                for lane in 0..<8 where active[lane] != 0 {
                    let i = Int(ih[lane])
                    row[max(i, 0)] += low[lane] * line[lane]
                    row[min(i + 1, countH - 1)] += high[lane] * line[lane]
                }
                UnsafeMutableRawPointer(line).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
            }
            return
        }
        writeWindow(base: base, transposed: true, into: window)
        let (m0, m1, m2, m3) = (Self.load(window), Self.load(window + 8), Self.load(window + 16), Self.load(window + 24))
        let (m4, m5, m6, m7) = (Self.load(window + 32), Self.load(window + 40), Self.load(window + 48), Self.load(window + 56))
        for z in heights {
            let line = lines + 8 * z, target = plane + z * countH + base
            // Two chains of four, for a shorter dependency.
            let near = (m0 * line[0]).addingProduct(line[1], m1).addingProduct(line[2], m2).addingProduct(line[3], m3)
            let far = (m4 * line[4]).addingProduct(line[5], m5).addingProduct(line[6], m6).addingProduct(line[7], m7)
            let sum = Self.load(target) + (near + far)
            UnsafeMutableRawPointer(target).storeBytes(of: sum, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(line).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inline(__always)
    static func add(_ v: SIMD8<Float>, to p: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + v, as: SIMD8<Float>.self)
    }
}
