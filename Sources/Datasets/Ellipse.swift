#if canImport(Glibc)
import Glibc
#endif

/// One ellipse of an additive ellipse phantom, in phantom units on the square [−1, 1]² with y up.
///
/// The ellipse is centred at (`centreX`, `centreY`); `semiAxisX` and `semiAxisY` are its
/// semi-axes along x and y before rotation, and `rotationDegrees` turns it counter-clockwise
/// (from the x axis to the first semi-axis). Its `density` is added inside it.
public struct Ellipse: Sendable, Equatable {
    /// Centre, x.
    public let centreX: Double
    /// Centre, y (y points up).
    public let centreY: Double
    /// Semi-axis along x before rotation.
    public let semiAxisX: Double
    /// Semi-axis along y before rotation.
    public let semiAxisY: Double
    /// Counter-clockwise rotation, degrees.
    public let rotationDegrees: Double
    /// Gray level added inside the ellipse.
    public let density: Double

    private let cosine: Double
    private let sine: Double

    /// An ellipse; the semi-axes must be positive.
    public init(centreX: Double, centreY: Double, semiAxisX: Double, semiAxisY: Double,
                rotationDegrees: Double, density: Double) {
        precondition(semiAxisX > 0 && semiAxisY > 0, "Ellipse: semi-axes must be positive")
        self.centreX = centreX
        self.centreY = centreY
        self.semiAxisX = semiAxisX
        self.semiAxisY = semiAxisY
        self.rotationDegrees = rotationDegrees
        self.density = density
        let phi = rotationDegrees * Double.pi / 180
        cosine = cos(phi)
        sine = sin(phi)
    }

    /// Area `π·a·b`.
    public var area: Double { Double.pi * semiAxisX * semiAxisY }

    /// The x-interval where the horizontal line at height `y` lies inside the ellipse, or nil.
    ///
    /// With dx = x − x0 and dy = y − y0, the rotated coordinates u = dx·cosφ + dy·sinφ and
    /// v = −dx·sinφ + dy·cosφ satisfy u²/a² + v²/b² ≤ 1: a quadratic `A·dx² + B·dx + C ≤ 0`.
    func chord(atY y: Double) -> (lower: Double, upper: Double)? {
        let dy = y - centreY
        let inverseA2 = 1 / (semiAxisX * semiAxisX), inverseB2 = 1 / (semiAxisY * semiAxisY)
        let a = cosine * cosine * inverseA2 + sine * sine * inverseB2
        let b = 2 * dy * cosine * sine * (inverseA2 - inverseB2)
        let c = dy * dy * (sine * sine * inverseA2 + cosine * cosine * inverseB2) - 1
        let discriminant = b * b - 4 * a * c
        guard discriminant > 0 else { return nil }
        let root = discriminant.squareRoot()
        return (centreX + (-b - root) / (2 * a), centreX + (-b + root) / (2 * a))
    }

    /// The integral of the density along the line `x·cosθ + y·sinθ = t` (Kak & Slaney, eq. 3.47):
    /// with s = t − (x0·cosθ + y0·sinθ) and a²(θ) = a²·cos²(θ−φ) + b²·sin²(θ−φ), it is
    /// `2ρab·sqrt(a²(θ) − s²) / a²(θ)` when s² ≤ a²(θ), else 0.
    func lineIntegral(cosTheta: Double, sinTheta: Double, t: Double) -> Double {
        let s = t - (centreX * cosTheta + centreY * sinTheta)
        let alongA = cosTheta * cosine + sinTheta * sine    // cos(θ − φ)
        let alongB = sinTheta * cosine - cosTheta * sine    // sin(θ − φ)
        let width2 = semiAxisX * semiAxisX * alongA * alongA + semiAxisY * semiAxisY * alongB * alongB
        let remaining = width2 - s * s
        guard remaining > 0 else { return 0 }
        return 2 * density * semiAxisX * semiAxisY * remaining.squareRoot() / width2
    }
}
