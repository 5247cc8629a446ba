import Datasets
import Denoisers
import Distributed
import Physics
import Solvers
import Tensor

/// Builds what a PnP run needs from its RunSpec, on one rank of `communicator`: the ground truth,
/// the data fidelity (this rank's operators only with `distribute_physics` on several processes),
/// the FBP start, the denoiser (tiled with `distribute_denoiser`, its tiles spread over the
/// processes) and the solver settings.
struct RunProblem {
    let groundTruth: Tensor
    let valueRange: ClosedRange<Float>
    let fidelity: any DataFidelity
    /// The filtered back-projection of all the data (an all-reduce of partial ones when the
    /// operators are distributed).
    let filteredBackProjection: () throws -> Tensor
    let denoiser: any Denoiser
    /// A sentence saying which denoiser runs (weights, tiling).
    let denoiserDescription: String
    /// Which operators this rank holds, e.g. "operators 1, 3 of 4" (all of them without distribution).
    let operatorDescription: String
    /// Writes the dataset preview (ground truth beside the whole sinogram) as a PNG at the path.
    let writePreview: (String) throws -> Void
    let settings: PnPSettings
    let initialisation: PnPInitialisation

    init(spec: RunSpec, communicator: any Communicator = LocalCommunicator()) throws {
        let data = spec.datasetParameters, solver = spec.solverParameters
        func int(_ values: [String: ParameterValue], _ name: String) throws -> Int {
            guard let value = values[name]?.intValue else { throw RunError.parameter(name, "an integer", values[name]) }
            return value
        }
        func double(_ values: [String: ParameterValue], _ name: String) throws -> Double? {
            guard let value = values[name], !value.isNull else { return nil }
            guard let number = value.doubleValue else { throw RunError.parameter(name, "a number", value) }
            return number
        }
        func string(_ values: [String: ParameterValue], _ name: String) throws -> String {
            guard let value = values[name]?.stringValue else { throw RunError.parameter(name, "a string", values[name]) }
            return value
        }
        guard spec.dataset == Tomography2D.name else { throw RunError.notBuilt("dataset \(spec.dataset)") }
        let device = try string(solver, "device")
        guard device == "cpu" else { throw RunError.notBuilt("device \(device) (the GPU backend)") }
        let dataset = try Tomography2D(imgSize: int(data, "img_size"), numOperators: int(data, "num_operators"),
                                       numAngles: int(data, "num_angles"), noiseLevel: double(data, "noise_level") ?? 0,
                                       circle: data["circle"]?.boolValue ?? true, seed: UInt64(max(0, try int(data, "seed"))))
        let processes = communicator.size
        if solver["distribute_physics"]?.boolValue == true && processes > 1 {
            let mine = DistributedLeastSquaresFidelity.operators(count: dataset.numOperators, rank: communicator.rank, size: processes)
            let truth = try dataset.groundTruth()
            let measurements = try mine.map { try dataset.measurement(operator: $0, groundTruth: truth) }
            let local = try mine.isEmpty ? nil : LeastSquaresFidelity(
                operators: OperatorStack(mine.map { ParallelBeam2D(geometry: try dataset.geometry(operator: $0)) }),
                measurements: measurements, imageShape: truth.shape)
            groundTruth = truth
            fidelity = try DistributedLeastSquaresFidelity(local: local, imageShape: truth.shape, communicator: communicator)
            filteredBackProjection = {
                var sum = try dataset.filteredBackProjection(operators: mine, measurements: measurements)
                try communicator.allReduce(&sum, .sum)
                return sum
            }
            writePreview = { path in try Self.preview(of: dataset.makeProblem(), to: path) }
            operatorDescription = mine.isEmpty ? "no operator of \(dataset.numOperators) on rank \(communicator.rank)"
                : "operators \(mine.map(String.init).joined(separator: ", ")) of \(dataset.numOperators) on rank \(communicator.rank)"
        } else {
            let problem = try dataset.makeProblem()
            groundTruth = problem.groundTruth
            fidelity = try LeastSquaresFidelity(operators: problem.operators, measurements: problem.measurements,
                                                imageShape: problem.groundTruth.shape)
            filteredBackProjection = { try problem.filteredBackProjection() }
            operatorDescription = "all \(dataset.numOperators) operators on every process"
            writePreview = { path in try Self.preview(of: problem, to: path) }
        }
        valueRange = EllipsePhantom.modifiedSheppLogan.valueRange
        let method = try string(solver, "init_method")
        guard let start = PnPInitialisation(rawValue: method) else {
            throw RunError.parameter("init_method", "zeros, pseudo_inverse or fbp", solver["init_method"])
        }
        initialisation = start
        settings = PnPSettings(denoiserSigma: Float(try double(solver, "denoiser_sigma") ?? 0.05),
                               stepSize: try double(solver, "step_size"), stepSizeScale: try double(solver, "step_size_scale") ?? 0.99,
                               relaxation: try double(solver, "denoiser_lambda_relaxation"), valueRange: valueRange)
        var base: any Denoiser, description: String
        switch try string(solver, "denoiser") {
        case "tv":
            let iterations = try int(solver, "tv_iterations")
            base = try TotalVariationDenoiser(iterations: iterations)
            description = "TV proximal denoiser, \(iterations) dual iterations"
        case "drunet":
            let choice = try DenoiserCatalog.resolve(runWeights: string(solver, "denoiser_weights"), channels: 1)
            (base, description) = (choice.model, choice.source)
        case let other:
            throw RunError.parameter("denoiser", "drunet or tv", .string(other))
        }
        let patch = solver["patch_size"]?.intList ?? [0], overlap = solver["overlap"]?.intList ?? [0]
        if solver["distribute_denoiser"]?.boolValue == true, patch.allSatisfy({ $0 > 0 }) {
            let batch = try int(solver, "max_batch_size")
            description += ", tiles \(patch.map(String.init).joined(separator: "×")) overlap \(overlap.map(String.init).joined(separator: "×")) batch \(batch)"
            if processes > 1 {
                let gatherName = try string(solver, "tile_gather")
                guard let gather = TileGather(rawValue: gatherName) else {
                    throw RunError.parameter("tile_gather", "crops or all_reduce", solver["tile_gather"])
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
    }
}

extension RunProblem {
    /// The ground truth beside the sinogram of all operators, as `Preview` draws them.
    static func preview(of problem: Problem, to path: String) throws {
        try Preview.writeSideBySide(image: problem.groundTruth, imageRange: problem.valueRange,
                                    sinogram: Tensor.concatenate(problem.measurements, axis: 2), to: path)
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
