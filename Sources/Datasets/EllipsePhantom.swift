#if canImport(Glibc)
import Glibc
#endif
import Physics
import Tensor

/// A 2-D phantom made of additive ellipses on the square [−1, 1]² (y up), rasterised
/// (`rasterize(size:subrows:)`) or projected exactly (`analyticSinogram(geometry:)`).
///
/// The square maps onto the full extent of an `N×N` image: pixel edges at ±N/2 (pixel units,
/// see `ParallelBeamGeometry`) are at ±1, so a phantom coordinate is the pixel coordinate · 2/N.
public struct EllipsePhantom: Sendable, Equatable {
    /// The ellipses, whose densities add up.
    public let ellipses: [Ellipse]
    /// Range the values are clamped to when rasterised.
    public let valueRange: ClosedRange<Float>

    /// A phantom of `ellipses` whose rasterised values are clamped to `valueRange`.
    public init(ellipses: [Ellipse], valueRange: ClosedRange<Float>) {
        self.ellipses = ellipses
        self.valueRange = valueRange
    }

    /// The modified Shepp–Logan phantom (Toft's gray levels, values in [0, 1]: skull 1.0,
    /// brain 0.2, ventricles 0.0, small features 0.3).
    ///
    /// Ellipse i is centred at y = −0.606 as in MATLAB/Octave `phantom`, ODL and deepinv;
    /// ASTRA, svmbir and Wikipedia use −0.605 (about one pixel apart at 2048²).
    public static let modifiedSheppLogan = EllipsePhantom(ellipses: [
        Ellipse(centreX: 0, centreY: 0, semiAxisX: 0.69, semiAxisY: 0.92, rotationDegrees: 0, density: 1.0),
        Ellipse(centreX: 0, centreY: -0.0184, semiAxisX: 0.6624, semiAxisY: 0.874, rotationDegrees: 0, density: -0.8),
        Ellipse(centreX: 0.22, centreY: 0, semiAxisX: 0.11, semiAxisY: 0.31, rotationDegrees: -18, density: -0.2),
        Ellipse(centreX: -0.22, centreY: 0, semiAxisX: 0.16, semiAxisY: 0.41, rotationDegrees: 18, density: -0.2),
        Ellipse(centreX: 0, centreY: 0.35, semiAxisX: 0.21, semiAxisY: 0.25, rotationDegrees: 0, density: 0.1),
        Ellipse(centreX: 0, centreY: 0.1, semiAxisX: 0.046, semiAxisY: 0.046, rotationDegrees: 0, density: 0.1),
        Ellipse(centreX: 0, centreY: -0.1, semiAxisX: 0.046, semiAxisY: 0.046, rotationDegrees: 0, density: 0.1),
        Ellipse(centreX: -0.08, centreY: -0.605, semiAxisX: 0.046, semiAxisY: 0.023, rotationDegrees: 0, density: 0.1),
        Ellipse(centreX: 0, centreY: -0.606, semiAxisX: 0.023, semiAxisY: 0.023, rotationDegrees: 0, density: 0.1),
        Ellipse(centreX: 0.06, centreY: -0.605, semiAxisX: 0.023, semiAxisY: 0.046, rotationDegrees: 0, density: 0.1),
    ], valueRange: 0...1)

    /// The exact sinogram `[1, 1, A, G]` of the (unclamped) phantom for `geometry`: line integrals
    /// in pixel-length units along `x·cosθ + y·sinθ = k − (G−1)/2` (pixel units), evaluated in
    /// phantom units at t = (k − (G−1)/2)·2/N and multiplied by N/2.
    public func analyticSinogram(geometry: ParallelBeamGeometry) -> Tensor {
        let angles = geometry.anglesDegrees, detectors = geometry.detectorCount
        let toPhantom = 2 / Double(geometry.size), toPixels = Double(geometry.size) / 2
        let centre = Double(detectors - 1) / 2
        return Tensor(shape: [1, 1, angles.count, detectors]) { output in
            parallelFor(angles.count) { a in
                let theta = angles[a] * Double.pi / 180
                let (c, s) = (cos(theta), sin(theta))
                for k in 0..<detectors {
                    let t = (Double(k) - centre) * toPhantom
                    var total = 0.0
                    for ellipse in ellipses { total += ellipse.lineIntegral(cosTheta: c, sinTheta: s, t: t) }
                    output[a * detectors + k] = Float(total * toPixels)
                }
            }
        }
    }
}
