import Communication
import Datasets
import Physics
import Solvers
import Tensor

/// `tomography_3d`: 3-D CT (cone-beam or parallel) of the walnut when its files are in the data
/// folder, else a synthetic Shepp–Logan-type volume on a walnut-like orbit; views split into
/// operators.
public struct Tomography3DRun: DatasetRun {
    static let numOperators = ParameterSpec(SharedParameterName.numOperators, .int, .int(1), "operators, each a block of projections",
                                            bound: .positive)
    static let numProjections = ParameterSpec("num_projections", .int, .int(50),
                                              "projection views, picked by linspace(0, total − 1, n) from the full scan",
                                              bound: .positive)
    static let geometryType = ParameterSpec("geometry_type", .string, .string("conebeam"), "beam geometry",
                                            choices: Array(beams.keys).sorted())
    static let useDatasetSinogram = ParameterSpec(
        "use_dataset_sinogram", .bool, .bool(true),
        "use the dataset's sinogram (measured, or the synthetic phantom's exact line integrals) instead of A x")
    static let imgSize = ParameterSpec(
        SharedParameterName.imgSize, .intOrIntList, .int(512),
        "synthetic volume: side N (N × N × N) or [D, H, W], voxels of 50.1/H mm (the walnut's field of view); the reference fixes 512; real data keep their size",
        bound: .positive)
    static let seed = ParameterSpec(SharedParameterName.seed, .int, .int(0), "the reference's seed; no part of this dataset is random",
                                    bound: .nonNegative)
    /// The beams `geometry_type` names.
    static let beams: [String: ConeBeamGeometry.Beam] = ["conebeam": .cone, "parallel3d": .parallel]

    public static let component = ComponentSpec(
        Tomography3D.name, .dataset,
        summary: "3-D CT (cone-beam or parallel) of the walnut when its files are in the data folder, else a synthetic Shepp–Logan-type volume on a walnut-like orbit; views split into operators.",
        isBuilt: true, imageSizeParameter: imgSize.name, dimensions: 3,
        parameters: [numOperators, numProjections, geometryType, useDatasetSinogram, imgSize, seed])

    /// The scan these values describe.
    public let scan: Tomography3D
    /// The volume size as given: one side, or [D, H, W].
    let sizes: [Int]

    public init(_ parameters: ParameterSet) throws {
        sizes = try parameters.intList(Self.imgSize)
        guard let beam = Self.beams[try parameters.string(Self.geometryType)] else {
            throw RunModelError.parameter(Self.geometryType.name, Self.geometryType.expectation, parameters.value(Self.geometryType))
        }
        scan = try Tomography3D(imgSize: sizes, numOperators: parameters.int(Self.numOperators),
                                numProjections: parameters.int(Self.numProjections), geometryType: beam,
                                useDatasetSinogram: parameters.bool(Self.useDatasetSinogram))
    }

    /// "512³", or "40×272×272" for per-axis sizes.
    public var sizeLabel: String { sizes.count == 1 ? "\(sizes[0])³" : RunSpec.sizes(sizes) }
    public var operatorCount: Int { scan.numOperators }
    /// The volume and detector of the scan (the walnut's files when present, read for their sizes).
    public var workload: Workload {
        get throws {
            let geometry = try scan.geometry(), volume = geometry.volume
            return Workload(imageShape: [1, volume.depth, volume.height, volume.width], operators: scan.numOperators,
                            physics: .coneBeam(views: geometry.views.count, rows: geometry.detectorRows, columns: geometry.detectorColumns),
                            keepsAllMeasurements: true)
        }
    }

    /// A volume of N or [D, N, N] with 8 ≤ D ≤ N, no more views than the full scan, no more
    /// operators than views, and a synthetic volume that fits in memory.
    public static func check(_ point: DatasetPoint) throws {
        let sizes = point.value(imgSize).intList ?? [], projections = point.int(numProjections), operators = point.int(numOperators)
        let shape = sizes.count == 1 ? Array(repeating: sizes[0], count: 3) : sizes
        guard shape.count == 3, shape[1] == shape[2], shape.allSatisfy({ $0 >= 8 }), shape[0] <= shape[1] else {
            throw point.fail(imgSize, "expected N or [D, N, N] with 8 ≤ D ≤ N, got \(point.value(imgSize))")
        }
        guard projections <= Tomography3D.fullScanViews else {
            throw point.fail(numProjections, "expected at most \(Tomography3D.fullScanViews) (the views of the full scan), got \(projections)")
        }
        guard operators <= projections else {
            throw point.fail(numOperators, "\(operators) operators need at least \(operators) projections, got num_projections \(projections); expected num_operators ≤ num_projections")
        }
        let scan = try Tomography3D(imgSize: shape, numOperators: operators, numProjections: projections)
        guard scan.walnut == nil else { return }  // the real data's size does not depend on imgSize
        do {
            try scan.requireSyntheticMemory(budget: point.memory)
        } catch let error as MemoryLimitError {
            throw point.fail(imgSize, "\(error); expected a smaller img_size")
        }
    }

    public func makeData(communicator: any Communicator, distributePhysics: Bool) throws -> RunData {
        let problem = try scan.makeProblem()
        var data = try distributePhysics ? Self.distributed(problem, communicator: communicator) : .whole(problem)
        data.source = scan.source
        return data
    }

    /// This rank's operators only (every rank reads or simulates the whole scan once and keeps
    /// its blocks).
    private static func distributed(_ problem: Problem, communicator: any Communicator) throws -> RunData {
        guard let cones = problem.coneBeamOperators else { throw RunModelError.notBuilt("distributed physics for \(problem.name)") }
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
                           try DistributedStart.feldkamp(operators: mine.map { cones[$0] }, measurements: measurements,
                                                         totalViews: totalViews, shape: problem.groundTruth.shape,
                                                         communicator: communicator)
                       },
                       operatorDescription: RunData.description(mine, of: count, rank: communicator.rank),
                       writePreview: { try RunData.preview(of: problem, to: $0) })
    }
}
