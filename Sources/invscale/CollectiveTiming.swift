import Communication
import Measurement

/// What `worker --time-collectives` measures: the median seconds of an all-reduce of one value
/// (the latency), the bandwidth of a 16 MiB all-reduce of floats beyond that latency (the
/// planner's fabric), and a table of all-reduce and all-gather medians from 4 KiB to 64 MiB.
struct CollectiveTiming: Codable {
    /// The medians at one message size: an all-reduce (sum) of `bytes` of floats, and an
    /// all-gather whose result is `bytes` (each rank contributing its share).
    struct Size: Codable {
        let bytes: Int
        let allReduceS: Double
        let allGatherS: Double

        private enum CodingKeys: String, CodingKey {
            case bytes
            case allReduceS = "all_reduce_s", allGatherS = "all_gather_s"
        }
    }

    let ranks: Int
    let latencyS: Double
    let bytesPerS: Double
    let sizes: [Size]

    private enum CodingKeys: String, CodingKey {
        case ranks, sizes
        case latencyS = "latency_s", bytesPerS = "bytes_per_s"
    }

    /// Message sizes of the table: 4 KiB, 16 KiB, … 64 MiB.
    static let tableBytes = (0..<8).map { 4096 << (2 * $0) }

    static func run(on world: any Communicator) throws -> CollectiveTiming {
        func median(_ repetitions: Int, _ body: () throws -> Void) throws -> Double {
            var samples: [Double] = []
            for _ in 0..<repetitions {
                try world.barrier()
                let start = Stopwatch.now()
                try body()
                samples.append(Stopwatch.now() - start)
            }
            return TimingStats.median(samples.sorted())
        }
        var one = [1.0]
        let latency = try median(200) { try world.allReduce(&one, .sum) }
        func allReduce(_ bytes: Int, repetitions: Int) throws -> Double {
            var values = [Float](repeating: 1, count: bytes / 4)
            return try median(repetitions) { try values.withUnsafeMutableBufferPointer { try world.allReduce($0, .sum) } }
        }
        let sizes = try tableBytes.map { bytes in
            // Fewer repetitions for the large messages, at least 7.
            let repetitions = max(7, min(100, (64 << 20) / bytes))
            let total = bytes / 4, share = total / world.size
            let counts = (0..<world.size).map { $0 == world.size - 1 ? total - share * (world.size - 1) : share }
            let local = [Float](repeating: Float(world.rank), count: counts[world.rank])
            let gather = try median(repetitions) { _ = try world.allGatherV(local, counts: counts) }
            return Size(bytes: bytes, allReduceS: try allReduce(bytes, repetitions: repetitions), allGatherS: gather)
        }
        // The planner's bandwidth: the table's 16 MiB all-reduce beyond the latency.
        let large = sizes.first { $0.bytes == 16 << 20 }!
        return CollectiveTiming(ranks: world.size, latencyS: latency,
                                bytesPerS: Double(large.bytes) / max(large.allReduceS - latency, 1e-9), sizes: sizes)
    }
}
