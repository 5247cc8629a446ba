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
    /// the volume's faces left out), and each output tile is transformed back once. A task is one
    /// volume's tiles at `tilesPerTask` positions through all its planes, on one thread.
    static func applyVolume(_ input: FeatureMap, matrix: [Float], outputChannels cout: Int, into output: inout FeatureMap,
                            accumulate: Bool, relu: Bool, workspace: Workspace) {
        let (cin, depth) = (input.channels, input.depth)
        let grid = TileGrid(height: input.height, width: input.width, items: input.items)
        let (elements, threads, positions) = (WinogradF43.elements, ThreadPool.shared.threadCount, tilesPerTask)
        let rows = depth * positions, chunks = (grid.perItem + positions - 1) / positions
        let slice = kernelFloats(inputChannels: cin, outputChannels: cout), kernelStride = slice / elements
        let kernels = workspace.buffer(0, count: 3 * slice / 8, of: SIMD8<Float>.self)
        let transformedInput = workspace.buffer(1, count: threads * elements * rows * cin, of: Float.self)
        let transformedOutput = workspace.buffer(2, count: threads * elements * rows * cout, of: Float.self)
        let blocks = workspace.buffer(3, count: 2 * elements * threads, of: SIMD8<Float>.self)
        matrix.withUnsafeBufferPointer { weights in
            for dz in 0..<3 {
                transformKernels(weights.baseAddress! + dz * 9 * cin * cout, inputChannels: cin, outputChannels: cout,
                                 into: kernels + dz * slice / 8, blocks: blocks)
            }
        }
        let u = UnsafeRawPointer(kernels).assumingMemoryBound(to: Float.self)
        input.withPointer { x in
            output.withMutablePointer { y in
                parallelFor(input.items / depth * chunks) { task, participant in
                    let (volume, chunk) = task.quotientAndRemainder(dividingBy: chunks)
                    let start = chunk * positions, count = min(positions, grid.perItem - start)
                    let a = transformedInput + participant * elements * rows * cin
                    let c = transformedOutput + participant * elements * rows * cout
                    // Plane p's tiles are rows p·positions …: one row block per plane, so that a
                    // plane shift is a block shift.
                    func tile(_ plane: Int, _ position: Int) -> Int { (volume * depth + plane) * grid.perItem + start + position }
                    for plane in 0..<depth {
                        for position in 0..<count {
                            transformInput(x, grid: grid, tile: tile(plane, position), channels: cin,
                                           into: a + packedRow(plane * positions + position, channels: cin),
                                           elementStride: rows * cin)
                        }
                    }
                    for e in 0..<elements {
                        let input = a + e * rows * cin, output = c + e * rows * cout, kernel = u + e * kernelStride
                        // The centre slice on every plane, then the plane before (slice 0) and the plane
                        // after (slice 2) where they exist (rows past `count` in a plane's block are
                        // computed too and never read).
                        PackedGEMM.multiply(m: rows, n: cout, k: cin, a: input, b: kernel + slice, c: output, ldc: cout)
                        guard depth > 1 else { continue }
                        let shifted = rows - positions
                        PackedGEMM.multiply(m: shifted, n: cout, k: cin, a: input, b: kernel, c: output + positions * cout,
                                            ldc: cout, accumulate: true)
                        PackedGEMM.multiply(m: shifted, n: cout, k: cin, a: input + positions * cin, b: kernel + 2 * slice,
                                            c: output, ldc: cout, accumulate: true)
                    }
                    for plane in 0..<depth {
                        for position in 0..<count {
                            transformOutput(c + (plane * positions + position) * cout, elementStride: rows * cout,
                                            grid: grid, tile: tile(plane, position), channels: cout, into: y,
                                            accumulate: accumulate, relu: relu)
                        }
                    }
                }
            }
        }
    }
}
