import Tensor

/// Conversions between `[B, C, H, W]` images (or `[B, C, D, H, W]` volumes) and the networks'
/// channels-last feature maps.
enum ImageLayout {
    /// The batch `x` as a channels-last map (one item per image, or per plane of a volume), each
    /// spatial size padded at its end to a multiple of `multiple` by replicating the last row,
    /// column and plane, with a constant channel appended: `levels[b]` for batch entry b (the
    /// noise-level map); then zero channels up to `mapChannels` when given.
    static func channelsLast(_ x: Tensor, paddedTo multiple: Int, appending levels: [Float], mapChannels: Int? = nil) -> FeatureMap {
        let (batch, channels) = (x.shape[0], x.shape[1])
        let (depth, height, width) = (x.rank == 5 ? x.shape[2] : 1, x.shape[x.rank - 2], x.shape[x.rank - 1])
        func padded(_ size: Int) -> Int { (size + multiple - 1) / multiple * multiple }
        let (paddedDepth, paddedHeight, paddedWidth) = (x.rank == 5 ? padded(depth) : 1, padded(height), padded(width))
        let stride = mapChannels ?? channels + 1
        var map = FeatureMap(height: paddedHeight, width: paddedWidth, channels: stride, items: batch * paddedDepth,
                             depth: paddedDepth)
        x.withUnsafeBufferPointer { source in
            map.withMutablePointer { target in
                parallelFor(batch * paddedDepth * paddedHeight) { stackedRow in
                    let (plane, row) = stackedRow.quotientAndRemainder(dividingBy: paddedHeight)
                    let (item, z) = plane.quotientAndRemainder(dividingBy: paddedDepth)
                    let volume = source.baseAddress! + item * channels * depth * height * width
                    let sourceRow = (min(z, depth - 1) * height + min(row, height - 1)) * width
                    for column in 0..<paddedWidth {
                        let sourceColumn = min(column, width - 1)
                        let pixel = target + (stackedRow * paddedWidth + column) * stride
                        for channel in 0..<channels {
                            pixel[channel] = volume[channel * depth * height * width + sourceRow + sourceColumn]
                        }
                        pixel[channels] = levels[item]
                    }
                }
            }
        }
        return map
    }

    /// The leading `size` (`[height, width]`, or `[depth, height, width]`) of every batch entry of
    /// `map`, as `[B, channels] + size`: the first `channels` channels (all by default).
    static func tensor(_ map: FeatureMap, size: [Int], channels: Int? = nil) -> Tensor {
        let (channels, batch) = (channels ?? map.channels, map.items / map.depth)
        let (depth, height, width) = (size.count == 3 ? size[0] : 1, size[size.count - 2], size[size.count - 1])
        return Tensor(shape: [batch, channels] + size) { target in
            map.withPointer { source in
                parallelFor(batch * depth * height) { job in
                    let (plane, row) = job.quotientAndRemainder(dividingBy: height)
                    let (item, z) = plane.quotientAndRemainder(dividingBy: depth)
                    let volume = target.baseAddress! + item * channels * depth * height * width
                    let line = (z * height + row) * width
                    for column in 0..<width {
                        let pixel = source + (((item * map.depth + z) * map.height + row) * map.width + column) * map.channels
                        for channel in 0..<channels { volume[channel * depth * height * width + line + column] = pixel[channel] }
                    }
                }
            }
        }
    }
}
