import Tensor

/// The number of runs an experiment file expands to, counted with overflow-checked arithmetic
/// before anything is expanded, so that a file asking for millions of runs is refused at once
/// instead of growing for gigabytes under `--plan`.
enum GridSize {
    /// The most runs one file may expand to.
    static let maxRuns = 100_000

    /// One factor of the run count: a grid axis with several values, the repetitions or the objectives.
    private struct Factor {
        let field: String
        let line: Int?
        let count: Int
        let text: String
    }

    /// Throws a `ConfigError` naming the file and the fields that multiply when `experiment`
    /// expands to more than `maxRuns` runs.
    static func check(_ experiment: ExperimentFile) throws {
        func grid(_ item: ExperimentItem) -> Int? { MemoryBudget.product(item.axes.map(\.rows.count)) }
        func total(_ items: [ExperimentItem]) -> Int? {
            items.reduce(Optional(0)) { sum, item in
                guard let sum, let size = grid(item) else { return nil }
                let (next, overflow) = sum.addingReportingOverflow(size)
                return overflow ? nil : next
            }
        }
        let counts = [total(experiment.datasets), total(experiment.solvers), experiment.objectives.count, experiment.nRepetitions]
        let count = counts.contains(nil) ? nil : MemoryBudget.product(counts.compactMap { $0 })
        if let count, count <= maxRuns { return }
        let large = factors(experiment).sorted { $0.count > $1.count }
        let shown = large.prefix(4).map(\.text).joined(separator: " × ") + (large.count > 4 ? " × …" : "")
        throw ConfigError(file: experiment.path, line: large.first?.line, field: large.first?.field ?? "",
                          "the file expands to \(count.map { "\($0) runs" } ?? "more runs than an Int can count") (\(shown)), more than the \(maxRuns) allowed; expected fewer values or repetitions")
    }

    /// The axes with several values, the repetitions and the objectives, as factors of the count.
    private static func factors(_ experiment: ExperimentFile) -> [Factor] {
        var result = [Factor]()
        for item in experiment.datasets + experiment.solvers {
            for axis in item.axes where axis.rows.count > 1 {
                let field = "\(item.kind.rawValue).\(item.name).\(axis.names.joined(separator: ", "))"
                result.append(Factor(field: field, line: axis.rowLines.first, count: axis.rows.count,
                                     text: "\(field): \(axis.rows.count) values"))
            }
        }
        if experiment.nRepetitions > 1 {
            result.append(Factor(field: "n-repetitions", line: experiment.nRepetitionsLine, count: experiment.nRepetitions,
                                 text: "n-repetitions \(experiment.nRepetitions)"))
        }
        if experiment.objectives.count > 1 {
            result.append(Factor(field: "objective", line: experiment.objectives[0].line, count: experiment.objectives.count,
                                 text: "objective: \(experiment.objectives.count) entries"))
        }
        return result
    }
}
