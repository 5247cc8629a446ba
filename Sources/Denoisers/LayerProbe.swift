import Tensor

/// Single layers of the networks with seeded random weights on a map of a given size, as closures
/// that run the layer once, so that `invscale calibrate` can time them.
public enum LayerProbe {
    /// A `channels → channels` 3×3 convolution (3×3×3 on volumes of `depth` planes when
    /// `volumetric`) on `items` items of `height×width`.
    public static func convolution(channels: Int, items: Int = 1, depth: Int = 1, height: Int, width: Int,
                                   volumetric: Bool = false) -> () -> Void {
        let taps = volumetric ? [channels, channels, 3, 3, 3] : [channels, channels, 3, 3]
        let layer = Convolution3x3(weights: weights(taps))
        let planes = volumetric ? depth : 1
        let input = filled(FeatureMap(height: height, width: width, channels: channels, items: items * planes, depth: planes))
        var output = FeatureMap(height: height, width: width, channels: channels, items: items * planes, depth: planes)
        let workspace = Workspace()
        return { layer.apply(input, into: &output, relu: true, workspace: workspace) }
    }

    /// An im2col 3×3 convolution `inputChannels → outputChannels` (DRUNet's head with its σ
    /// channel) on one `height×width` image.
    public static func im2col(inputChannels: Int, outputChannels: Int, height: Int, width: Int) -> () -> Void {
        let layer = Convolution3x3(weights: weights([outputChannels, inputChannels, 3, 3]), algorithm: .im2col)
        let input = filled(FeatureMap(height: height, width: width, channels: inputChannels))
        var output = FeatureMap(height: height, width: width, channels: outputChannels)
        let workspace = Workspace()
        return { layer.apply(input, into: &output, workspace: workspace) }
    }

    /// A 2×2 (2×2×2 on volumes of `depth` planes) stride-2 convolution `channels → 2·channels` on
    /// one `height×width` image (or volume), as DRUNet goes down a level.
    public static func resample(channels: Int, depth: Int = 1, height: Int, width: Int, volumetric: Bool = false) -> () -> Void {
        let taps = volumetric ? [2 * channels, channels, 2, 2, 2] : [2 * channels, channels, 2, 2]
        let layer = StridedConvolution2x2(weights: weights(taps))
        let planes = volumetric ? depth : 1
        let input = filled(FeatureMap(height: height, width: width, channels: channels, items: planes, depth: planes))
        return { _ = layer.apply(input) }
    }

    /// The 2×2 (2×2×2) stride-2 transposed convolution `2·channels → channels` that brings a
    /// `height/2 × width/2` map (and half the planes) back to `height×width`, as DRUNet goes up.
    public static func upsample(channels: Int, depth: Int = 1, height: Int, width: Int, volumetric: Bool = false) -> () -> Void {
        let taps = volumetric ? [2 * channels, channels, 2, 2, 2] : [2 * channels, channels, 2, 2]
        let layer = TransposedConvolution2x2(weights: weights(taps))
        let planes = volumetric ? max(1, depth / 2) : 1
        let input = filled(FeatureMap(height: height / 2, width: width / 2, channels: 2 * channels, items: planes, depth: planes))
        return { _ = layer.apply(input) }
    }

    /// FLOPs of one call of `resample` or `upsample` (taps · channels · 2·channels per output
    /// position of the smaller map, 2 per multiply–add).
    public static func resampleFlops(channels: Int, depth: Int = 1, height: Int, width: Int, volumetric: Bool = false) -> Double {
        let taps = volumetric ? 8.0 : 4.0, planes = volumetric ? Double(max(1, depth / 2)) : 1
        return 2 * taps * Double(channels * 2 * channels) * planes * Double(height / 2 * (width / 2))
    }

    private static func weights(_ shape: [Int]) -> Tensor {
        var tensor = NormalGenerator(seed: 7).tensor(shape: shape, stream: 0)
        tensor.scale(by: 0.05)
        return tensor
    }

    private static func filled(_ map: FeatureMap) -> FeatureMap {
        var map = map
        map.values = NormalGenerator(seed: 3).tensor(shape: map.values.shape, stream: 1)
        return map
    }
}
