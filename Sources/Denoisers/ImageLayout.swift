import Tensor

/// Conversions between `[B, C, H, W]` images and the networks' channels-last feature maps.
enum ImageLayout {
    /// Batch item `item` of `x` as a channels-last map whose height and width are padded at their
    /// end to multiples of `multiple` by replicating the last row and column, with a constant
    /// channel of value `extra` appended (the noise-level map).
    static func channelsLast(_ x: Tensor, item: Int, paddedTo multiple: Int, appending extra: Float) -> FeatureMap {
        let (channels, height, width) = (x.shape[1], x.shape[2], x.shape[3])
        let paddedHeight = (height + multiple - 1) / multiple * multiple
        let paddedWidth = (width + multiple - 1) / multiple * multiple
        var map = FeatureMap(height: paddedHeight, width: paddedWidth, channels: channels + 1)
        let stride = channels + 1
        x.withUnsafeBufferPointer { source in
            let image = source.baseAddress! + item * channels * height * width
            map.withMutablePointer { target in
                parallelFor(paddedHeight) { row in
                    let sourceRow = min(row, height - 1)
                    for column in 0..<paddedWidth {
                        let sourceColumn = min(column, width - 1)
                        let pixel = target + (row * paddedWidth + column) * stride
                        for channel in 0..<channels {
                            pixel[channel] = image[(channel * height + sourceRow) * width + sourceColumn]
                        }
                        pixel[channels] = extra
                    }
                }
            }
        }
        return map
    }

    /// Writes the top-left `H×W` of `map` into batch item `item` of `result` (`[B, C, H, W]`).
    static func store(_ map: FeatureMap, into result: inout Tensor, item: Int) {
        let (channels, height, width) = (result.shape[1], result.shape[2], result.shape[3])
        map.withPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                let image = target.baseAddress! + item * channels * height * width
                parallelFor(height) { row in
                    for column in 0..<width {
                        let pixel = source + (row * map.width + column) * map.channels
                        for channel in 0..<channels { image[(channel * height + row) * width + column] = pixel[channel] }
                    }
                }
            }
        }
    }
}
