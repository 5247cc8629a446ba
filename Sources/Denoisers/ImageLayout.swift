import Tensor

/// Conversions between `[B, C, H, W]` images and the networks' channels-last feature maps.
enum ImageLayout {
    /// The batch `x` as a channels-last map (one item per batch item), each item's height and
    /// width padded at their end to multiples of `multiple` by replicating the last row and column,
    /// with a constant channel appended: `levels[b]` for item b (the noise-level map).
    static func channelsLast(_ x: Tensor, paddedTo multiple: Int, appending levels: [Float]) -> FeatureMap {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let paddedHeight = (height + multiple - 1) / multiple * multiple
        let paddedWidth = (width + multiple - 1) / multiple * multiple
        var map = FeatureMap(height: paddedHeight, width: paddedWidth, channels: channels + 1, items: batch)
        let stride = channels + 1
        x.withUnsafeBufferPointer { source in
            map.withMutablePointer { target in
                parallelFor(batch * paddedHeight) { stackedRow in
                    let (item, row) = stackedRow.quotientAndRemainder(dividingBy: paddedHeight)
                    let image = source.baseAddress! + item * channels * height * width
                    let sourceRow = min(row, height - 1)
                    for column in 0..<paddedWidth {
                        let sourceColumn = min(column, width - 1)
                        let pixel = target + (stackedRow * paddedWidth + column) * stride
                        for channel in 0..<channels {
                            pixel[channel] = image[(channel * height + sourceRow) * width + sourceColumn]
                        }
                        pixel[channels] = levels[item]
                    }
                }
            }
        }
        return map
    }

    /// The top-left `height × width` of every item of `map`, as `[items, channels, height, width]`.
    static func image(_ map: FeatureMap, height: Int, width: Int) -> Tensor {
        let channels = map.channels
        return Tensor(shape: [map.items, channels, height, width]) { target in
            map.withPointer { source in
                parallelFor(map.items * height) { job in
                    let (item, row) = job.quotientAndRemainder(dividingBy: height)
                    let image = target.baseAddress! + item * channels * height * width
                    for column in 0..<width {
                        let pixel = source + ((item * map.height + row) * map.width + column) * channels
                        for channel in 0..<channels { image[(channel * height + row) * width + column] = pixel[channel] }
                    }
                }
            }
        }
    }
}
