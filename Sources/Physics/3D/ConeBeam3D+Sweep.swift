import Tensor

/// The plane sweeps of the views that qualify (`SweepView`), block by block of copied planes.
extension ConeBeam3D {
    /// One `SweepScratch` per thread of the shared pool.
    func sweepScratch() -> [SweepScratch] {
        let blocks = sweeps.compactMap { $0?.blocks.map(\.count).max() }.max() ?? 0
        return (0..<ThreadPool.shared.threadCount).map { _ in
            SweepScratch(volume: geometry.volume, rows: geometry.detectorRows, blocks: blocks)
        }
    }

    /// Projections of the sweep views of one item. Each thread takes every T-th sweep view and
    /// runs all their planes in order, summing each block of planes apart before adding it to
    /// the cells, so every cell sums its planes in the same order whatever the thread count.
    func sweepForward(_ volume: UnsafePointer<Float>, scratch: [SweepScratch], into output: UnsafeMutablePointer<Float>) {
        let views = sweeps.indices.filter { sweeps[$0] != nil }
        guard !views.isEmpty else { return }
        let shape = geometry.volume, rows = geometry.detectorRows, columns = geometry.detectorColumns, viewCount = sweeps.count
        let blocks = PlaneBlocks(depth: shape.depth, height: shape.height, width: shape.width)
        let threads = min(ThreadPool.shared.threadCount, views.count)
        parallelFor(threads) { task, participant in
            let mine = stride(from: task, to: views.count, by: threads).map { views[$0] }, work = scratch[participant]
            for axis in 0..<2 where mine.contains(where: { !sweeps[$0]!.blocks[axis].isEmpty }) {
                let layout = PlaneLayout(axis: axis, depth: shape.depth, height: shape.height, width: shape.width)
                for first in stride(from: 0, to: layout.planes, by: PlaneBlocks.planes) {
                    let count = min(PlaneBlocks.planes, layout.planes - first)
                    blocks.copy(volume, axis: axis, first: first, count: count, into: work.planes)
                    for view in mine {
                        let sweep = sweeps[view]!, cells = output + view * columns
                        guard !sweep.blocks[axis].isEmpty else { continue }
                        work.values.update(repeating: 0, count: sweep.blocks[axis].count * rows * 8)
                        sweep.coefficients.withUnsafeBufferPointer { coefficients in
                            for k in 0..<count {
                                let plane = work.planes + k * blocks.planeCount(axis: axis)
                                for (index, block) in sweep.blocks[axis].enumerated() {
                                    guard let step = SweepStep(block, plane: first + k, coefficients.baseAddress!, columns: columns,
                                                               depth: layout.countB, countH: layout.countA, detectorRows: rows) else { continue }
                                    step.project(plane, lines: work.lines, window: work.window, into: work.values + index * rows * 8, rowStride: 8)
                                }
                            }
                        }
                        for (index, block) in sweep.blocks[axis].enumerated() {
                            for row in 0..<rows {
                                SweepStep.add(SweepStep.load(work.values + (index * rows + row) * 8),
                                              to: cells + row * viewCount * columns + block.start)
                            }
                        }
                    }
                }
            }
            for view in mine { Self.weigh(sweeps[view]!, rows: rows, cells: output + view * columns, stride: viewCount * columns) }
        }
    }

    /// Adds the sweep views' back-projections into the planes `planes` across `axis` (0: x, 1: y),
    /// a block of planes at a time: views in order, then blocks of columns, then rows.
    func sweepBackproject(_ values: UnsafePointer<Float>, axis: Int, planes: ClosedRange<Int>, scratch work: SweepScratch,
                          into volume: UnsafeMutablePointer<Float>) {
        let shape = geometry.volume, rows = geometry.detectorRows, columns = geometry.detectorColumns, viewCount = sweeps.count
        let blocks = PlaneBlocks(depth: shape.depth, height: shape.height, width: shape.width)
        let layout = PlaneLayout(axis: axis, depth: shape.depth, height: shape.height, width: shape.width)
        let plane = blocks.planeCount(axis: axis)
        for first in stride(from: planes.lowerBound, through: planes.upperBound, by: PlaneBlocks.planes) {
            let count = min(PlaneBlocks.planes, planes.upperBound + 1 - first)
            work.planes.update(repeating: 0, count: count * plane)
            for view in sweeps.indices {
                guard let sweep = sweeps[view], !sweep.blocks[axis].isEmpty else { continue }
                sweep.coefficients.withUnsafeBufferPointer { buffer in
                    let coefficients = buffer.baseAddress!
                    // The view's detector values times their rays' weights, block by block.
                    for (index, block) in sweep.blocks[axis].enumerated() {
                        for row in 0..<rows {
                            let weights = SweepView.weights(coefficients, columns: columns, gamma: sweep.gamma, row: row, first: block.start)
                            let value = SweepStep.load(values + (row * viewCount + view) * columns + block.start) * weights
                            UnsafeMutableRawPointer(work.values + (index * rows + row) * 8).storeBytes(of: value, as: SIMD8<Float>.self)
                        }
                    }
                    for k in 0..<count {
                        for (index, block) in sweep.blocks[axis].enumerated() {
                            guard let step = SweepStep(block, plane: first + k, coefficients, columns: columns,
                                                       depth: layout.countB, countH: layout.countA, detectorRows: rows) else { continue }
                            step.backproject(work.values + index * rows * 8, rowStride: 8, lines: work.lines, window: work.window,
                                             into: work.planes + k * plane)
                        }
                    }
                }
            }
            blocks.add(work.planes, axis: axis, first: first, count: count, into: volume)
        }
    }

    /// Multiplies one view's cells (row r at `cells + r·stride`) by their rays' weights.
    private static func weigh(_ sweep: SweepView, rows: Int, cells: UnsafeMutablePointer<Float>, stride: Int) {
        let columns = sweep.columns, gamma = sweep.gamma
        sweep.coefficients.withUnsafeBufferPointer { buffer in
            let coefficients = buffer.baseAddress!
            for row in 0..<rows {
                let line = cells + row * stride
                SweepView.columnsInBlocks(columns, { first in
                    let weights = SweepView.weights(coefficients, columns: columns, gamma: gamma, row: row, first: first)
                    UnsafeMutableRawPointer(line + first).storeBytes(of: SweepStep.load(line + first) * weights, as: SIMD8<Float>.self)
                }, tail: { column in
                    line[column] *= SweepView.weight(coefficients, columns: columns, gamma: gamma, row: row, column: column)
                })
            }
        }
    }
}
