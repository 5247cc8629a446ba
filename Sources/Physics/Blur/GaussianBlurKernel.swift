import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The anisotropic Gaussian blur kernel of the reference's `highres_color_image` dataset, as
/// DeepInverse 0.5.0's `gaussian_blur(sigma, angle)` computes it, in float32:
/// half-width `c = int(max σ / 0.3 + 1)`, size `k = 2c + 1`; with `x = col − c`, `y = row − c`
/// and the angle θ in degrees, `x' = x cosθ − y sinθ`, `y' = x sinθ + y cosθ`,
/// `K = exp(−x'²/2σ₁²)·exp(−y'²/2σ₀²)`, divided by its sum over the k×k square. With σ₀ > σ₁ the
/// long axis is vertical (along rows) at θ = 0.
public enum GaussianBlurKernel {
    /// The half-width c for standard deviations `sigma` (σ₀, σ₁) in pixels.
    public static func halfWidth(sigma: (Double, Double)) -> Int {
        Int(max(sigma.0, sigma.1) / 0.3 + 1)
    }

    /// The kernel `[k, k]` for `sigma` (σ₀ along y at θ = 0, σ₁ along x) and `angleDegrees`.
    public static func kernel(sigma: (Double, Double), angleDegrees: Double) throws -> Tensor {
        guard sigma.0 > 0, sigma.1 > 0, sigma.0.isFinite, sigma.1.isFinite, angleDegrees.isFinite else {
            throw PhysicsError("blur kernel: expected finite standard deviations > 0 and a finite angle, got σ \(sigma), θ \(angleDegrees)")
        }
        let c = halfWidth(sigma: sigma), size = 2 * c + 1
        let theta = Float(angleDegrees * Double.pi / 180)
        let (cosine, sine) = (cosf(theta), sinf(theta))
        let (s0, s1) = (Float(sigma.0), Float(sigma.1))
        var values = [Float](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                let (x, y) = (Float(column - c), Float(row - c))
                let (xr, yr) = (x * cosine - y * sine, x * sine + y * cosine)
                values[row * size + column] = expf(-(xr * xr) / (2 * s1 * s1)) * expf(-(yr * yr) / (2 * s0 * s0))
            }
        }
        let sum = values.reduce(0, +)
        return Tensor(shape: [size, size], values: values.map { $0 / sum })
    }
}
