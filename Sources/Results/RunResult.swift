import Experiment
import FoundationEssentials

/// A run folder read back: its `run.json` (`RunRecord`) and the rows of every rank's CSV.
public struct RunResult: Sendable {
    /// The run's folder.
    public let folder: String
    public let record: RunRecord
    /// Rows of each rank's CSV, by rank.
    public let ranks: [[MetricsRow]]
    /// How the run was spread and tiled, decoded once from its solver parameters.
    public let execution: ExecutionParameters?

    init(folder: String, record: RunRecord, ranks: [[MetricsRow]]) {
        (self.folder, self.record, self.ranks) = (folder, record, ranks)
        execution = record.spec.execution
    }

    /// Reads the run in `folder`; nil when it has no `run.json` (not a run folder); throws a
    /// `ResultsError` naming the file when its `run.json` cannot be read or is not a run record.
    public static func load(folder: String) throws -> RunResult? {
        let files = RunFolder(folder)
        guard let record = try RunRecord.load(from: files.recordFile) else { return nil }
        var ranks: [[MetricsRow]] = []
        while let text = try? String(contentsOfFile: files.metricsFile(rank: ranks.count), encoding: .utf8) {
            ranks.append(MetricsRow.parse(csv: text))
        }
        return RunResult(folder: folder, record: record, ranks: ranks)
    }

    /// Every run under `path` (one folder per run), in the experiment's order.
    public static func loadAll(in path: String) -> [RunResult] { scan(path).runs }

    /// The runs under `path`, in the experiment's order, and the run folders whose `run.json`
    /// could not be read (their errors, in folder order).
    public static func scan(_ path: String) -> (runs: [RunResult], unreadable: [ResultsError]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        var runs: [RunResult] = [], unreadable: [ResultsError] = []
        for name in names {
            do {
                if let run = try load(folder: path + "/" + name) { runs.append(run) }
            } catch let error as ResultsError {
                unreadable.append(error)
            } catch {
                unreadable.append(ResultsError("\(path)/\(name): \(error)"))
            }
        }
        let ordered = runs.sorted { ($0.record.spec.index, $0.folder) < ($1.record.spec.index, $1.folder) }
        return (ordered, unreadable)
    }

    /// The label the runner gave the run, else dataset and solver.
    public var label: String { record.label ?? "\(record.spec.solver) · \(record.spec.dataset)" }
    /// Processes of the run.
    public var processes: Int { record.processes }
    /// Rank 0's rows.
    public var rows: [MetricsRow] { ranks.first ?? [] }

    /// Whether the denoiser ran in tiles.
    public var isTiled: Bool { execution?.tileSize != nil }

    /// Tiles of the denoiser per iteration over all ranks (1 when it is not tiled): as the run
    /// recorded it, else (older records) ⌈D/p⌉ windows along each side D > p of a square image.
    public var windows: Int {
        if let recorded = record.tileWindows { return recorded }
        guard let patch = execution?.tileSize?.first, let side = record.spec.imageSide, side > patch else { return 1 }
        let perSide = (side + patch - 1) / patch
        return perSide * perSide
    }

    /// The most windows one rank denoises per iteration (patch i goes to rank i mod P).
    public var windowsPerRank: Int { (windows + max(1, processes) - 1) / max(1, processes) }

    /// Mean of `column` over rank `rank`'s iterations (nil without rows).
    public func mean(_ column: MetricsColumn, rank: Int = 0) -> Double? {
        let values = (rank < ranks.count ? ranks[rank] : []).compactMap { $0[column] }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The largest over the ranks of each rank's median of `column` (nil without rows): the
    /// slowest rank's typical iteration.
    public func slowestMedian(_ column: MetricsColumn) -> Double? {
        ranks.compactMap { rows -> Double? in
            let values = rows.compactMap { $0[column] }.sorted()
            guard !values.isEmpty else { return nil }
            let middle = values.count / 2
            return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
        }.max()
    }

    /// Largest value of `column` over the iterations of `rank`, or of all ranks when nil.
    public func maximum(_ column: MetricsColumn, rank: Int? = nil) -> Double? {
        let rows = rank.map { $0 < ranks.count ? ranks[$0] : [] } ?? ranks.flatMap { $0 }
        return rows.compactMap { $0[column] }.max()
    }
}

extension RunResult {
    /// `max_batch_size` (0: all windows at once).
    public var batchSize: Int { execution?.maxBatchSize ?? record.prediction?.maxBatchSize ?? 0 }

    /// "448/32" or "8×256×256/2×16×16": tile sizes and overlaps.
    public var tilesText: String {
        guard let execution else { return "" }
        return RunSpec.sizes(execution.patchSize) + "/" + RunSpec.sizes(execution.overlap)
    }

    /// The run's dataset, solver and parameters apart from those that only spread it over
    /// processes (`ExecutionParameters.spreading`), as one comparable text: runs with the same
    /// family differ only in how they are spread.
    public var family: String {
        let spec = record.spec
        let solver = spec.solverParameters.filter { !ExecutionParameters.spreading.contains($0.key) }
        return ([spec.dataset, spec.solver] + (spec.datasetParameters.merging(solver) { a, _ in a })
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: ";")
    }
}
