#if canImport(Glibc)
import Glibc
#endif
import Tensor

/// The geometry of a 2-D parallel-beam scan and the per-angle quantities of its Joseph projector.
///
/// Conventions (also in the README): the image is `N×N` with pixel size 1; pixel (row i, column j)
/// has centre `x = j − (N−1)/2`, `y = (N−1)/2 − i` (x to the right, y up). The ray of angle θ
/// and detector cell k (of G cells of size 1) is the line `x·cosθ + y·sinθ = k − (G−1)/2`.
/// Angles are in degrees. Values are line integrals in pixel-length units.
public struct ParallelBeamGeometry: Sendable, Equatable {
    /// Image side N.
    public let size: Int
    /// Projection angles, degrees.
    public let anglesDegrees: [Double]
    /// Circle mode: only the disk inscribed in the image (through the pixel centres) is seen, and
    /// G = N. Otherwise G = ceil(√2·N) and the whole square is seen.
    public let circle: Bool

    /// Number of detector cells G.
    public var detectorCount: Int { ParallelBeamGeometry.detectorCount(size: size, circle: circle) }

    /// G for an image of side `size`: N in circle mode, `ceil(√2·N)` otherwise (as the reference).
    public static func detectorCount(size: Int, circle: Bool) -> Int {
        circle ? size : Int((Float(2).squareRoot() * Float(size)).rounded(.up))
    }

    /// `count` angles spaced uniformly over [0°, 180°): `180·a/count` for a in 0..<count.
    public static func uniformAngles(count: Int) -> [Double] {
        (0..<count).map { 180 * Double($0) / Double(count) }
    }

    /// A geometry; `size` and the angle count must be positive and the angles finite.
    public init(size: Int, anglesDegrees: [Double], circle: Bool = true) throws {
        guard size > 0 else { throw PhysicsError("image size: expected a positive integer, got \(size)") }
        guard !anglesDegrees.isEmpty else { throw PhysicsError("angles: expected at least one angle, got none") }
        guard anglesDegrees.allSatisfy(\.isFinite) else {
            throw PhysicsError("angles: expected finite angles in degrees")
        }
        self.size = size
        self.anglesDegrees = anglesDegrees
        self.circle = circle
    }

    /// The geometry restricted to the angles `range` (for splitting a scan into operators).
    public func restricted(to range: Range<Int>) throws -> ParallelBeamGeometry {
        try ParallelBeamGeometry(size: size, anglesDegrees: Array(anglesDegrees[range]), circle: circle)
    }
}

/// How one angle walks the image: along rows (|cosθ| ≥ |sinθ|) or along columns. On line ℓ the
/// ray of detector k meets the line at pixel position `p = p0 + ℓ·lineStep + k·detectorStep`
/// (in pixel index units along the line), and each line crossing has length `weight`.
struct JosephAngle {
    let alongRows: Bool
    let p0: Double
    let lineStep: Double
    let detectorStep: Float
    let weight: Float

    init(degrees: Double, size: Int, detectors: Int) {
        let theta = degrees * Double.pi / 180
        let (c, s) = (cos(theta), sin(theta))
        let centre = Double(size - 1) / 2, detectorCentre = Double(detectors - 1) / 2
        if abs(c) >= abs(s) {
            alongRows = true
            p0 = centre - (detectorCentre + centre * s) / c
            lineStep = s / c
            detectorStep = Float(1 / c)
            weight = Float(1 / abs(c))
        } else {
            alongRows = false
            p0 = centre + (detectorCentre - centre * c) / s
            lineStep = c / s
            detectorStep = Float(-1 / s)
            weight = Float(1 / abs(s))
        }
    }

    /// Position of detector 0 on line ℓ, shifted by the line buffers' zero padding. Forward and
    /// adjoint both use exactly this value, so their interpolation weights are bit-identical.
    @inline(__always)
    func base(line: Int) -> Float { Float(p0 + Double(JosephLines.padding) + Double(line) * lineStep) }

    /// Blocks of eight detectors covering every detector whose ray can touch pixels `first...last`
    /// of line ℓ (clamped below at 0; the last block may run past G). The extra detectors sample
    /// only zeros: the range has one detector of margin on each side and blocks add at most
    /// seven more, which stay inside the line's padding (|step| ≤ √2, so 8 detectors move
    /// the position by less than `JosephLines.padding`).
    func detectorBlocks(line: Int, first: Int, last: Int, detectors: Int) -> Range<Int> {
        let origin = Double(base(line: line)) - Double(JosephLines.padding)
        let step = Double(detectorStep)
        let t1 = (Double(first) - 1 - origin) / step, t2 = (Double(last) + 1 - origin) / step
        let low = max(0, Int(Glibc.floor(min(t1, t2)))), high = min(detectors - 1, Int(Glibc.ceil(max(t1, t2))))
        guard low <= high else { return 0..<0 }
        return (low / 8)..<(high / 8 + 1)
    }
}

/// Which pixels of each line the projector sees: the chord of the inscribed disk (circle mode,
/// pixel kept when `c_i² + c_j² ≤ 1` with `c_k = 2k/(N−1) − 1`, as the reference's mask) or
/// the whole line. The disk is symmetric, so the same chords serve rows and columns.
struct JosephLines {
    /// Zeros stored on each side of a line so that taps near its ends need no bounds checks and
    /// whole blocks of eight detectors can be processed (see `JosephAngle.detectorBlocks`).
    static let padding = 16

    let first: [Int]
    let last: [Int]

    init(size: Int, circle: Bool) {
        guard circle, size > 1 else {
            first = Array(repeating: 0, count: size)
            last = Array(repeating: size - 1, count: size)
            return
        }
        let scale = 2 / Double(size - 1)
        func coordinate(_ k: Int) -> Double { Double(k) * scale - 1 }
        var first = [Int](repeating: size, count: size), last = [Int](repeating: -1, count: size)
        for line in 0..<size {
            let a = coordinate(line)
            for j in 0..<size where a * a + coordinate(j) * coordinate(j) <= 1 {
                if first[line] == size { first[line] = j }
                last[line] = j
            }
        }
        self.first = first
        self.last = last
    }

    /// Whether line ℓ has any visible pixel.
    func isEmpty(_ line: Int) -> Bool { first[line] > last[line] }
}
