import Tensor

/// The checks of a grid point's dataset parameters taken together, made when the file is expanded
/// so that `--plan` refuses what the run would refuse; each dataset declares its own (`DatasetRun.check`).
enum DatasetChecks {
    /// The smallest image side a run supports: SSIM's 11-tap window reflects 5 pixels at each
    /// border, which needs at least 6.
    static let minimumImageSide = 6

    /// Throws the first `ConfigError` that `dataset`'s declaration finds in `values`.
    static func run(file: String, dataset: ExperimentItem, values: [String: SourcedValue], memory: MemoryBudget) throws {
        guard let type = ParameterCatalog.datasetRun(named: dataset.name) else { return }
        try type.check(DatasetPoint(file: file, dataset: dataset, values: values, memory: memory))
    }
}
