import CWinogradTransforms
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
        let transformedInput = workspace.buffer(1, count: threads * elements * rows * cin, of: Float.self)
        let transformedOutput = workspace.buffer(2, count: threads * elements * rows * cout, of: Float.self)
        let blocks = workspace.buffer(3, count: 2 * elements * threads, of: SIMD8<Float>.self)
        matrix.withUnsafeBufferPointer { weights in
            transformKernels(weights.baseAddress!, inputChannels: cin, outputChannels: cout, into: kernels, blocks: blocks)
        }
        let u = UnsafeRawPointer(kernels).assumingMemoryBound(to: Float.self)
        input.withPointer { x in
            output.withMutablePointer { y in
                parallelFor((grid.count + rows - 1) / rows) { task, participant in
                    let first = task * rows, count = min(rows, grid.count - first)
                    let a = transformedInput + participant * elements * rows * cin
                    let c = transformedOutput + participant * elements * rows * cout
                    for local in 0..<count {
                        transformInput(x, grid: grid, tile: first + local, channels: cin,
                                       into: a + packedRow(local, channels: cin), elementStride: rows * cin)
                    }
                    for e in 0..<elements {
                        PackedGEMM.multiply(m: count, n: cout, k: cin, a: a + e * rows * cin, b: u + e * kernelStride,
                                            c: c + e * rows * cout, ldc: cout)
                    }
                    for local in 0..<count {
                        transformOutput(c + local * cout, elementStride: rows * cout, grid: grid, tile: first + local,
                                        channels: cout, into: y, accumulate: accumulate, relu: relu)
                    }
                }
            }
        }
    }

    /// Floats of the 36 transformed kernel matrices of a layer, packed (`transformKernels`).
    static func kernelFloats(inputChannels cin: Int, outputChannels cout: Int) -> Int {
        WinogradF43.elements * cin * PackedGEMM.paddedColumns(cout)
    }

    /// Where the first channel of row `row` of a task's transformed input lies: `PackedGEMM`'s A
    /// layout.
    static func packedRow(_ row: Int, channels: Int) -> Int {
        PackedGEMM.offsetInA(row: row, column: 0, k: channels)
    }

    /// `G g Gᵀ` of every kernel, as 36 matrices `[Cin, Cout]` in `PackedGEMM`'s B layout, one
    /// after the other (`kernelFloats / 36` apart; the columns that pad Cout to whole panels are
    /// left as they are and never reach an output), eight output channels at a time. A task is one
    /// panel of output channels for `kernelTaskChannels` input channels: its writes run along each
    /// of the 36 matrices in whole cache lines instead of jumping between panels (at 512 → 512
    /// channels the 36 matrices take 37.7 MB, so the old order, one input channel across all
    /// panels, touched 576 pages per input channel).
    static func transformKernels(_ matrix: UnsafePointer<Float>, inputChannels cin: Int, outputChannels cout: Int,
                                 into kernels: UnsafeMutablePointer<SIMD8<Float>>, blocks: UnsafeMutablePointer<SIMD8<Float>>) {
        let groups = cout / 8, elementStride = kernelFloats(inputChannels: cin, outputChannels: cout) / 36 / 8
        let panelGroups = PackedGEMM.columnsPerPanel / 8, panels = (groups + panelGroups - 1) / panelGroups
        let parts = (cin + kernelTaskChannels - 1) / kernelTaskChannels
        parallelFor(panels * parts) { task, participant in
            let (panel, part) = task.quotientAndRemainder(dividingBy: parts)
            let block = blocks + 2 * participant * WinogradF43.elements
            let taps = block + WinogradF43.elements, half = taps + 9
            for ci in (part * kernelTaskChannels)..<min(cin, (part + 1) * kernelTaskChannels) {
                for group in (panel * panelGroups)..<min(groups, (panel + 1) * panelGroups) {
                    for tap in 0..<9 {
                        taps[tap] = UnsafeRawPointer(matrix + (tap * cin + ci) * cout + group * 8).loadUnaligned(as: SIMD8<Float>.self)
                    }
                    WinogradF43.transformKernel(taps, into: block, half: half)
                    let offset = PackedGEMM.offsetInB(row: ci, column: group * 8, k: cin) / 8
                    for e in 0..<36 { kernels[e * elementStride + offset] = block[e] }
                }
            }
        }
    }

    /// Input channels per task of `transformKernels`.
    static let kernelTaskChannels = 16

    /// Transforms the 6×6 input neighbourhood of `tile` (zeros outside the map) into `target`, the
    /// start of the tile's row in a `PackedGEMM` A layout (`packedRow`): element e at
    /// `elementStride · e`, its eight-channel groups `PackedGEMM.rowsPerBlock · 8` floats apart
    /// (`CWinogradTransforms`, with the instruction set of `PackedGEMM`).
    static func transformInput(_ x: UnsafePointer<Float>, grid: TileGrid, tile: Int, channels: Int,
                               into target: UnsafeMutablePointer<Float>, elementStride: Int) {
        let (item, top, left) = grid.origin(of: tile)
        winograd_input_tile(Int32(PackedGEMM.instructionSet.rawValue), x + item * grid.height * grid.width * channels,
                            Int32(grid.height), Int32(grid.width), Int32(channels), Int32(top), Int32(left), target,
                            elementStride, PackedGEMM.rowsPerBlock * 8)
    }

    /// Transforms the 36 products of `tile` (element e of channel c at `source[e·elementStride + c]`)
    /// back and writes (or adds) the 4×4 pixels that lie in the map, with ReLU when asked.
    static func transformOutput(_ source: UnsafePointer<Float>, elementStride: Int, grid: TileGrid, tile: Int, channels: Int,
                                into y: UnsafeMutablePointer<Float>, accumulate: Bool, relu: Bool) {
        let (item, top, left) = grid.origin(of: tile)
        winograd_output_tile(Int32(PackedGEMM.instructionSet.rawValue), source, elementStride,
                             y + item * grid.height * grid.width * channels, Int32(grid.height), Int32(grid.width),
                             Int32(channels), Int32(top), Int32(left), accumulate ? 1 : 0, relu ? 1 : 0)
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
