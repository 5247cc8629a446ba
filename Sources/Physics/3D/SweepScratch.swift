/// One thread's memory for the plane sweeps: a block of copied planes, the line buffer (padding
/// rows zero), the window weights, and one view's detector values block by block of columns
/// (`values + b·rows·8`, eight per row): the forward's sums over a block of planes, the adjoint's
/// weighted inputs.
struct SweepScratch {
    let planes: UnsafeMutablePointer<Float>
    let lineBuffer: UnsafeMutablePointer<Float>
    let window: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>

    /// Room for a `volume` and views of up to `blocks` column blocks of `rows` detector rows.
    init(volume: VolumeGeometry, rows: Int, blocks: Int) {
        planes = .allocate(capacity: PlaneBlocks.planes * volume.depth * max(volume.height, volume.width))
        let lineCount = SweepStep.lineCapacity(depth: volume.depth)
        lineBuffer = .allocate(capacity: lineCount)
        lineBuffer.initialize(repeating: 0, count: lineCount)
        window = .allocate(capacity: 64)
        values = .allocate(capacity: max(rows * 8 * blocks, 1))
    }

    /// Height 0 of the line buffer.
    var lines: UnsafeMutablePointer<Float> { lineBuffer + 8 * SweepStep.padding }

    func deallocate() {
        planes.deallocate()
        lineBuffer.deallocate()
        window.deallocate()
        values.deallocate()
    }
}
