import Tensor

/// Copies between the padded image, window batches and the output. A window `w` is batch item
/// `w % B` of patch `w / B`, so the windows of consecutive patches are consecutive indices.
extension Tiling {
    /// The listed windows cut from `padded`, as a batch `[windows.count, C, window…]`.
    public func extract(windows: [Int], from padded: Tensor) throws -> Tensor {
        guard padded.shape == paddedShape else {
            throw DenoiserError("tiling: padded input has shape \(padded.shape), expected \(paddedShape)")
        }
        let (batch, channels) = (shape[0], shape[1])
        let source = Box(dimensions.map(\.paddedSize))
        let window = Box(windowShape)
        return Tensor(shape: [windows.count, channels] + windowShape) { target in
            padded.withUnsafeBufferPointer { padded in
                parallelFor(windows.count * channels) { job in
                    let (position, channel) = job.quotientAndRemainder(dividingBy: channels)
                    let (patch, item) = windows[position].quotientAndRemainder(dividingBy: batch)
                    Box.copy(window.extent,
                             from: padded.baseAddress! + (item * channels + channel) * source.count, source,
                             at: Box.lifted(patches[patch].window.map(\.lowerBound)),
                             to: target.baseAddress! + job * window.count, window, at: [0, 0, 0])
                }
            }
        }
    }

    /// Writes the crop of each processed window in `outputs` (`[windows.count, C, window…]`) to its
    /// target in `output`.
    public func place(_ outputs: Tensor, windows: [Int], into output: inout Tensor) throws {
        let (batch, channels) = (shape[0], shape[1])
        let expected = [windows.count, channels] + windowShape
        guard outputs.shape == expected else {
            throw DenoiserError("tiling: processed windows have shape \(outputs.shape), expected \(expected)")
        }
        guard output.shape == shape else {
            throw DenoiserError("tiling: output has shape \(output.shape), expected \(shape)")
        }
        let volume = Box(Array(shape[2...]))
        let window = Box(windowShape)
        outputs.withUnsafeBufferPointer { outputs in
            output.withUnsafeMutableBufferPointer { image in
                parallelFor(windows.count * channels) { job in
                    let (position, channel) = job.quotientAndRemainder(dividingBy: channels)
                    let (patch, item) = windows[position].quotientAndRemainder(dividingBy: batch)
                    let placement = patches[patch]
                    Box.copy(Box.lifted(placement.target.map(\.count), fill: 1),
                             from: outputs.baseAddress! + job * window.count, window,
                             at: Box.lifted(placement.crop.map(\.lowerBound)),
                             to: image.baseAddress! + (item * channels + channel) * volume.count, volume,
                             at: Box.lifted(placement.target.map(\.lowerBound)))
                }
            }
        }
    }
}

/// Packed crops: the kept part of processed windows laid end to end (window by window, channel by
/// channel, row-major), the smallest message that carries a tile's result to another process.
extension Tiling {
    /// Window indices (`patch·B + item`, patch-major) of every batch item of each listed patch.
    public func windows(ofPatches list: [Int]) -> [Int] {
        list.flatMap { patch in (0..<shape[0]).map { patch * shape[0] + $0 } }
    }

    /// Values in the packed crop of window `window`: C × the size of its target.
    public func cropCount(window: Int) -> Int {
        shape[1] * patches[window / shape[0]].target.reduce(1) { $0 * $1.count }
    }

    /// The crops of the processed windows in `outputs` (`[windows.count, C, window…]`), packed.
    public func packCrops(_ outputs: Tensor, windows: [Int]) throws -> [Float] {
        let expected = [windows.count, shape[1]] + windowShape
        guard outputs.shape == expected else {
            throw DenoiserError("tiling: processed windows have shape \(outputs.shape), expected \(expected)")
        }
        let offsets = packedOffsets(windows)
        let window = Box(windowShape), channels = shape[1]
        return [Float](unsafeUninitializedCapacity: offsets.last!) { packed, initialised in
            outputs.withUnsafeBufferPointer { outputs in
                parallelFor(windows.count * channels) { job in
                    let (position, channel) = job.quotientAndRemainder(dividingBy: channels)
                    let placement = patches[windows[position] / shape[0]]
                    let extent = Box(placement.target.map(\.count))
                    Box.copy(extent.extent, from: outputs.baseAddress! + job * window.count, window,
                             at: Box.lifted(placement.crop.map(\.lowerBound)),
                             to: packed.baseAddress! + offsets[position] + channel * extent.count, extent, at: [0, 0, 0])
                }
            }
            initialised = offsets.last!
        }
    }

    /// Writes packed crops of `windows` (as `packCrops` made them) to their targets in `output`.
    public func unpackCrops(_ packed: UnsafeBufferPointer<Float>, windows: [Int], into output: inout Tensor) throws {
        let offsets = packedOffsets(windows)
        guard packed.count == offsets.last! else {
            throw DenoiserError("tiling: \(packed.count) packed values for windows needing \(offsets.last!)")
        }
        guard output.shape == shape else {
            throw DenoiserError("tiling: output has shape \(output.shape), expected \(shape)")
        }
        let (batch, channels) = (shape[0], shape[1])
        let volume = Box(Array(shape[2...]))
        output.withUnsafeMutableBufferPointer { image in
            parallelFor(windows.count * channels) { job in
                let (position, channel) = job.quotientAndRemainder(dividingBy: channels)
                let (patch, item) = windows[position].quotientAndRemainder(dividingBy: batch)
                let placement = patches[patch]
                let extent = Box(placement.target.map(\.count))
                Box.copy(extent.extent, from: packed.baseAddress! + offsets[position] + channel * extent.count, extent,
                         at: [0, 0, 0], to: image.baseAddress! + (item * channels + channel) * volume.count, volume,
                         at: Box.lifted(placement.target.map(\.lowerBound)))
            }
        }
    }

    /// Start of each window's packed crop, and the total as the last entry.
    private func packedOffsets(_ windows: [Int]) -> [Int] {
        var offsets = [0]
        for window in windows { offsets.append(offsets.last! + cropCount(window: window)) }
        return offsets
    }
}

/// A row-major 3-D extent; 2-D spatial shapes get a leading extent of 1.
private struct Box {
    /// Extent along (depth, height, width).
    let extent: [Int]
    /// Number of elements.
    var count: Int { extent.reduce(1, *) }

    init(_ spatial: [Int]) { extent = Box.lifted(spatial, fill: 1) }

    /// `values` with `fill` prepended up to three entries.
    static func lifted(_ values: [Int], fill: Int = 0) -> [Int] {
        Array(repeating: fill, count: 3 - values.count) + values
    }

    /// Copies the `extent` box at `sourceOrigin` of `sourceBox` to `targetOrigin` of `targetBox`.
    static func copy(_ extent: [Int], from source: UnsafePointer<Float>, _ sourceBox: Box, at sourceOrigin: [Int],
                     to target: UnsafeMutablePointer<Float>, _ targetBox: Box, at targetOrigin: [Int]) {
        func offset(_ box: Box, _ origin: [Int], _ z: Int, _ y: Int) -> Int {
            ((origin[0] + z) * box.extent[1] + origin[1] + y) * box.extent[2] + origin[2]
        }
        for z in 0..<extent[0] {
            for y in 0..<extent[1] {
                (target + offset(targetBox, targetOrigin, z, y))
                    .update(from: source + offset(sourceBox, sourceOrigin, z, y), count: extent[2])
            }
        }
    }
}
