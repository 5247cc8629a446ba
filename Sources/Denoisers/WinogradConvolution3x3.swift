import Tensor

/// Bias-free 3×3 convolutions (stride 1, zero padding 1) on channels-last maps by Winograd's
/// F(4×4, 3×3): 36 GEMMs of `[tiles, Cin] × [Cin, Cout]` replace the 144 multiply-adds per 4×4
/// output tile and channel pair of the direct method by 36.
///
/// The kernels are transformed at every application from the layer's im2col matrix (a few
/// milliseconds; storing them would take 36/9 = 4× the weights, 520 MB for the full DRUNet),
/// straight into `PackedGEMM`'s panel layout; the input transform likewise writes its tiles in
/// `PackedGEMM`'s row blocks, so neither operand is copied again before the products. Tasks of
/// `tilesPerTask` tiles run in parallel, each through the three steps on one thread: input
/// transform, 36 products, output transform with the optional accumulation and ReLU fused in.
/// Each output value is one fixed chain of operations whatever the task, the batch, the thread
/// count or the CPU's instruction set. Channel counts must be multiples of 8 (`supports`).
enum WinogradConvolution3x3 {
    /// Tiles per task: one `PackedGEMM` row block. A task transforms its tiles' inputs, runs the 36
    /// products and transforms the outputs back on one thread, so that its transformed tiles
    /// (36 · 12 · (Cin + Cout) floats, 432 KiB at 128 + 128 channels) stay in that core's cache
    /// from one step to the next instead of going through memory.
    static var tilesPerTask: Int { PackedGEMM.rowsPerBlock }

    /// Whether the layer's channel counts suit the eight-lane transforms.
    static func supports(inputChannels: Int, outputChannels: Int) -> Bool {
        inputChannels % 8 == 0 && outputChannels % 8 == 0 && inputChannels > 0 && outputChannels > 0
    }

    /// `output = conv(input)`, or `output += conv(input)` when `accumulate`; then ReLU when `relu`.
    /// `matrix` holds the weights as `[9·Cin, Cout]`, row `(dy·3 + dx)·Cin + ci`.
    static func apply(_ input: FeatureMap, matrix: [Float], outputChannels cout: Int, into output: inout FeatureMap,
                      accumulate: Bool, relu: Bool, workspace: Workspace) {
        let cin = input.channels
        let grid = TileGrid(height: input.height, width: input.width, items: input.items)
        let (elements, threads, rows) = (WinogradF43.elements, ThreadPool.shared.threadCount, tilesPerTask)
        let kernelStride = kernelFloats(inputChannels: cin, outputChannels: cout) / elements
        let kernels = workspace.buffer(0, count: elements * kernelStride / 8, of: SIMD8<Float>.self)
        let transformedInput = workspace.buffer(1, count: threads * elements * rows * cin / 8, of: SIMD8<Float>.self)
        let transformedOutput = workspace.buffer(2, count: threads * elements * rows * cout / 8, of: SIMD8<Float>.self)
        let blocks = workspace.buffer(3, count: 2 * elements * threads, of: SIMD8<Float>.self)
        matrix.withUnsafeBufferPointer { weights in
            transformKernels(weights.baseAddress!, inputChannels: cin, outputChannels: cout, into: kernels, blocks: blocks)
        }
        let u = UnsafeRawPointer(kernels).assumingMemoryBound(to: Float.self)
        input.withPointer { x in
            output.withMutablePointer { y in
                parallelFor((grid.count + rows - 1) / rows) { task, participant in
                    let first = task * rows, count = min(rows, grid.count - first)
                    let transformed = transformedInput + participant * elements * rows * cin / 8
                    let products = transformedOutput + participant * elements * rows * cout / 8
                    let block = blocks + 2 * participant * elements
                    for local in 0..<count {
                        transformInput(x, grid: grid, tile: first + local, channels: cin, block: block,
                                       into: transformed + packedRow(local, channels: cin), elementStride: rows * cin / 8)
                    }
                    let a = UnsafeRawPointer(transformed).assumingMemoryBound(to: Float.self)
                    let c = UnsafeMutableRawPointer(products).assumingMemoryBound(to: Float.self)
                    for e in 0..<elements {
                        PackedGEMM.multiply(m: count, n: cout, k: cin, a: a + e * rows * cin, b: u + e * kernelStride,
                                            c: c + e * rows * cout, ldc: cout)
                    }
                    for local in 0..<count {
                        transformOutput(products + local * cout / 8, elementStride: rows * cout / 8, block: block, grid: grid,
                                        tile: first + local, channels: cout, into: y, accumulate: accumulate, relu: relu)
                    }
                }
            }
        }
    }

    /// Floats of the 36 transformed kernel matrices of a layer, packed (`transformKernels`).
    static func kernelFloats(inputChannels cin: Int, outputChannels cout: Int) -> Int {
        WinogradF43.elements * cin * PackedGEMM.paddedColumns(cout)
    }

    /// Where the eight-channel groups of band row `row` start in a transformed input (in
    /// eight-float units): `PackedGEMM`'s A layout, groups `PackedGEMM.rowsPerBlock` apart.
    static func packedRow(_ row: Int, channels: Int) -> Int {
        PackedGEMM.offsetInA(row: row, column: 0, k: channels) / 8
    }

    /// `G g Gᵀ` of every kernel, as 36 matrices `[Cin, Cout]` in `PackedGEMM`'s B layout, one
    /// after the other (`kernelFloats / 36` apart; the columns that pad Cout to whole panels are
    /// left as they are and never reach an output). Input channels run in parallel, output
    /// channels eight at a time.
    static func transformKernels(_ matrix: UnsafePointer<Float>, inputChannels cin: Int, outputChannels cout: Int,
                                 into kernels: UnsafeMutablePointer<SIMD8<Float>>, blocks: UnsafeMutablePointer<SIMD8<Float>>) {
        let groups = cout / 8, elementStride = kernelFloats(inputChannels: cin, outputChannels: cout) / 36 / 8
        parallelFor(cin) { ci, participant in
            let block = blocks + 2 * participant * WinogradF43.elements
            let taps = block + WinogradF43.elements, half = taps + 9
            for group in 0..<groups {
                for tap in 0..<9 {
                    taps[tap] = UnsafeRawPointer(matrix + (tap * cin + ci) * cout + group * 8).loadUnaligned(as: SIMD8<Float>.self)
                }
                WinogradF43.transformKernel(taps, into: block, half: half)
                let offset = PackedGEMM.offsetInB(row: ci, column: group * 8, k: cin) / 8
                for e in 0..<36 { kernels[e * elementStride + offset] = block[e] }
            }
        }
    }

    /// Transforms the 6×6 input neighbourhood of `tile` (zeros outside the map), eight channels at a
    /// time; element e of channel group g goes to `target[e·elementStride + g·PackedGEMM.rowsPerBlock]`
    /// (`packedRow`). Interior tiles are read in place; border tiles are first copied into `block`
    /// with their zeros.
    static func transformInput(_ x: UnsafePointer<Float>, grid: TileGrid, tile: Int, channels: Int,
                               block: UnsafeMutablePointer<SIMD8<Float>>,
                               into target: UnsafeMutablePointer<SIMD8<Float>>, elementStride: Int) {
        let (item, top, left) = grid.origin(of: tile)
        let x = x + item * grid.height * grid.width * channels
        let interior = top >= 1 && top + 5 <= grid.height && left >= 1 && left + 5 <= grid.width
        let columns = block + 36
        for group in 0..<(channels / 8) {
            let source: UnsafeRawPointer, rowStride: Int, columnStride: Int
            if interior {
                source = UnsafeRawPointer(x + ((top - 1) * grid.width + left - 1) * channels + group * 8)
                (rowStride, columnStride) = (4 * grid.width * channels, 4 * channels)
            } else {
                for i in 0..<6 {
                    for j in 0..<6 {
                        let (row, column) = (top - 1 + i, left - 1 + j)
                        block[i * 6 + j] = row >= 0 && row < grid.height && column >= 0 && column < grid.width
                            ? UnsafeRawPointer(x + (row * grid.width + column) * channels + group * 8).loadUnaligned(as: SIMD8<Float>.self)
                            : SIMD8()
                    }
                }
                source = UnsafeRawPointer(block)
                (rowStride, columnStride) = (6 * 32, 32)
            }
            for j in 0..<6 {
                let p = source + j * columnStride
                func load(_ i: Int) -> SIMD8<Float> { p.loadUnaligned(fromByteOffset: i * rowStride, as: SIMD8<Float>.self) }
                let r = WinogradF43.inputTransform(load(0), load(1), load(2), load(3), load(4), load(5))
                (columns[j], columns[6 + j], columns[12 + j], columns[18 + j], columns[24 + j], columns[30 + j]) = r
            }
            let out = target + group * PackedGEMM.rowsPerBlock
            for i in 0..<6 {
                let q = columns + 6 * i, first = 6 * i * elementStride
                let r = WinogradF43.inputTransform(q[0], q[1], q[2], q[3], q[4], q[5])
                out[first] = r.0
                out[first + elementStride] = r.1
                out[first + 2 * elementStride] = r.2
                out[first + 3 * elementStride] = r.3
                out[first + 4 * elementStride] = r.4
                out[first + 5 * elementStride] = r.5
            }
        }
    }

    /// Transforms the GEMM results of `tile` back and writes (or adds) the 4×4 pixels that lie in
    /// the map, with ReLU when asked.
    static func transformOutput(_ source: UnsafeMutablePointer<SIMD8<Float>>, elementStride: Int,
                                block: UnsafeMutablePointer<SIMD8<Float>>, grid: TileGrid, tile: Int, channels: Int,
                                into y: UnsafeMutablePointer<Float>, accumulate: Bool, relu: Bool) {
        let (item, top, left) = grid.origin(of: tile)
        let y = y + item * grid.height * grid.width * channels
        let rows = min(4, grid.height - top), columns = min(4, grid.width - left)
        let zero = SIMD8<Float>()
        for group in 0..<(channels / 8) {
            let m = source + group
            for j in 0..<6 {
                func load(_ i: Int) -> SIMD8<Float> { m[(6 * i + j) * elementStride] }
                (block[j], block[6 + j], block[12 + j], block[18 + j]) =
                    WinogradF43.outputTransform(load(0), load(1), load(2), load(3), load(4), load(5))
            }
            for i in 0..<rows {
                let q = block + 6 * i
                let pixels = block + 24
                (pixels[0], pixels[1], pixels[2], pixels[3]) = WinogradF43.outputTransform(q[0], q[1], q[2], q[3], q[4], q[5])
                let line = UnsafeMutableRawPointer(y + ((top + i) * grid.width + left) * channels + group * 8)
                for j in 0..<columns {
                    var value = pixels[j]
                    let offset = j * channels * 4
                    if accumulate { value += line.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) }
                    if relu { value.replace(with: zero, where: value .< zero) }
                    line.storeBytes(of: value, toByteOffset: offset, as: SIMD8<Float>.self)
                }
            }
        }
    }
}

/// The 4×4 output tiles covering each item of a stack of `items` maps of `height × width`,
/// numbered item by item, row-major within an item (a tile never straddles two items).
struct TileGrid {
    let height: Int
    let width: Int
    let items: Int
    let columns: Int
    /// Tiles of one item.
    let perItem: Int
    /// Tiles of all items.
    let count: Int

    init(height: Int, width: Int, items: Int = 1) {
        self.height = height
        self.width = width
        self.items = items
        columns = (width + 3) / 4
        perItem = ((height + 3) / 4) * columns
        count = items * perItem
    }

    /// The item of `tile` and the top-left output pixel of `tile` in it.
    func origin(of tile: Int) -> (item: Int, row: Int, column: Int) {
        let (item, local) = tile.quotientAndRemainder(dividingBy: perItem)
        return (item, local / columns * 4, local % columns * 4)
    }
}
