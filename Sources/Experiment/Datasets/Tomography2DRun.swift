import Communication
import Datasets
import Physics
import Solvers
import Tensor

/// `tomography_2d`: the modified Shepp–Logan phantom, 2-D parallel-beam CT split into operators
/// (contiguous angle blocks), Gaussian noise on the sinogram; the reference's dataset.
public struct Tomography2DRun: DatasetRun {
    static let imgSize = ParameterSpec(SharedParameterName.imgSize, .int, .int(512), "image side N in pixels (N × N)", bound: .positive)
    static let numOperators = ParameterSpec(SharedParameterName.numOperators, .int, .int(1), "operators, each a contiguous block of angles",
                                            bound: .positive)
    static let numAngles = ParameterSpec("num_angles", .int, .int(100), "projection angles, uniform in [0°, 180°)", bound: .positive)
    static let noiseLevel = ParameterSpec(SharedParameterName.noiseLevel, .float, .double(0.01),
                                          "standard deviation of the Gaussian noise on the sinogram", bound: .nonNegative)
    static let seed = ParameterSpec(SharedParameterName.seed, .int, .int(42), "seed of the noise generator (the reference's 42)", bound: .nonNegative)
    static let circle = ParameterSpec("circle", .bool, .bool(true),
                                      "detector covers the inscribed circle only (else ceil(√2·N) cells)")

    public static let component = ComponentSpec(
        Tomography2D.name, .dataset,
        summary: "Modified Shepp–Logan phantom, 2-D parallel-beam CT split into operators, Gaussian noise.",
        isBuilt: true, imageSizeParameter: imgSize.name, dimensions: 2,
        parameters: [imgSize, numOperators, numAngles, noiseLevel, seed, circle])

    /// The scan these values describe.
    public let scan: Tomography2D

    public init(_ parameters: ParameterSet) throws {
        scan = try Tomography2D(imgSize: parameters.int(Self.imgSize), numOperators: parameters.int(Self.numOperators),
                                numAngles: parameters.int(Self.numAngles), noiseLevel: parameters.double(Self.noiseLevel),
                                circle: parameters.bool(Self.circle), seed: UInt64(max(0, try parameters.int(Self.seed))))
    }

    public var sizeLabel: String { "\(scan.imgSize)²" }
    public var operatorCount: Int { scan.numOperators }
    public var workload: Workload {
        Workload(imageShape: [1, scan.imgSize, scan.imgSize], operators: scan.numOperators,
                 physics: .parallelBeam(angles: scan.numAngles, detectors: scan.geometry.detectorCount))
    }

    /// An image side the SSIM window supports, no more operators than angles, and a scan that
    /// fits in memory.
    public static func check(_ point: DatasetPoint) throws {
        let side = point.int(imgSize), angles = point.int(numAngles), operators = point.int(numOperators)
        guard side >= DatasetChecks.minimumImageSide else {
            throw point.fail(imgSize, "expected an image side ≥ \(DatasetChecks.minimumImageSide) (the SSIM window needs it), got \(side)")
        }
        guard operators <= angles else {
            throw point.fail(numOperators, "\(operators) operators need at least \(operators) angles, got num_angles \(angles); expected num_operators ≤ num_angles")
        }
        let scan = try Tomography2D(imgSize: side, numOperators: operators, numAngles: angles,
                                    circle: point.value(circle) != .bool(false))
        do {
            try scan.requireMemory(budget: point.memory)
        } catch let error as MemoryLimitError {
            let images = MemoryBudget.product(side, side) ?? .max, sinogram = MemoryBudget.product(angles, side) ?? .max
            throw point.fail(images >= sinogram ? imgSize : numAngles, "\(error); expected a smaller img_size or num_angles")
        }
    }

    public func makeData(communicator: any Communicator, distributePhysics: Bool) throws -> RunData {
        guard distributePhysics else {
            // The FBP as the sum of the operators' parts, as the distributed start computes it.
            let problem = try scan.makeProblem(), scan = self.scan
            return try .whole(problem) {
                try scan.filteredBackProjection(operators: Array(0..<scan.numOperators), measurements: problem.measurements).rounded
            }
        }
        // This rank's operators only, their measurements simulated here alone.
        let scan = self.scan
        let mine = DistributedLeastSquaresFidelity.operators(count: scan.numOperators, rank: communicator.rank, size: communicator.size)
        let truth = try scan.groundTruth()
        let measurements = try mine.map { try scan.measurement(operator: $0, groundTruth: truth) }
        let local = try mine.isEmpty ? nil : LeastSquaresFidelity(
            operators: OperatorStack(mine.map { ParallelBeam2D(geometry: try scan.geometry(operator: $0)) }),
            measurements: measurements, imageShape: truth.shape)
        return RunData(groundTruth: truth, valueRange: EllipsePhantom.modifiedSheppLogan.valueRange,
                       fidelity: try DistributedLeastSquaresFidelity(local: local, imageShape: truth.shape, communicator: communicator),
                       filteredBackProjection: {
                           try DistributedStart.filteredBackProjection(scan, operators: mine, measurements: measurements,
                                                                       communicator: communicator)
                       },
                       operatorDescription: RunData.description(mine, of: scan.numOperators, rank: communicator.rank),
                       writePreview: { try RunData.preview(of: scan.makeProblem(), to: $0) })
    }
}
