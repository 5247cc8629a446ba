import Tensor

extension WinogradConvolution3x3 {
    /// `output = conv(input)` for a 3×3×3 kernel on a map of volumes (`input.depth` planes each),
    /// or `output += conv(input)` when `accumulate`; then ReLU when `relu`. `matrix` holds the
    /// weights as `[27·Cin, Cout]`, row `((dz·3 + dy)·3 + dx)·Cin + ci`.
    ///
    /// A 3×3×3 convolution is the sum over dz of the 3×3 convolution of plane `d + dz − 1` with
    /// kernel slice dz, and the Winograd transforms are linear, so the sum is taken in the
    /// transformed domain: each plane's tiles are transformed once, each of the 36 elements gets
    /// three GEMMs (one per slice, the input rows shifted by one plane and the missing planes at
    /// the volume's faces left out), and each output tile is transformed back once. A band is one
    /// volume's tiles at a range of positions, through all its planes; its size depends only on
    /// the layer's shape, so results do not depend on the thread count.
    static func applyVolume(_ input: FeatureMap, matrix: [Float], outputChannels cout: Int, into output: inout FeatureMap,
                            accumulate: Bool, relu: Bool, workspace: Workspace) {
        let (cin, depth) = (input.channels, input.depth)
        let grid = TileGrid(height: input.height, width: input.width, items: input.items)
        let elements = WinogradF43.elements, threads = ThreadPool.shared.threadCount
        let bandTiles = max(minimumBandTiles, bandBytes / (4 * elements * (cin + cout)))
        let positions = min(grid.perItem, max(1, bandTiles / depth))
        let chunks = (grid.perItem + positions - 1) / positions
        let slice = elements * cin * cout
        let kernels = workspace.buffer(0, count: 3 * slice / 8, of: SIMD8<Float>.self)
        let transformedInput = workspace.buffer(1, count: elements * depth * positions * cin / 8, of: SIMD8<Float>.self)
        let transformedOutput = workspace.buffer(2, count: elements * depth * positions * cout / 8, of: SIMD8<Float>.self)
        let blocks = workspace.buffer(3, count: 2 * elements * threads, of: SIMD8<Float>.self)
        matrix.withUnsafeBufferPointer { weights in
            for dz in 0..<3 {
                transformKernels(weights.baseAddress! + dz * 9 * cin * cout, inputChannels: cin, outputChannels: cout,
                                 into: kernels + dz * slice / 8, blocks: blocks)
            }
        }
        let u = UnsafeRawPointer(kernels).assumingMemoryBound(to: Float.self)
        let a = UnsafeRawPointer(transformedInput).assumingMemoryBound(to: Float.self)
        let c = UnsafeMutableRawPointer(transformedOutput).assumingMemoryBound(to: Float.self)
        input.withPointer { x in
            output.withMutablePointer { y in
                for band in 0..<(input.items / depth * chunks) {
                    let (volume, chunk) = band.quotientAndRemainder(dividingBy: chunks)
                    let start = chunk * positions, count = min(positions, grid.perItem - start)
                    // Band tile `local` is position `start + local % count` of plane `local / count`.
                    let tiles = depth * count, tasks = (tiles + tilesPerTask - 1) / tilesPerTask
                    func gridTile(_ local: Int) -> Int {
                        let (plane, position) = local.quotientAndRemainder(dividingBy: count)
                        return (volume * depth + plane) * grid.perItem + start + position
                    }
                    parallelFor(tasks) { task, participant in
                        for local in (task * tilesPerTask)..<min(tiles, (task + 1) * tilesPerTask) {
                            transformInput(x, grid: grid, tile: gridTile(local), channels: cin, block: blocks + 2 * participant * elements,
                                           into: transformedInput + local * cin / 8, elementStride: tiles * cin / 8)
                        }
                    }
                    parallelFor(elements) { e in
                        let input = a + e * tiles * cin, output = c + e * tiles * cout, kernel = u + e * cin * cout
                        // The centre slice on every plane, then the plane before (slice 0) and the plane
                        // after (slice 2) where they exist.
                        GEMM.serial(transposeA: false, transposeB: false, m: tiles, n: cout, k: cin, a: input, lda: cin,
                                    b: kernel + slice, ldb: cout, c: output, ldc: cout)
                        guard depth > 1 else { return }
                        let rows = (depth - 1) * count
                        GEMM.serial(transposeA: false, transposeB: false, m: rows, n: cout, k: cin, a: input, lda: cin,
                                    b: kernel, ldb: cout, beta: 1, c: output + count * cout, ldc: cout)
                        GEMM.serial(transposeA: false, transposeB: false, m: rows, n: cout, k: cin, a: input + count * cin,
                                    lda: cin, b: kernel + 2 * slice, ldb: cout, beta: 1, c: output, ldc: cout)
                    }
                    parallelFor(tasks) { task, participant in
                        for local in (task * tilesPerTask)..<min(tiles, (task + 1) * tilesPerTask) {
                            transformOutput(transformedOutput + local * cout / 8, elementStride: tiles * cout / 8,
                                            block: blocks + 2 * participant * elements, grid: grid, tile: gridTile(local),
                                            channels: cout, into: y, accumulate: accumulate, relu: relu)
                        }
                    }
                }
            }
        }
    }
}
