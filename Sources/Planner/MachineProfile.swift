import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// What the planner knows of a machine: its size, the resident memory of a process before any
/// data, and the rates of the kernels a run is made of, measured by `invscale calibrate` at one
/// thread and at every core (`rates`), and the fabric's all-reduce latency and bandwidth. Saved as
/// JSON (`machine_profile.json` in the cache folder); anyone can write one for their cluster's
/// nodes and pass it to `--profile`.
public struct MachineProfile: Codable, Sendable, Equatable {
    /// The profile's origin: "calibrated on HOST at DATE", or "conservative defaults".
    public var source: String
    /// Cores and memory of one node.
    public var cores: Int
    public var memoryMB: Double
    /// Resident memory of a one-process run before its data: the binary, its libraries, the
    /// thread pool and OpenBLAS's buffers, MiB.
    public var baselineRSSMB: Double
    /// What each rank of an MPI run adds to that (OpenMPI's buffers and shared-memory segments), MiB.
    public var mpiRankRSSMB: Double
    /// Kernel rates at the thread counts measured, ascending (at least one).
    public var rates: [KernelRates]
    /// Rates of one thread while every other core runs the same kernel (a node full of
    /// single-thread ranks); nil when not measured.
    public var busyRates: KernelRates?
    /// The all-reduce between ranks: seconds per call and bytes per second.
    public var allReduceLatencyS: Double
    public var allReduceBytesPerS: Double

    private enum CodingKeys: String, CodingKey {
        case source, cores, rates
        case busyRates = "busy_rates"
        case memoryMB = "memory_mb", baselineRSSMB = "baseline_rss_mb", mpiRankRSSMB = "mpi_rank_rss_mb"
        case allReduceLatencyS = "all_reduce_latency_s", allReduceBytesPerS = "all_reduce_bytes_per_s"
    }

    public init(source: String, cores: Int, memoryMB: Double, baselineRSSMB: Double, mpiRankRSSMB: Double,
                rates: [KernelRates], busyRates: KernelRates? = nil, allReduceLatencyS: Double, allReduceBytesPerS: Double) {
        self.source = source
        self.cores = cores
        self.memoryMB = memoryMB
        self.baselineRSSMB = baselineRSSMB
        self.mpiRankRSSMB = mpiRankRSSMB
        self.rates = rates.sorted { $0.threads < $1.threads }
        self.busyRates = busyRates
        self.allReduceLatencyS = allReduceLatencyS
        self.allReduceBytesPerS = allReduceBytesPerS
    }

    /// Where `invscale calibrate` writes the profile and `--plan` looks for it: `FOLDER/machine_profile.json`.
    public static func defaultPath(cacheFolder: String) -> String { cacheFolder + "/machine_profile.json" }

    /// The profile at `path`; a one-line error naming the file and what is wrong otherwise.
    public static func load(path: String) throws -> MachineProfile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PlannerError("\(path): cannot read the machine profile (\(error.localizedDescription))")
        }
        let profile: MachineProfile
        do { profile = try JSONDecoder().decode(MachineProfile.self, from: data) } catch {
            throw PlannerError("\(path): not a machine profile: \(PlannerError.describe(decoding: error))")
        }
        try profile.validate(source: path)
        return profile
    }

    /// Refuses values no machine has (a missing thread count, a rate ≤ 0), naming the field.
    public func validate(source path: String) throws {
        func positive(_ value: Double, _ field: String) throws {
            guard value.isFinite, value > 0 else { throw PlannerError("\(path): \(field): expected a number > 0, got \(value)") }
        }
        guard cores > 0 else { throw PlannerError("\(path): cores: expected an int > 0, got \(cores)") }
        try positive(memoryMB, "memory_mb")
        try positive(baselineRSSMB, "baseline_rss_mb")
        guard mpiRankRSSMB.isFinite, mpiRankRSSMB >= 0 else {
            throw PlannerError("\(path): mpi_rank_rss_mb: expected a number ≥ 0, got \(mpiRankRSSMB)")
        }
        try positive(allReduceLatencyS, "all_reduce_latency_s")
        try positive(allReduceBytesPerS, "all_reduce_bytes_per_s")
        guard !rates.isEmpty else { throw PlannerError("\(path): rates: expected rates for at least one thread count") }
        for (index, rate) in rates.enumerated() { try rate.validate(source: "\(path): rates[\(index)]") }
        try busyRates?.validate(source: "\(path): busy_rates")
    }

    /// The rates of a rank running `threads` threads while `ranksOnNode` ranks share the node's
    /// cores: as if alone on a partly busy node (the nearest measured thread counts,
    /// interpolated); single-thread ranks filling the node run at the busy-node rates; and when
    /// the threads outnumber the cores every rate slows in proportion (time-sharing).
    public func rates(threads: Int, ranksOnNode: Int) -> KernelRates {
        let demand = threads * max(1, ranksOnNode), oversubscription = max(1, Double(demand) / Double(cores))
        if threads == 1, ranksOnNode > 1, demand >= cores, let busyRates {
            return oversubscription > 1 ? busyRates.slowed(by: oversubscription) : busyRates
        }
        let alone = rates(atThreads: threads)
        return oversubscription > 1 ? alone.slowed(by: oversubscription) : alone
    }

    /// The rates at `threads` threads: the nearest measured counts, interpolated between them.
    func rates(atThreads threads: Int) -> KernelRates {
        let below = rates.last { $0.threads <= threads } ?? rates[0]
        let above = rates.first { $0.threads >= threads } ?? rates[rates.count - 1]
        guard below.threads != above.threads else { return below }
        let weight = Double(threads - below.threads) / Double(above.threads - below.threads)
        return below.interpolated(to: above, weight: weight)
    }

    /// Seconds of one all-reduce (or all-gather of the same total) of `bytes` over `ranks` ranks:
    /// a ring's 2·(P−1)/P of the bytes (an all-gather's (P−1)/P) at the measured bandwidth, plus
    /// the latency once per doubling of the ranks. The bandwidth was measured between 2 ranks, for
    /// which the ring moves the bytes once.
    public func allReduceSeconds(bytes: Double, ranks: Int, gather: Bool = false) -> Double {
        guard ranks > 1 else { return 0 }
        let p = Double(ranks), share = (gather ? 1 : 2) * (p - 1) / p
        return allReduceLatencyS * log2(p) + share * bytes / allReduceBytesPerS
    }
}
