import Denoisers
import Tensor

/// The checks that need several parameters of one grid point: tiles against the overlap and the
/// image size, the GPUs that `slurm_gres` requests against the processes per node, the process
/// count against the limit, and the dataset's parameters together (`DatasetCheck`).
struct GridPointCheck {
    /// The experiment file (for errors).
    let file: String
    /// The dataset item.
    let dataset: ExperimentItem
    /// Its parameters at this grid point.
    let datasetValues: [String: SourcedValue]
    /// The solver item.
    let solver: ExperimentItem
    /// Its parameters at this grid point.
    let solverValues: [String: SourcedValue]
    /// The run of this grid point (its first repetition).
    let run: RunSpec
    /// The most processes a run may need.
    let maxProcesses: Int
    /// The memory the machine has for the run.
    let memory: MemoryBudget

    /// Throws the first `ConfigError` found.
    func check() throws {
        try checkTiles()
        try checkGPUs()
        try checkProcesses()
        try DatasetChecks.run(file: file, dataset: dataset, values: datasetValues, memory: memory)
    }

    /// At most `maxProcesses` processes.
    private func checkProcesses() throws {
        guard run.processes > maxProcesses else { return }
        let (field, source) = run.execution?.processSource ?? ("", "")
        throw fail(field, "the run needs \(run.processes) processes (\(source)), more than the limit of \(maxProcesses); expected fewer processes, or a higher limit with `invscale run --max-processes N`")
    }

    /// With `patch_size` > 0: list lengths match the dataset's dimensions, `overlap` <
    /// `patch_size` per dimension, and, when the denoiser is distributed, tiles smaller than the
    /// image (datasets whose size comes from the data are not checked).
    private func checkTiles() throws {
        guard let patch = solverValues[ExecutionParameters.patchSize.name]?.value.intList, patch != [0],
              let overlap = solverValues[ExecutionParameters.overlap.name]?.value.intList else { return }
        if patch.contains(0) {
            throw fail(ExecutionParameters.patchSize, "\(described(ExecutionParameters.patchSize)) has a zero entry; expected every entry > 0 (a single 0 turns tiling off)")
        }
        if let dimensions = dataset.spec.dimensions {
            for (name, sizes) in [(ExecutionParameters.patchSize, patch), (ExecutionParameters.overlap, overlap)] where sizes.count > 1 && sizes.count != dimensions {
                throw fail(name, "\(described(name)) has \(sizes.count) entries; expected an int or \(dimensions) ints for the \(dimensions)-D dataset \(dataset.name)")
            }
        }
        switch TileSizes.problem(patch: patch, overlap: overlap) {
        case .countMismatch?:
            throw fail(ExecutionParameters.overlap, "\(described(ExecutionParameters.overlap)) has \(overlap.count) entries; expected an int or as many as \(described(ExecutionParameters.patchSize))")
        case .overlapNotSmaller?:
            throw fail(ExecutionParameters.overlap, "\(described(ExecutionParameters.overlap)) is not smaller than \(described(ExecutionParameters.patchSize)); expected overlap < patch_size in every dimension")
        case .zeroPatch?, nil: break
        }
        let patchSizes = TileSizes.perDimension(patch: patch, overlap: overlap).patch
        guard solverValues[ExecutionParameters.distributeDenoiser.name]?.value.boolValue == true,
              let sizeParameter = dataset.spec.imageSizeParameter,
              let sizes = datasetValues[sizeParameter]?.value.intList else { return }
        // The dataset's sides, matched to the tile list (one tile size for every side, or one per side).
        let sides = ParameterCatalog.datasetRun(named: dataset.name)?.imageSides(sizeValues: sizes, dimensions: patchSizes.count)
            ?? (sizes.count == 1 ? Array(repeating: sizes[0], count: patchSizes.count) : sizes)
        guard sides.count == patchSizes.count || patchSizes.count == 1,
              zip(patchSizes.count == 1 ? Array(repeating: patchSizes[0], count: sides.count) : patchSizes, sides)
                .contains(where: { $0 >= $1 }) else { return }
        let shown = sizes.count == 1 ? "\(sizes[0])" : "\(sizes)"
        let image = sides != sizes && sides.count > 1 ? ": an image of \(RunSpec.sizes(sides))" : ""
        let sizeLine = datasetValues[sizeParameter]?.line.map { ", line \($0)" } ?? ", default"
        throw fail(ExecutionParameters.patchSize, "\(described(ExecutionParameters.patchSize)) is not smaller than the image (\(sizeParameter) \(shown) of dataset \(dataset.name)\(sizeLine)\(image)); expected tiles smaller than the image in every dimension, or patch_size 0 for no tiling")
    }

    /// `slurm_gres` of the form `gpu`, `gpu:N`, `gpu:TYPE` or `gpu:TYPE:N` asks for N GPUs per
    /// node (1 without N); one process drives one GPU, so `slurm_ntasks_per_node` must be N. The
    /// default request is not held against a CPU run (its jobs ask for no GPUs).
    private func checkGPUs() throws {
        guard let source = solverValues[ExecutionParameters.slurmGres.name], let gres = source.value.stringValue,
              let tasks = solverValues[ExecutionParameters.slurmTasksPerNode.name]?.value.intValue else { return }
        let device = solverValues[ExecutionParameters.device.name]?.value ?? ExecutionParameters.device.defaultValue
        let onCPU = device == .string(ExecutionParameters.cpu)
        if source.line == nil && onCPU { return }
        for request in gres.split(separator: ",") {
            let fields = request.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.first == "gpu" else { continue }
            let count: Int? = switch fields.count {
            case 1: 1
            case 2: Int(fields[1]) ?? 1
            case 3: Int(fields[2])
            default: nil
            }
            guard let gpus = count, gpus > 0 else {
                throw fail(ExecutionParameters.slurmGres, "'\(request)' is not a GPU request; expected gpu:N or gpu:TYPE:N with N > 0")
            }
            if gpus != tasks {
                let blamed = solverValues[ExecutionParameters.slurmGres.name]?.line == nil ? ExecutionParameters.slurmTasksPerNode : ExecutionParameters.slurmGres
                throw fail(blamed, "\(described(ExecutionParameters.slurmGres)) requests \(gpus) GPU\(gpus == 1 ? "" : "s") per node but \(described(ExecutionParameters.slurmTasksPerNode)); expected slurm_ntasks_per_node = \(gpus), one process per GPU")
            }
        }
    }

    /// "patch_size 448", or "patch_size 128 (default)" for a value the file does not set.
    private func described(_ parameter: ParameterSpec) -> String {
        guard let sourced = solverValues[parameter.name] else { return parameter.name }
        return "\(parameter.name) \(sourced.value)\(sourced.line == nil ? " (default)" : "")"
    }

    /// An error about solver parameter `parameter`, at the line that set it (else the solver's line).
    private func fail(_ parameter: ParameterSpec, _ message: String) -> ConfigError {
        fail(parameter.name, message)
    }

    private func fail(_ parameter: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: solverValues[parameter]?.line ?? solver.line,
                    field: "solver.\(solver.name).\(parameter)", message)
    }
}
