import Denoisers
import Tensor

/// The prior step of every plug-and-play solver: the denoiser `D_σ`, applied through the fixed
/// affine map of the data's value range onto [0, 1] (`x₀₁ = (x − lo)/(hi − lo)`), never through
/// the iterate's own min/max as the reference does (that rescale makes σ meaningless and
/// collapses with a zero start).
public struct DenoiserPrior: Sendable {
    /// The denoiser.
    public let denoiser: any Denoiser
    /// The range of image values the denoiser's [0, 1] maps onto (the dataset's declared range).
    public let valueRange: ClosedRange<Float>

    /// The prior of `denoiser` for data in `valueRange`.
    public init(denoiser: any Denoiser, valueRange: ClosedRange<Float>) throws {
        guard valueRange.upperBound > valueRange.lowerBound else {
            throw SolverError("PnP value range: expected lower < upper, got \(valueRange)")
        }
        self.denoiser = denoiser
        self.valueRange = valueRange
    }

    /// Checks a noise level given to the denoiser.
    public static func check(sigma: Float) throws {
        guard sigma >= 0, sigma.isFinite else {
            throw SolverError("denoiser_sigma: expected a finite value ≥ 0, got \(sigma)")
        }
    }

    /// `D_σ(x)`, or with `alpha` the relaxed `(1 − α)x + α·D_σ(x)`, in the units of `x`.
    public func denoise(_ x: Tensor, sigma: Float, relaxation alpha: Float? = nil) throws -> Tensor {
        let (low, high) = (valueRange.lowerBound, valueRange.upperBound)
        let width = high - low
        var unit = x
        unit.affine(scale: 1 / width, offset: -low / width)
        var denoised = try denoiser.denoise(unit, sigma: [sigma])
        if let alpha {
            denoised.scale(by: alpha)
            denoised.axpy(1 - alpha, unit)
        }
        denoised.affine(scale: width, offset: low)
        return denoised
    }
}
