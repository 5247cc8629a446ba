import Datasets
import Denoisers
import Distributed
import Physics
import Solvers
import Tensor

/// Builds what a PnP run needs from its RunSpec, on one rank of `communicator`: the dataset's part
/// (`RunData`: ground truth, data fidelity, FBP/FDK start, preview), the denoiser (tiled with
/// `distribute_denoiser`, its tiles spread over the processes) and the solver settings.
struct RunProblem {
    /// The dataset's part on this rank.
    let data: RunData
    let denoiser: any Denoiser
    /// A sentence saying which denoiser runs (weights, tiling).
    let denoiserDescription: String
    /// Windows per denoiser call over all ranks, when the denoiser is tiled.
    let tileWindows: Int?
    let settings: PnPSettings
    let initialisation: PnPInitialisation

    init(spec: RunSpec, communicator: any Communicator = LocalCommunicator()) throws {
        let solver = RunParameters(spec.solverParameters)
        let device = try solver.string("device")
        guard device == "cpu" else { throw RunError.notBuilt("device \(device) (the GPU backend)") }
        data = try RunData(spec: spec, communicator: communicator)
        let processes = communicator.size
        let method = try solver.string("init_method")
        guard let start = PnPInitialisation(rawValue: method) else {
            throw RunError.parameter("init_method", "zeros, pseudo_inverse or fbp", solver.values["init_method"])
        }
        initialisation = start
        settings = PnPSettings(denoiserSigma: Float(try solver.double("denoiser_sigma") ?? 0.05),
                               stepSize: try solver.double("step_size"), stepSizeScale: try solver.double("step_size_scale") ?? 0.99,
                               relaxation: try solver.double("denoiser_lambda_relaxation"), valueRange: data.valueRange)
        var base: any Denoiser, description: String
        switch try solver.string("denoiser") {
        case "tv":
            let iterations = try solver.int("tv_iterations")
            base = try TotalVariationDenoiser(iterations: iterations)
            description = "TV proximal denoiser, \(iterations) dual iterations"
        case "drunet" where data.groundTruth.rank == 5:
            (base, description) = try DenoiserCatalog.resolveVolume(runWeights: solver.string("denoiser_weights"), channels: 1)
        case "drunet":
            let choice = try DenoiserCatalog.resolve(runWeights: solver.string("denoiser_weights"), channels: 1)
            (base, description) = (choice.model, choice.source)
        case let other:
            throw RunError.parameter("denoiser", "drunet or tv", .string(other))
        }
        let patch = solver.values["patch_size"]?.intList ?? [0], overlap = solver.values["overlap"]?.intList ?? [0]
        var windows: Int?
        if solver.values["distribute_denoiser"]?.boolValue == true, patch.allSatisfy({ $0 > 0 }) {
            let batch = try solver.int("max_batch_size")
            windows = try Tiling(shape: data.groundTruth.shape, patchSize: patch, overlap: overlap).patches.count
            description += ", tiles \(patch.map(String.init).joined(separator: "×")) overlap \(overlap.map(String.init).joined(separator: "×")) batch \(batch)"
            if processes > 1 {
                let gatherName = try solver.string("tile_gather")
                guard let gather = TileGather(rawValue: gatherName) else {
                    throw RunError.parameter("tile_gather", "crops or all_reduce", solver.values["tile_gather"])
                }
                base = DistributedTiledDenoiser(inner: base, patchSize: patch, overlap: overlap, maxBatchSize: batch,
                                                communicator: communicator, gather: gather)
                description += ", tiles spread over \(processes) processes (\(gatherName))"
            } else {
                base = TiledDenoiser(inner: base, patchSize: patch, overlap: overlap, maxBatchSize: batch)
            }
        }
        denoiser = base
        denoiserDescription = description
        tileWindows = windows
    }
}

/// Why a run cannot start.
enum RunError: Error, CustomStringConvertible {
    case parameter(String, String, ParameterValue?)
    case notBuilt(String)

    var description: String {
        switch self {
        case let .parameter(name, expected, found): "parameter \(name): expected \(expected), got \(found.map { "\($0)" } ?? "nothing")"
        case let .notBuilt(what): "\(what) is not built yet"
        }
    }
}
