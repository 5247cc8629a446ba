import Tensor

/// A denoiser `D_σ` for images in [0, 1] units: `[B, C, H, W]` (or `[B, C, D, H, W]` for 3-D
/// models) in, the same shape out.
public protocol Denoiser: Sendable {
    /// Denoises `x` at noise level `sigma` (standard deviation in [0, 1] image units): one value
    /// for the whole batch, or one per batch item.
    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor
}

extension Denoiser {
    /// The noise level of batch item `item` from a one-value or per-item `sigma` list.
    public static func sigma(_ sigma: [Float], item: Int, batch: Int) throws -> Float {
        guard sigma.count == 1 || sigma.count == batch else {
            throw DenoiserError("sigma: expected 1 value or \(batch) (one per batch item), got \(sigma.count)")
        }
        guard let value = sigma.count == 1 ? sigma.first : sigma[item], value.isFinite, value >= 0 else {
            throw DenoiserError("sigma: expected finite values ≥ 0, got \(sigma)")
        }
        return value
    }
}
