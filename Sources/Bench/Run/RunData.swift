import Datasets
import Distributed
import Physics
import Solvers
import Tensor

/// What a run's dataset gives one rank: the ground truth, the data fidelity (this rank's operators
/// only with `distribute_physics` on several processes), the FBP/FDK start and the preview.
struct RunData {
    let groundTruth: Tensor
    let valueRange: ClosedRange<Float>
    let fidelity: any DataFidelity
    /// The filtered back-projection (FDK for 3-D scans) of all the data: an all-reduce of partial
    /// ones when the operators are distributed.
    let filteredBackProjection: () throws -> Tensor
    /// Which operators this rank holds, e.g. "operators 1, 3 of 4" (all of them without distribution).
    let operatorDescription: String
    /// Writes the dataset preview as a PNG at the path.
    let writePreview: (String) throws -> Void
    /// Where the data come from, in words (real files or a synthetic phantom).
    var source = "synthetic modified Shepp–Logan phantom"

    /// The data of `spec`'s dataset on `communicator`'s rank.
    init(spec: RunSpec, communicator: any Communicator) throws {
        let values = RunParameters(spec.datasetParameters)
        let distribute = spec.solverParameters["distribute_physics"]?.boolValue == true && communicator.size > 1
        switch spec.dataset {
        case Tomography2D.name:
            let dataset = try Tomography2D(imgSize: values.int("img_size"), numOperators: values.int("num_operators"),
                                           numAngles: values.int("num_angles"), noiseLevel: values.double("noise_level") ?? 0,
                                           circle: values.bool("circle") ?? true, seed: UInt64(max(0, try values.int("seed"))))
            self = try distribute ? .distributed(dataset, communicator: communicator) : .whole(try dataset.makeProblem())
        case Tomography3D.name:
            let geometry = try values.string("geometry_type")
            guard let beam = ["conebeam": ConeBeamGeometry.Beam.cone, "parallel3d": .parallel][geometry] else {
                throw RunError.parameter("geometry_type", "conebeam or parallel3d", .string(geometry))
            }
            guard let size = values.values["img_size"]?.intList else {
                throw RunError.parameter("img_size", "an integer or [D, H, W]", values.values["img_size"])
            }
            let dataset = try Tomography3D(imgSize: size, numOperators: values.int("num_operators"),
                                           numProjections: values.int("num_projections"), geometryType: beam,
                                           useDatasetSinogram: values.bool("use_dataset_sinogram") ?? true)
            let problem = try dataset.makeProblem()
            self = try distribute ? .distributed(problem, communicator: communicator) : .whole(problem)
            source = dataset.source
        default:
            throw RunError.notBuilt("dataset \(spec.dataset)")
        }
    }

    private init(groundTruth: Tensor, valueRange: ClosedRange<Float>, fidelity: any DataFidelity,
                 filteredBackProjection: @escaping () throws -> Tensor, operatorDescription: String,
                 writePreview: @escaping (String) throws -> Void) {
        (self.groundTruth, self.valueRange, self.fidelity) = (groundTruth, valueRange, fidelity)
        (self.filteredBackProjection, self.operatorDescription, self.writePreview) =
            (filteredBackProjection, operatorDescription, writePreview)
    }

    /// Every operator on this rank.
    private static func whole(_ problem: Problem) throws -> RunData {
        RunData(groundTruth: problem.groundTruth, valueRange: problem.valueRange,
                fidelity: try LeastSquaresFidelity(operators: problem.operators, measurements: problem.measurements,
                                                   imageShape: problem.groundTruth.shape),
                filteredBackProjection: { try problem.filteredBackProjection() },
                operatorDescription: "all \(problem.operators.operators.count) operators on every process",
                writePreview: { try preview(of: problem, to: $0) })
    }

    /// The 2-D scan's operators of this rank only, their measurements simulated here alone.
    private static func distributed(_ dataset: Tomography2D, communicator: any Communicator) throws -> RunData {
        let mine = DistributedLeastSquaresFidelity.operators(count: dataset.numOperators, rank: communicator.rank, size: communicator.size)
        let truth = try dataset.groundTruth()
        let measurements = try mine.map { try dataset.measurement(operator: $0, groundTruth: truth) }
        let local = try mine.isEmpty ? nil : LeastSquaresFidelity(
            operators: OperatorStack(mine.map { ParallelBeam2D(geometry: try dataset.geometry(operator: $0)) }),
            measurements: measurements, imageShape: truth.shape)
        return RunData(groundTruth: truth, valueRange: EllipsePhantom.modifiedSheppLogan.valueRange,
                       fidelity: try DistributedLeastSquaresFidelity(local: local, imageShape: truth.shape, communicator: communicator),
                       filteredBackProjection: {
                           var sum = try dataset.filteredBackProjection(operators: mine, measurements: measurements)
                           try communicator.allReduce(&sum, .sum)
                           return sum
                       },
                       operatorDescription: description(mine, of: dataset.numOperators, rank: communicator.rank),
                       writePreview: { try preview(of: dataset.makeProblem(), to: $0) })
    }

    /// The 3-D scan's operators of this rank only (every rank reads or simulates the whole scan
    /// once and keeps its blocks).
    private static func distributed(_ problem: Problem, communicator: any Communicator) throws -> RunData {
        guard let cones = problem.coneBeamOperators else { throw RunError.notBuilt("distributed physics for \(problem.name)") }
        let count = cones.count
        let mine = DistributedLeastSquaresFidelity.operators(count: count, rank: communicator.rank, size: communicator.size)
        let measurements = mine.map { problem.measurements[$0] }
        let local = try mine.isEmpty ? nil : LeastSquaresFidelity(
            operators: OperatorStack(mine.map { cones[$0] }), measurements: measurements, imageShape: problem.groundTruth.shape)
        let totalViews = cones.reduce(0) { $0 + $1.geometry.views.count }
        return RunData(groundTruth: problem.groundTruth, valueRange: problem.valueRange,
                       fidelity: try DistributedLeastSquaresFidelity(local: local, imageShape: problem.groundTruth.shape,
                                                                     communicator: communicator),
                       filteredBackProjection: {
                           var sum = mine.isEmpty ? Tensor(shape: problem.groundTruth.shape)
                               : try ConeBeamStart.feldkamp(operators: mine.map { cones[$0] }, measurements: measurements,
                                                            totalViews: totalViews)
                           try communicator.allReduce(&sum, .sum)
                           return sum
                       },
                       operatorDescription: description(mine, of: count, rank: communicator.rank),
                       writePreview: { try preview(of: problem, to: $0) })
    }

    private static func description(_ mine: [Int], of count: Int, rank: Int) -> String {
        mine.isEmpty ? "no operator of \(count) on rank \(rank)"
            : "operators \(mine.map(String.init).joined(separator: ", ")) of \(count) on rank \(rank)"
    }

    /// 2-D: the ground truth beside the sinogram of all operators; 3-D: the volume's middle slices
    /// beside the first view.
    static func preview(of problem: Problem, to path: String) throws {
        if problem.groundTruth.rank == 5 {
            return try VolumePreview.write(volume: problem.groundTruth, range: problem.valueRange,
                                           projection: problem.measurements[0], to: path)
        }
        try Preview.writeSideBySide(image: problem.groundTruth, imageRange: problem.valueRange,
                                    sinogram: Tensor.concatenate(problem.measurements, axis: 2), to: path)
    }
}

/// Typed reads of a run's parameters, with `RunError`s naming the parameter.
struct RunParameters {
    let values: [String: ParameterValue]

    init(_ values: [String: ParameterValue]) { self.values = values }

    func int(_ name: String) throws -> Int {
        guard let value = values[name]?.intValue else { throw RunError.parameter(name, "an integer", values[name]) }
        return value
    }

    /// nil when absent or null.
    func double(_ name: String) throws -> Double? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let number = value.doubleValue else { throw RunError.parameter(name, "a number", value) }
        return number
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name]?.stringValue else { throw RunError.parameter(name, "a string", values[name]) }
        return value
    }

    func bool(_ name: String) -> Bool? { values[name]?.boolValue }
}
