#if canImport(Glibc)
import Glibc
#endif

/// Summary of repeated wall-clock timings, in seconds.
public struct TimingStats: Sendable, Codable, Equatable {
    /// Median of the timed runs.
    public let medianSeconds: Double
    /// Fastest run.
    public let minSeconds: Double
    /// Slowest run.
    public let maxSeconds: Double
    /// Number of timed runs (warm-up excluded).
    public let runs: Int
    /// Median CPU time of the process per run (all threads), when measured. On a shared machine it
    /// moves much less than wall time with other load.
    public let cpuMedianSeconds: Double?

    private enum CodingKeys: String, CodingKey {
        case runs
        case medianSeconds = "median_s"
        case minSeconds = "min_s"
        case maxSeconds = "max_s"
        case cpuMedianSeconds = "cpu_median_s"
    }

    /// Statistics of wall-clock `samples` (at least one) and optional CPU-time samples.
    public init(samples: [Double], cpuSamples: [Double] = []) {
        precondition(!samples.isEmpty, "TimingStats: no samples")
        let sorted = samples.sorted()
        medianSeconds = TimingStats.median(sorted)
        minSeconds = sorted[0]
        maxSeconds = sorted[sorted.count - 1]
        runs = sorted.count
        cpuMedianSeconds = cpuSamples.isEmpty ? nil : TimingStats.median(cpuSamples.sorted())
    }

    /// The median of `sorted` (ascending, not empty): the middle value, or the mean of the two.
    public static func median(_ sorted: [Double]) -> Double {
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// Wall-clock timing of a piece of work.
public enum Stopwatch {
    /// Seconds on a monotonic clock.
    public static func now() -> Double { seconds(CLOCK_MONOTONIC) }

    /// CPU seconds used by the process so far, all threads together.
    public static func processCPU() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Seconds of untimed warm-up before the timed runs. OpenBLAS's idle server threads spin
    /// (sched_yield) for a fraction of a second after the library loads or after a BLAS call,
    /// taking a core from whatever runs then; timed runs start after that window.
    public static let warmUpSeconds = 0.3

    /// Runs `body` untimed at least once and for at least `warmUpSeconds`, then `repetitions`
    /// times timed.
    public static func measure(repetitions: Int, _ body: () throws -> Void) rethrows -> TimingStats {
        let warmUpStart = now()
        repeat { try body() } while now() - warmUpStart < warmUpSeconds
        var samples: [Double] = [], cpuSamples: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let (start, cpuStart) = (now(), processCPU())
            try body()
            samples.append(now() - start)
            cpuSamples.append(processCPU() - cpuStart)
        }
        return TimingStats(samples: samples, cpuSamples: cpuSamples)
    }
}
