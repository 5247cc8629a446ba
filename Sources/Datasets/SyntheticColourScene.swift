import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The colour image `highres_color_image` uses when the photograph is not in the data folder: a
/// procedural landscape of the photograph's shape (321 × 481, RGB in [0, 1]). It has what a
/// deblurrer and a denoiser need to show their work: smooth gradients (the sky), sharp edges of
/// several orientations (mountains, a house and its roof), fine texture (the field, the
/// windows' grid) and saturated colours (the sun, the roof, a band of hues). Deterministic: a
/// function of the pixel position only.
public enum SyntheticColourScene {
    /// The photograph's height and width.
    public static let height = 321, width = 481

    /// The scene, `[1, 3, 321, 481]`.
    public static func image() -> Tensor {
        var values = [Float](repeating: 0, count: 3 * height * width)
        for row in 0..<height {
            for column in 0..<width {
                let colour = pixel(y: Float(row) / Float(height - 1), x: Float(column) / Float(width - 1))
                for channel in 0..<3 {
                    values[(channel * height + row) * width + column] = min(max(colour[channel], 0), 1)
                }
            }
        }
        return Tensor(shape: [1, 3, height, width], values: values)
    }

    /// The colour at (x, y) in [0, 1]², y downwards.
    static func pixel(y: Float, x: Float) -> SIMD3<Float> {
        let horizon: Float = 0.58
        // Sky: a vertical gradient, a sun with a soft rim.
        var colour = SIMD3<Float>(0.25, 0.45, 0.85) * (1 - y) + SIMD3<Float>(0.85, 0.9, 0.95) * y
        let sun = ((x - 0.78) * (x - 0.78) * 2.2 + (y - 0.2) * (y - 0.2)).squareRoot()
        colour = mix(colour, SIMD3(1, 0.82, 0.1), weight: smoothStep(0.085, 0.075, sun))
        // Mountains: a ridge of sines, shaded by height.
        let ridge = 0.42 - 0.08 * sinf(9 * x) - 0.05 * sinf(23 * x + 1) - 0.02 * sinf(61 * x)
        if y > ridge { colour = SIMD3(0.3, 0.32, 0.45) + (y - ridge) * SIMD3(0.6, 0.5, 0.3) }
        // Field below the horizon: green rows with a hashed texture.
        if y > horizon {
            let rows = 0.5 + 0.5 * sinf(120 * (y - horizon) / (y - horizon + 0.15))
            colour = SIMD3(0.2, 0.55, 0.15) + 0.12 * rows * SIMD3(0.5, 1, 0.2) + 0.08 * (noise(x: x, y: y) - 0.5)
        }
        // A house: red roof, white walls, a grid of dark windows.
        if x > 0.12, x < 0.36, y > 0.5, y < 0.78 {
            colour = SIMD3(0.92, 0.9, 0.86)
            let (u, v) = ((x - 0.12) / 0.24, (y - 0.5) / 0.28)
            if u > 0.12, u < 0.88, v > 0.25, v < 0.8, sinf(40 * u) > 0.2, sinf(24 * v) > 0.1 { colour = SIMD3(0.1, 0.15, 0.3) }
        }
        let roof = 0.5 - 0.16 * (1 - abs(x - 0.24) / 0.15)
        if abs(x - 0.24) < 0.15, y > roof, y <= 0.5 { colour = SIMD3(0.85, 0.12, 0.1) }
        // A band of saturated hues along the bottom.
        if y > 0.93 { colour = hue(x) }
        return colour
    }

    private static func mix(_ a: SIMD3<Float>, _ b: SIMD3<Float>, weight: Float) -> SIMD3<Float> { a + (b - a) * weight }

    /// 0 at or beyond `edge0`, 1 at or beyond `edge1`, smooth between (either order).
    private static func smoothStep(_ edge0: Float, _ edge1: Float, _ value: Float) -> Float {
        let t = min(max((value - edge0) / (edge1 - edge0), 0), 1)
        return t * t * (3 - 2 * t)
    }

    /// A fully saturated colour of hue `h` in [0, 1].
    private static func hue(_ h: Float) -> SIMD3<Float> {
        let k = SIMD3<Float>(0, 2, 4) / 6
        var colour = SIMD3<Float>()
        for i in 0..<3 { colour[i] = min(max(abs(((h + k[i]) - ((h + k[i]).rounded(.down))) * 6 - 3) - 1, 0), 1) }
        return colour
    }

    /// Value noise in [0, 1] on a 160-cell grid, bilinear between hashed corners.
    private static func noise(x: Float, y: Float) -> Float {
        let (gx, gy) = (x * 160, y * 160)
        let (ix, iy) = (Int(gx), Int(gy))
        let (fx, fy) = (gx - Float(ix), gy - Float(iy))
        func corner(_ i: Int, _ j: Int) -> Float {
            var h = UInt64(truncatingIfNeeded: i &* 73_856_093 ^ j &* 19_349_663)
            h = (h ^ (h >> 13)) &* 0x5bd1_e995
            return Float(h >> 40 & 0xffff) / 65535
        }
        let top = corner(ix, iy) * (1 - fx) + corner(ix + 1, iy) * fx
        let bottom = corner(ix, iy + 1) * (1 - fx) + corner(ix + 1, iy + 1) * fx
        return top * (1 - fy) + bottom * fy
    }
}
