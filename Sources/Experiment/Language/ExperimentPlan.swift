/// The runs of an experiment, as a list a person can check before anything runs.
public struct ExperimentPlan: Sendable, Equatable {
    /// The runs in order.
    public let runs: [RunSpec]

    /// A plan of `runs`.
    public init(runs: [RunSpec]) {
        self.runs = runs
    }

    /// The plan of every run of `experiment` (checked by `expand()`).
    public init(experiment: ExperimentFile) throws {
        runs = try experiment.expand()
    }

    /// One line per run, then the line "N runs" ("1 run"):
    /// `#1  PnP (drunet σ 0.01, init zeros) · tomography_2d 2048² · 2 processes · tiles 448/32 · batch 0 — needs 2 processes`,
    /// with the repetition when there are several and a note for datasets that are not built yet.
    public func lines() -> [String] {
        let repeated = runs.contains { $0.repetition > 0 }
        let width = runs.map { String($0.index).count }.max() ?? 1
        let rows = runs.map { run in
            let number = String(run.index)
            var line = "#\(number)\(String(repeating: " ", count: max(0, width - number.count)))  \(run.label)"
            if repeated { line += " · repetition \(run.repetition)" }
            var notes = [String]()
            if !run.isDatasetBuilt { notes.append("dataset \(run.dataset) is not built yet") }
            if run.processes > 1 { notes.append("needs \(run.processes) processes") }
            if !notes.isEmpty { line += " — " + notes.joined(separator: "; ") }
            return line
        }
        return rows + [runs.count == 1 ? "1 run" : "\(runs.count) runs"]
    }
}
