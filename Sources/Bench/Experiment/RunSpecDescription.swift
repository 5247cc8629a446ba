extension RunSpec {
    /// The solver parameter `name`: this run's value, else the catalog default.
    public func solverParameter(_ name: String) -> ParameterValue? {
        solverParameters[name] ?? ParameterCatalog.component(.solver, named: solver)?.parameter(named: name)?.defaultValue
    }

    /// The dataset parameter `name`: this run's value, else the catalog default.
    public func datasetParameter(_ name: String) -> ParameterValue? {
        datasetParameters[name] ?? ParameterCatalog.component(.dataset, named: dataset)?.parameter(named: name)?.defaultValue
    }

    /// Whether InvScale implements this run's dataset (runs of other datasets can be planned only).
    public var isDatasetBuilt: Bool { ParameterCatalog.component(.dataset, named: dataset)?.isBuilt ?? false }

    /// The tile size per dimension (one entry for a square tile) when the denoiser is
    /// distributed in tiles (`distribute_denoiser` and `patch_size` > 0); nil otherwise.
    public var tileSize: [Int]? {
        guard solverParameter("distribute_denoiser")?.boolValue == true,
              let patch = solverParameter("patch_size")?.intList, patch != [0] else { return nil }
        return patch
    }

    /// The tile overlap per dimension (one entry for all dimensions).
    public var tileOverlap: [Int] { solverParameter("overlap")?.intList ?? [0] }

    /// A one-line description, e.g.
    /// `PnP (drunet σ 0.01, init zeros) · tomography_2d 2048² · 2 processes · tiles 448/32 · batch 0`;
    /// the DRUNet weights appear when not the default `drunet` (", weights bundled"), the relaxation
    /// λ when set, the tiling part only when the denoiser is tiled (with "tiles all-reduced" when
    /// several processes share tiles the reference's way).
    public var label: String {
        var solverPart = solver
        if let denoiser = solverParameter("denoiser")?.stringValue, let sigma = solverParameter("denoiser_sigma"),
           let initialisation = solverParameter("init_method")?.stringValue {
            let relaxation = solverParameter("denoiser_lambda_relaxation").flatMap { $0.isNull ? nil : ", λ \($0)" } ?? ""
            let weights = solverParameter("denoiser_weights")?.stringValue
            let weightsPart = denoiser == "drunet" && weights != nil && weights != "drunet" ? ", weights \(weights!)" : ""
            solverPart += " (\(denoiser) σ \(sigma)\(weightsPart)\(relaxation), init \(initialisation))"
        }
        var parts = [solverPart, datasetLabel, processes == 1 ? "1 process" : "\(processes) processes"]
        if let tileSize {
            parts.append("tiles \(RunSpec.sizes(tileSize))/\(RunSpec.sizes(tileOverlap))")
            parts.append("batch \(solverParameter("max_batch_size")?.intValue ?? 0)")
            if processes > 1, solverParameter("tile_gather")?.stringValue == "all_reduce" { parts.append("tiles all-reduced") }
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

    /// "tomography_2d 2048²" (`img_size` is the side of a square image), "tomography_3d 512³" or
    /// "tomography_3d 40×272×272" (the synthetic volume's size), "highres_color_image 2048 px"
    /// (`image_size` is the longest side), with ", 8 operators" when there are several.
    private var datasetLabel: String {
        var text = dataset
        let spec = ParameterCatalog.component(.dataset, named: dataset)
        if let parameter = spec?.imageSizeParameter, let sides = datasetParameter(parameter)?.intList {
            let power = spec?.dimensions == 3 ? "³" : "²"
            text += parameter != "img_size" ? " \(Self.sizes(sides)) px" : sides.count == 1 ? " \(sides[0])\(power)" : " \(Self.sizes(sides))"
        }
        if let operators = datasetParameter("num_operators")?.intValue, operators > 1 {
            text += ", \(operators) operators"
        }
        return text
    }

    /// `448` or `8×256×256`.
    private static func sizes(_ values: [Int]) -> String {
        values.map(String.init).joined(separator: "×")
    }
}

/// FNV-1a, a hash that is the same in every process and on every machine (Swift's `Hasher` is
/// seeded per process).
enum StableHash {
    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes folded to 32 bits, as 8 hex digits.
    static func hex32(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let folded = String((hash >> 32) ^ (hash & 0xffff_ffff), radix: 16)
        return String(repeating: "0", count: 8 - folded.count) + folded
    }
}
