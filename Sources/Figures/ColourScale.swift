/// A colour map: grey levels, or `magma`-like dark-purple-to-light-yellow for magnitudes such as
/// errors (perceptually ordered, readable in greyscale print).
public enum ColourMap: Sendable {
    case grey
    case magma

    /// The colour at `fraction` in 0...1 (clamped; NaN is black).
    public func colour(at fraction: Float) -> RGB {
        guard !fraction.isNaN else { return .black }
        let t = min(max(fraction, 0), 1)
        switch self {
        case .grey:
            let level = UInt8((t * 255).rounded())
            return RGB(level, level, level)
        case .magma:
            let position = t * Float(Self.magmaAnchors.count - 1)
            let index = min(Int(position), Self.magmaAnchors.count - 2), weight = position - Float(index)
            let (a, b) = (Self.magmaAnchors[index], Self.magmaAnchors[index + 1])
            func mix(_ p: UInt8, _ q: UInt8) -> UInt8 { UInt8((Float(p) * (1 - weight) + Float(q) * weight).rounded()) }
            return RGB(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
        }
    }

    /// Colours of the magma map at 0, ¼, ½, ¾ and 1, linearly interpolated between.
    private static let magmaAnchors = [RGB(0, 0, 4), RGB(81, 18, 124), RGB(183, 55, 121), RGB(252, 137, 97),
                                       RGB(252, 253, 191)]
}

/// Values in `range` shown through `map`, values outside clipped to its ends.
public struct ColourScale: Sendable {
    public var range: ClosedRange<Float>
    public var map: ColourMap

    public init(range: ClosedRange<Float>, map: ColourMap = .grey) {
        self.range = range.upperBound > range.lowerBound ? range : range.lowerBound...(range.lowerBound + 1e-12)
        self.map = map
    }

    public func colour(of value: Float) -> RGB {
        map.colour(at: (value - range.lowerBound) / (range.upperBound - range.lowerBound))
    }
}
