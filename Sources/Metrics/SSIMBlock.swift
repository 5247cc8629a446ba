/// One SSIM task: the sum of the SSIM map over a block of output rows in one depth plane of one
/// (item, channel) slice. The five local moments E[x], E[y], E[x²], E[y²], E[xy] are filtered
/// separably in Double, along depth while loading (3-D only), then along width, then along height,
/// each axis reflect-padded by the window radius.
struct SSIMBlock {
    /// Extents and task split of the whole input.
    let geometry: SSIMGeometry
    /// `item · channels + channel`.
    let slice: Int
    /// Depth plane (0 in 2-D).
    let plane: Int
    /// Output rows of this task.
    let rows: Range<Int>

    /// Task number `task` of `geometry` (see `SSIMGeometry` for the order).
    init(geometry: SSIMGeometry, task: Int) {
        self.geometry = geometry
        let blocks = geometry.rowBlocks
        plane = (task / blocks) % geometry.depth
        slice = task / (blocks * geometry.depth)
        let start = (task % blocks) * geometry.rowsPerTask
        rows = start..<min(start + geometry.rowsPerTask, geometry.height)
    }

    /// Sum of the SSIM map over the task's pixels.
    func mapSum(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ constants: SSIMConstants) -> Double {
        let inputRows = rows.count + 2 * SSIMWindow.radius
        let momentSize = inputRows * geometry.width
        let moments = UnsafeMutablePointer<Double>.allocate(capacity: 5 * momentSize)
        defer { moments.deallocate() }
        loadMoments(x, y, into: moments, inputRows: inputRows, momentSize: momentSize)
        filterWidth(moments, rowCount: 5 * inputRows)
        return filterHeightAndSum(moments, momentSize: momentSize, constants)
    }

    /// Writes the depth-filtered moments of input rows `rows.lowerBound − radius ..< rows.upperBound + radius`
    /// (reflected) as five consecutive `[inputRows, width]` blocks.
    private func loadMoments(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                             into moments: UnsafeMutablePointer<Double>, inputRows: Int, momentSize: Int) {
        let (radius, width, height, depth) = (SSIMWindow.radius, geometry.width, geometry.height, geometry.depth)
        let taps: [(plane: Int, weight: Double)] = geometry.isVolume
            ? (-radius...radius).map { (SSIMWindow.reflect(plane + $0, depth), SSIMWindow.weights[$0 + radius]) }
            : [(plane, 1)]
        moments.initialize(repeating: 0, count: 5 * momentSize)
        for row in 0..<inputRows {
            let sourceRow = SSIMWindow.reflect(rows.lowerBound - radius + row, height)
            let meanX = moments + row * width, meanY = meanX + momentSize
            let squareX = meanY + momentSize, squareY = squareX + momentSize, product = squareY + momentSize
            for tap in taps {
                let base = ((slice * depth + tap.plane) * height + sourceRow) * width
                let (rowX, rowY, weight) = (x + base, y + base, tap.weight)
                var column = 0
                while column + 4 <= width {
                    let a = SIMD4<Double>(UnsafeRawPointer(rowX + column).loadUnaligned(as: SIMD4<Float>.self))
                    let b = SIMD4<Double>(UnsafeRawPointer(rowY + column).loadUnaligned(as: SIMD4<Float>.self))
                    SSIMBlock.add(weight * a, to: meanX + column)
                    SSIMBlock.add(weight * b, to: meanY + column)
                    SSIMBlock.add(weight * (a * a), to: squareX + column)
                    SSIMBlock.add(weight * (b * b), to: squareY + column)
                    SSIMBlock.add(weight * (a * b), to: product + column)
                    column += 4
                }
                for column in column..<width {
                    let a = Double(rowX[column]), b = Double(rowY[column])
                    meanX[column] += weight * a
                    meanY[column] += weight * b
                    squareX[column] += weight * (a * a)
                    squareY[column] += weight * (b * b)
                    product[column] += weight * (a * b)
                }
            }
        }
    }

    /// `target[0..<4] += value`.
    @inline(__always)
    private static func add(_ value: SIMD4<Double>, to target: UnsafeMutablePointer<Double>) {
        let raw = UnsafeMutableRawPointer(target)
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Double>.self) + value, as: SIMD4<Double>.self)
    }

    /// Filters each of `rowCount` consecutive rows of `width` values along the row, in place.
    private func filterWidth(_ moments: UnsafeMutablePointer<Double>, rowCount: Int) {
        let (radius, width) = (SSIMWindow.radius, geometry.width)
        let padded = UnsafeMutablePointer<Double>.allocate(capacity: width + 2 * radius)
        defer { padded.deallocate() }
        for index in 0..<rowCount {
            let row = moments + index * width
            for column in 0..<(width + 2 * radius) {
                padded[column] = row[SSIMWindow.reflect(column - radius, width)]
            }
            SSIMWindow.filter(padded, step: 1, into: row, count: width)
        }
    }

    /// Filters the moments along the height for each output row and sums the SSIM map there.
    private func filterHeightAndSum(_ moments: UnsafeMutablePointer<Double>, momentSize: Int,
                                    _ constants: SSIMConstants) -> Double {
        let width = geometry.width
        let (c1, c2) = (constants.c1, constants.c2)
        let local = UnsafeMutablePointer<Double>.allocate(capacity: 5 * width)
        defer { local.deallocate() }
        var total = 0.0
        for outputRow in 0..<rows.count {
            for moment in 0..<5 {
                SSIMWindow.filter(moments + moment * momentSize + outputRow * width, step: width,
                                  into: local + moment * width, count: width)
            }
            for column in 0..<width {
                let muX = local[column], muY = local[width + column]
                let muXX = muX * muX, muYY = muY * muY, muXY = muX * muY
                let varianceX = max(local[2 * width + column] - muXX, 0)
                let varianceY = max(local[3 * width + column] - muYY, 0)
                let covariance = local[4 * width + column] - muXY
                total += ((2 * muXY + c1) * (2 * covariance + c2))
                    / ((muXX + muYY + c1) * (varianceX + varianceY + c2))
            }
        }
        return total
    }
}
