extension RunSpec {
    /// The dataset parameter `name`: this run's value, else the catalog default.
    public func datasetParameter(_ name: String) -> ParameterValue? {
        datasetParameters[name] ?? ParameterCatalog.component(.dataset, named: dataset)?.parameter(named: name)?.defaultValue
    }

    /// Whether InvScale implements this run's dataset (runs of other datasets can be planned only).
    public var isDatasetBuilt: Bool { ParameterCatalog.component(.dataset, named: dataset)?.isBuilt ?? false }

    /// How the run is spread, decoded from its solver parameters (nil when a value has the wrong
    /// type, which only a hand-edited run file can hold).
    public var execution: ExecutionParameters? { try? ExecutionParameters(ParameterSet(solverParameters)) }

    /// The tile size per dimension (one entry for a square tile) when the denoiser is
    /// distributed in tiles (`distribute_denoiser` and `patch_size` > 0); nil otherwise.
    public var tileSize: [Int]? { execution?.tileSize }

    /// The tile overlap per dimension (one entry for all dimensions).
    public var tileOverlap: [Int] { execution?.overlap ?? [0] }

    /// The image side when the dataset's size parameter is one number (`img_size`, or
    /// `image_size` for the longest side); nil for per-axis sizes or datasets without one.
    public var imageSide: Int? {
        ParameterCatalog.component(.dataset, named: dataset)?.imageSizeParameter.flatMap { datasetParameter($0)?.intValue }
    }

    /// A one-line description, e.g.
    /// `PnP (drunet σ 0.01, init zeros) · tomography_2d 2048² · 2 processes · tiles 448/32 · batch 0`;
    /// the DRUNet weights appear when not the default `drunet` (", weights bundled"), the relaxation
    /// λ when set, the tiling part only when the denoiser is tiled (with "tiles all-reduced" when
    /// several processes share tiles the reference's way).
    public var label: String {
        let solverPart = ParameterCatalog.solverRun(named: solver).flatMap { try? $0.init(ParameterSet(solverParameters)) }?.label
            ?? solver
        let execution = self.execution, processes = execution?.processes ?? 1
        var parts = [solverPart, datasetLabel, processes == 1 ? "1 process" : "\(processes) processes"]
        if let execution, let tileSize = execution.tileSize {
            parts.append("tiles \(RunSpec.sizes(tileSize))/\(RunSpec.sizes(execution.overlap))")
            parts.append("batch \(execution.maxBatchSize.map(String.init) ?? ParameterType.auto)")
            if processes > 1, execution.tileGather == .allReduce { parts.append("tiles all-reduced") }
        }
        return parts.joined(separator: " · ")
    }

    /// A folder name that depends only on the run's content: solver, dataset, a hash of the
    /// objective, all parameters (sorted by name) and the iteration count, and the repetition,
    /// e.g. `pnp-tomography_2d-3f9a1c2b-r0`. The index and the order of the file do not enter it.
    public var identifier: String {
        func sorted(_ parameters: [String: ParameterValue]) -> String {
            parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: ";")
        }
        let canonical = [objective, dataset, sorted(datasetParameters), solver, sorted(solverParameters),
                         "max_iterations=\(maxIterations)"].joined(separator: "|")
        return "\(solver.lowercased())-\(dataset)-\(StableHash.hex32(canonical))-r\(repetition)"
    }

    /// "tomography_2d 2048²", "tomography_3d 512³" or "tomography_3d 40×272×272",
    /// "highres_color_image 2048 px" (each dataset's `sizeLabel`), with ", 8 operators" when there
    /// are several.
    private var datasetLabel: String {
        guard let type = ParameterCatalog.datasetRun(named: dataset),
              let run = try? type.init(ParameterSet(datasetParameters)) else { return dataset }
        return "\(dataset) \(run.sizeLabel)" + (run.operatorCount > 1 ? ", \(run.operatorCount) operators" : "")
    }

    /// `448` or `8×256×256`.
    public static func sizes(_ values: [Int]) -> String {
        values.map(String.init).joined(separator: "×")
    }
}
