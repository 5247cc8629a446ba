#if canImport(Glibc)
import Glibc
#endif

/// Measured over predicted time of whole DRUNet calls, by network and item size: what the layers
/// timed alone leave out (the network's glue, the order of its allocations, how well a small item
/// spreads over the threads). A network takes the factors measured on the network whose first
/// level's channel count is nearest to its own (in log); between measured item sizes the factor is
/// interpolated in log(positions), beyond them the nearest holds.
///
/// In a profile it is either one number (every network and size alike) or a list of
/// `{"channels": C, "positions": N, "factor": F}`: C the measured network's first-level channels
/// (0 or absent: any network), N positions per item (pixels of an image, voxels of a volume).
public struct CorrectionTable: Codable, Sendable, Equatable {
    /// The factor measured on items of `positions` positions, with a network of `channels`
    /// channels at its first level.
    public struct Entry: Codable, Sendable, Equatable {
        public var channels: Int
        public var positions: Int
        public var factor: Double

        public init(channels: Int = 0, positions: Int, factor: Double) {
            self.channels = channels
            self.positions = positions
            self.factor = factor
        }

        private enum CodingKeys: String, CodingKey { case channels, positions, factor }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(channels: try c.decodeIfPresent(Int.self, forKey: .channels) ?? 0,
                      positions: try c.decode(Int.self, forKey: .positions), factor: try c.decode(Double.self, forKey: .factor))
        }
    }

    /// Ascending in channels, then positions; never empty.
    public private(set) var entries: [Entry]

    /// One factor for every network and size.
    public init(_ factor: Double) {
        entries = [Entry(positions: 1, factor: factor)]
    }

    /// Measured factors; entries of one network and size are averaged. An empty list means 1.
    public init(_ entries: [Entry]) {
        let keys = Set(entries.map { [$0.channels, $0.positions] }).sorted { $0.lexicographicallyPrecedes($1) }
        self.entries = keys.map { key in
            let factors = entries.filter { [$0.channels, $0.positions] == key }.map(\.factor)
            return Entry(channels: key[0], positions: key[1], factor: factors.reduce(0, +) / Double(factors.count))
        }
        if self.entries.isEmpty { self.entries = [Entry(positions: 1, factor: 1)] }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let factor = try? container.decode(Double.self) {
            self.init(factor)
        } else {
            self.init(try container.decode([Entry].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(entries)
    }

    /// The factor for a network of `channels` first-level channels on items of `positions` positions.
    public func factor(channels: Int, positions: Int) -> Double {
        // Entries for any network count only where no network was named.
        func distance(_ measured: Int) -> Double {
            measured == 0 ? .infinity : channels == 0 ? 0 : abs(log(Double(measured) / Double(channels)))
        }
        let nearest = entries.min { distance($0.channels) < distance($1.channels) }!.channels
        let row = entries.filter { $0.channels == nearest }.map { (size: $0.positions, value: $0.factor) }
        return LogInterpolation.value(at: positions, in: row)
    }

    /// Refuses a factor ≤ 0 or a size ≤ 0, naming the field `path`.
    func validate(source path: String) throws {
        for (index, entry) in entries.enumerated()
        where !(entry.channels >= 0 && entry.positions > 0 && entry.factor.isFinite && entry.factor > 0) {
            throw PlannerError("\(path)[\(index)]: expected channels ≥ 0, positions > 0 and a factor > 0, got "
                + "\(entry.channels), \(entry.positions), \(entry.factor)")
        }
    }

    /// At every network and size either table measured, the factor `weight` of the way from this
    /// one to `other`.
    func interpolated(to other: CorrectionTable, weight: Double) -> CorrectionTable {
        CorrectionTable(Set((entries + other.entries).map { [$0.channels, $0.positions] }).map { key in
            let own = factor(channels: key[0], positions: key[1])
            return Entry(channels: key[0], positions: key[1],
                         factor: own + (other.factor(channels: key[0], positions: key[1]) - own) * weight)
        })
    }
}
