import Tensor

/// 2-D parallel-beam ray transform with a Joseph-type (ray-driven, linear interpolation) forward
/// projector and its exact transpose as adjoint. Multithreaded; no system matrix is stored.
///
/// Shapes: image `[B, C, N, N]` → sinogram `[B, C, A, G]` (angle-major: row a holds the G detector
/// values of angle a, the layout of ASTRA's 2-D sinograms; the reference's deepinv layout is the
/// transpose `[B, C, G, A]`). See `ParallelBeamGeometry` for the coordinate conventions.
///
/// Work is organised by image line: an angle with |cosθ| ≥ |sinθ| walks the image rows, the others
/// walk the columns of a transposed copy, so every inner loop reads or writes one contiguous line.
public struct ParallelBeam2D: LinearOperator {
    /// The scan geometry.
    public let geometry: ParallelBeamGeometry
    let angles: [JosephAngle]
    let lines: JosephLines

    /// An operator for `geometry`.
    public init(geometry: ParallelBeamGeometry) {
        self.geometry = geometry
        let detectors = geometry.detectorCount
        angles = geometry.anglesDegrees.map { JosephAngle(degrees: $0, size: geometry.size, detectors: detectors) }
        lines = JosephLines(size: geometry.size, circle: geometry.circle)
    }

    /// An operator for an `size×size` image and the given angles (degrees).
    public init(size: Int, anglesDegrees: [Double], circle: Bool = true) throws {
        self.init(geometry: try ParallelBeamGeometry(size: size, anglesDegrees: anglesDegrees, circle: circle))
    }

    public func domainShape(batch: Int, channels: Int) -> [Int] {
        [batch, channels, geometry.size, geometry.size]
    }

    public func rangeShape(batch: Int, channels: Int) -> [Int] {
        [batch, channels, angles.count, geometry.detectorCount]
    }

    public func apply(_ x: Tensor) throws -> Tensor {
        let (batch, channels) = try check(x, against: domainShape, role: "parallel2d forward input")
        let n = geometry.size, g = geometry.detectorCount, count = angles.count
        var result = Tensor(shape: rangeShape(batch: batch, channels: channels))
        let buffers = PaddedImage(size: n, lines: lines)
        let groups = angleGroups
        result.withUnsafeMutableBufferPointer { output in
            x.withUnsafeBufferPointer { input in
                for item in 0..<(batch * channels) {
                    buffers.load(image: input.baseAddress! + item * n * n,
                                 rows: angles.contains { $0.alongRows }, columns: angles.contains { !$0.alongRows })
                    let sinogram = output.baseAddress! + item * count * g
                    parallelFor(groups.count) { task in project(angles: groups[task], from: buffers, into: sinogram) }
                }
            }
        }
        return result
    }

    public func adjoint(_ y: Tensor) throws -> Tensor {
        let (batch, channels) = try check(y, against: rangeShape, role: "parallel2d adjoint input")
        let n = geometry.size, g = geometry.detectorCount, count = angles.count
        var result = Tensor(shape: domainShape(batch: batch, channels: channels))
        let rowAngles = angles.indices.filter { angles[$0].alongRows }
        let columnAngles = angles.indices.filter { !angles[$0].alongRows }
        // Each angle's row, times its crossing length, between zeros.
        let pad = JosephKernels.sinogramPadding, stride = g + 2 * pad
        var weighted = [Float](repeating: 0, count: count * stride)
        result.withUnsafeMutableBufferPointer { output in
            y.withUnsafeBufferPointer { input in
                weighted.withUnsafeMutableBufferPointer { scaled in
                    let rows = UnsafePointer(scaled.baseAddress! + pad)
                    for item in 0..<(batch * channels) {
                        for a in 0..<count {
                            for k in 0..<g { scaled[a * stride + pad + k] = angles[a].weight * input[(item * count + a) * g + k] }
                        }
                        let image = output.baseAddress! + item * n * n
                        backproject(rows, stride: stride, angles: rowAngles, alongRows: true, into: image)
                        backproject(rows, stride: stride, angles: columnAngles, alongRows: false, into: image)
                    }
                }
            }
        }
        return result
    }

    /// Angles projected together: up to 8 consecutive angles walking the same buffer.
    private var angleGroups: [[Int]] {
        var groups: [[Int]] = []
        for along in [true, false] {
            let selected = angles.indices.filter { angles[$0].alongRows == along }
            for start in stride(from: 0, to: selected.count, by: 8) {
                groups.append(Array(selected[start..<min(selected.count, start + 8)]))
            }
        }
        return groups
    }

    /// The sinogram rows of `group`: for each angle, the sum over visible lines of the interpolated
    /// samples, times the crossing length. The lines are visited in chunks that stay in cache while
    /// every angle of the group reads them; each row still sums its lines in index order. Rows
    /// accumulate in scratch with room for whole blocks of 8 detectors.
    private func project(angles group: [Int], from buffers: PaddedImage, into sinogram: UnsafeMutablePointer<Float>) {
        let n = geometry.size, g = geometry.detectorCount, rowLength = g + 8, chunk = 32
        let source = angles[group[0]].alongRows ? buffers.rows : buffers.columns
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: group.count * rowLength)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: group.count * rowLength)
        for start in stride(from: 0, to: n, by: chunk) {
            for (slot, a) in group.enumerated() {
                let angle = angles[a]
                for line in start..<min(n, start + chunk) where !lines.isEmpty(line) {
                    let blocks = angle.detectorBlocks(line: line, first: lines.first[line], last: lines.last[line], detectors: g)
                    JosephKernels.project(line: source + line * buffers.stride, base: angle.base(line: line),
                                          step: angle.detectorStep, blocks: blocks, into: sums + slot * rowLength)
                }
            }
        }
        for (slot, a) in group.enumerated() {
            for k in 0..<g { sinogram[a * g + k] = angles[a].weight * sums[slot * rowLength + k] }
        }
    }

    /// Adds the back projection of the (already weighted, padded) sinogram rows `angles` into
    /// `image`, walking rows or columns. Lines are handled in blocks, one block per task; each
    /// pixel sums its angles in index order, so the result does not depend on the thread count.
    private func backproject(_ sinogram: UnsafePointer<Float>, stride rowStride: Int, angles selected: [Int],
                             alongRows: Bool, into image: UnsafeMutablePointer<Float>) {
        guard !selected.isEmpty else { return }
        let n = geometry.size, g = geometry.detectorCount, pad = JosephLines.padding
        let stride = n + 2 * pad, block = 8, slack = 8
        parallelFor((n + block - 1) / block) { task in
            let lineRange = (task * block)..<min(n, task * block + block)
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: block * stride + slack)
            defer { sums.deallocate() }
            sums.initialize(repeating: 0, count: block * stride + slack)
            for a in selected {
                let angle = angles[a]
                for line in lineRange where !lines.isEmpty(line) {
                    JosephKernels.backproject(sinogram: sinogram + a * rowStride, detectors: g,
                                              base: angle.base(line: line), step: angle.detectorStep,
                                              first: lines.first[line] + pad, last: lines.last[line] + pad,
                                              into: sums + (line - lineRange.lowerBound) * stride)
                }
            }
            for line in lineRange where !lines.isEmpty(line) {
                let local = sums + (line - lineRange.lowerBound) * stride + pad
                for m in lines.first[line]...lines.last[line] {
                    if alongRows { image[line * n + m] += local[m] } else { image[m * n + line] += local[m] }
                }
            }
        }
    }
}

/// The image copied line by line into zero-padded buffers, as rows and (transposed) as columns,
/// with the pixels the projector does not see set to zero.
final class PaddedImage {
    let size: Int
    let stride: Int
    let rows: UnsafeMutablePointer<Float>
    let columns: UnsafeMutablePointer<Float>
    private let lines: JosephLines

    init(size: Int, lines: JosephLines) {
        self.size = size
        self.lines = lines
        stride = size + 2 * JosephLines.padding
        rows = .allocate(capacity: size * stride)
        columns = .allocate(capacity: size * stride)
    }

    deinit {
        rows.deallocate()
        columns.deallocate()
    }

    /// Copies `image` (`size×size`, row-major) into the row and/or column buffers.
    func load(image: UnsafePointer<Float>, rows wantRows: Bool, columns wantColumns: Bool) {
        let n = size, pad = JosephLines.padding, block = 16
        let rows = self.rows, columns = self.columns, stride = self.stride, lines = self.lines
        parallelFor((n + block - 1) / block) { task in
            let range = (task * block)..<min(n, task * block + block)
            for line in range {
                if wantRows { (rows + line * stride).initialize(repeating: 0, count: stride) }
                if wantColumns { (columns + line * stride).initialize(repeating: 0, count: stride) }
                guard !lines.isEmpty(line) else { continue }
                let visible = lines.first[line]...lines.last[line]
                if wantRows {
                    (rows + line * stride + pad + visible.lowerBound)
                        .update(from: image + line * n + visible.lowerBound, count: visible.count)
                }
                if wantColumns {
                    for i in visible { columns[line * stride + pad + i] = image[i * n + line] }
                }
            }
        }
    }
}
