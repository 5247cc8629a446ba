import Results

/// The time-to-target numbers of runs that solve the same problem: PSNR levels 3, 1 and 0.5 dB
/// under the best final PSNR among them, and for each run and level the first iteration whose
/// PSNR (rank 0's rows) is at or above the level, with the cumulative solver time up to it
/// (`time_sec`, evaluation excluded).
struct TimeToTarget: Sendable {
    /// How far under the best final PSNR the levels lie, dB, in the order of the levels.
    static let margins = [3.0, 1.0, 0.5]

    /// Where a run first reached a level.
    struct Reach: Sendable, Equatable {
        /// The 1-based iteration.
        let iteration: Int
        /// Solver seconds from the start of the loop to the end of that iteration.
        let seconds: Double
    }

    /// The best final PSNR (each run's last PSNR row) in dB and the run that has it, by its place
    /// among the runs given; nil when no run has a finite final PSNR.
    let best: (psnr: Double, run: Int)?
    /// The levels in dB, one per margin; nil when there is no best PSNR.
    let levels: [Double]?
    /// For each run, in the order given, and each margin: where the run first reached the level
    /// (nil: never, or there are no levels).
    let reached: [[Reach?]]

    /// The numbers of runs with these rows (each run's rank-0 rows, in iteration order).
    init(rows: [[MetricsRow]]) {
        let finals = rows.map { run in run.last { $0[.psnr] != nil }?[.psnr] ?? .nan }
        best = finals.indices.filter { finals[$0].isFinite }.max { finals[$0] < finals[$1] }.map { (finals[$0], $0) }
        let levels = best.map { best in Self.margins.map { best.psnr - $0 } }
        self.levels = levels
        reached = rows.map { run in Self.margins.indices.map { level in levels.flatMap { Self.first(run, atLeast: $0[level]) } } }
    }

    /// The first of `rows` whose PSNR is at or above `level`: its iteration (its place when the
    /// row has none) and cumulative solver seconds; nil when no row reaches it.
    static func first(_ rows: [MetricsRow], atLeast level: Double) -> Reach? {
        guard let index = rows.firstIndex(where: { ($0[.psnr] ?? -.infinity) >= level }) else { return nil }
        let row = rows[index]
        return Reach(iteration: row[.iteration].map { Int($0) } ?? index + 1, seconds: row[.cumulativeTime] ?? .nan)
    }

    /// The runs grouped by what they solve (dataset and its parameters, `datasetText`), in order
    /// of first appearance: each group's dataset, its runs (places in `runs`) and their numbers.
    static func groups(_ runs: [RunResult]) -> [(dataset: String, members: [Int], numbers: TimeToTarget)] {
        var order: [String] = [], members: [String: [Int]] = [:]
        for (index, run) in runs.enumerated() {
            if members[run.datasetText] == nil { order.append(run.datasetText) }
            members[run.datasetText, default: []].append(index)
        }
        return order.map { dataset in
            (dataset, members[dataset]!, TimeToTarget(rows: members[dataset]!.map { runs[$0].rows }))
        }
    }
}
