#if canImport(Glibc)
import Glibc
#endif

/// The measured cost of a `c → c` convolution layer: a fixed time per call, and seconds per output
/// position for items of several sizes (positions per item: pixels of an image, voxels of a volume).
public struct ConvolutionRate: Codable, Sendable, Equatable {
    /// Input and output channels.
    public var channels: Int
    /// Seconds per call whatever the size (the Winograd transform of the kernels).
    public var callS: Double
    /// (positions per item, seconds per position), ascending in positions.
    public var perPosition: [SizedRate]

    private enum CodingKeys: String, CodingKey {
        case channels, perPosition = "per_position"
        case callS = "call_s"
    }

    public init(channels: Int, callS: Double, perPosition: [SizedRate]) {
        self.channels = channels
        self.callS = callS
        self.perPosition = perPosition.sorted { $0.positions < $1.positions }
    }

    func validate(source path: String) throws {
        guard channels > 0 else { throw PlannerError("\(path).channels: expected an int > 0, got \(channels)") }
        guard callS.isFinite, callS >= 0 else { throw PlannerError("\(path).call_s: expected a number ≥ 0, got \(callS)") }
        guard !perPosition.isEmpty else { throw PlannerError("\(path).per_position: expected at least one size") }
        for (index, entry) in perPosition.enumerated() where !(entry.positions > 0 && entry.seconds.isFinite && entry.seconds > 0) {
            throw PlannerError("\(path).per_position[\(index)]: expected positions > 0 and seconds > 0, got \(entry.positions), \(entry.seconds)")
        }
    }

    /// Seconds per position for items of `positions` positions: interpolated in log(positions)
    /// between measured sizes, the nearest measured size beyond them.
    func secondsPerPosition(items positions: Int) -> Double {
        guard !perPosition.isEmpty else { return 0 }
        return LogInterpolation.value(at: positions, in: perPosition.map { (size: $0.positions, value: $0.seconds) })
    }

    /// Seconds of one call of a `cin → cout` layer on `items` items of `positions` positions each,
    /// from the table's channel counts: the work scales with cin·cout, the fixed cost too; between
    /// measured channel counts the rates are interpolated in log(channels), beyond them the
    /// nearest is scaled.
    static func seconds(_ table: [ConvolutionRate], inputChannels cin: Int, outputChannels cout: Int, items: Int,
                        positions: Int) -> Double {
        let channels = (Double(cin) * Double(cout)).squareRoot()
        func cost(_ rate: ConvolutionRate) -> Double {
            let scale = Double(cin) * Double(cout) / Double(rate.channels * rate.channels)
            return scale * (rate.callS + Double(items) * Double(positions) * rate.secondsPerPosition(items: positions))
        }
        guard let first = table.first, let last = table.last else { return 0 }
        if channels <= Double(first.channels) { return cost(first) }
        if channels >= Double(last.channels) { return cost(last) }
        let upper = table.firstIndex { Double($0.channels) >= channels }!
        let (a, b) = (table[upper - 1], table[upper])
        let weight = log(channels / Double(a.channels)) / log(Double(b.channels) / Double(a.channels))
        return cost(a) + (cost(b) - cost(a)) * weight
    }

    /// Two tables (same channel counts expected) `weight` of the way from `a` to `b`, linearly in
    /// throughput; `a` where they differ.
    static func interpolated(_ a: [ConvolutionRate], _ b: [ConvolutionRate], weight: Double) -> [ConvolutionRate] {
        a.map { rate in
            guard let other = b.first(where: { $0.channels == rate.channels }) else { return rate }
            func time(_ a: Double, _ b: Double) -> Double { a > 0 && b > 0 ? 1 / (1 / a + (1 / b - 1 / a) * weight) : a + (b - a) * weight }
            let sizes = rate.perPosition.map { entry in
                SizedRate(positions: entry.positions, seconds: time(entry.seconds, other.secondsPerPosition(items: entry.positions)))
            }
            return ConvolutionRate(channels: rate.channels, callS: time(rate.callS, other.callS), perPosition: sizes)
        }
    }

    func slowed(by factor: Double) -> ConvolutionRate {
        ConvolutionRate(channels: channels, callS: callS * factor,
                        perPosition: perPosition.map { SizedRate(positions: $0.positions, seconds: $0.seconds * factor) })
    }
}

/// Seconds per position measured on items of `positions` positions.
public struct SizedRate: Codable, Sendable, Equatable {
    public var positions: Int
    public var seconds: Double

    public init(positions: Int, seconds: Double) {
        self.positions = positions
        self.seconds = seconds
    }
}
