import Physics
import Tensor

/// The reference's `tomography_2d` dataset: the modified Shepp–Logan phantom (rasterised
/// analytically, anti-aliased) scanned in 2-D parallel beam over `numAngles` angles uniform in
/// [0°, 180°), split into `numOperators` contiguous angle blocks, with additive Gaussian noise.
///
/// The noise of sinogram element e (of the full sinogram `[1, 1, A, G]`, row-major) is
/// `noiseLevel · GaussianNoise(seed).standardNormal(stream: 0, element: e)`, so measurements do
/// not depend on `numOperators` nor on which process builds which operator.
public struct Tomography2D: Sendable, Equatable {
    /// The reference's dataset name.
    public static let name = "tomography_2d"

    /// Image side N (`img_size`).
    public let imgSize: Int
    /// Number of operators K (`num_operators`).
    public let numOperators: Int
    /// Number of projection angles A (`num_angles`).
    public let numAngles: Int
    /// Standard deviation of the additive noise, in sinogram units (`noise_level`).
    public let noiseLevel: Double
    /// Circle mode of the scan (see `ParallelBeamGeometry.circle`).
    public let circle: Bool
    /// Key of the noise generator.
    public let seed: UInt64

    /// The dataset with the reference's defaults; throws when a parameter is out of range.
    public init(imgSize: Int = 512, numOperators: Int = 1, numAngles: Int = 100, noiseLevel: Double = 0.01,
                circle: Bool = true, seed: UInt64 = 42) throws {
        guard imgSize > 0 else { throw DatasetError("img_size: expected a positive integer, got \(imgSize)") }
        guard numAngles > 0 else { throw DatasetError("num_angles: expected a positive integer, got \(numAngles)") }
        guard numOperators > 0 else {
            throw DatasetError("num_operators: expected a positive integer, got \(numOperators)")
        }
        guard numOperators <= numAngles else {
            throw DatasetError("num_operators: \(numOperators) operators need at least \(numOperators) angles, got \(numAngles)")
        }
        guard noiseLevel >= 0, noiseLevel.isFinite else {
            throw DatasetError("noise_level: expected a finite value ≥ 0, got \(noiseLevel)")
        }
        self.imgSize = imgSize
        self.numOperators = numOperators
        self.numAngles = numAngles
        self.noiseLevel = noiseLevel
        self.circle = circle
        self.seed = seed
    }

    /// A lower bound of the bytes `makeProblem()` holds (`ScanMemory.parallelBeam2D`), nil when
    /// the size overflows.
    public var memoryEstimate: Int? { ScanMemory.parallelBeam2D(size: imgSize, angles: numAngles, circle: circle) }

    /// Throws a `MemoryLimitError` naming the parameters when the `angles` angles of a scan (all
    /// of them by default) do not fit in `budget` (default: `MemoryBudget.current()`).
    public func requireMemory(angles: Int? = nil, budget: MemoryBudget? = nil) throws {
        let count = angles ?? numAngles
        try (budget ?? MemoryBudget.current()).require(
            bytes: ScanMemory.parallelBeam2D(size: imgSize, angles: count, circle: circle),
            for: "\(Self.name) img_size \(imgSize), num_angles \(numAngles)\(count == numAngles ? "" : " (\(count) of them here)")")
    }

    /// The full scan: all `numAngles` angles.
    public var geometry: ParallelBeamGeometry {
        // The parameters were validated by `init`, so this cannot fail.
        try! ParallelBeamGeometry(size: imgSize, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: numAngles),
                                  circle: circle)
    }

    /// Angle indices of each operator (contiguous, the first `A mod K` one longer).
    public var angleBlocks: [Range<Int>] {
        try! OperatorStack.blocks(count: numAngles, parts: numOperators)
    }

    /// The ground truth `[1, 1, N, N]`: the modified Shepp–Logan phantom, anti-aliased.
    public func groundTruth() throws -> Tensor {
        try MemoryBudget.current().require(bytes: MemoryBudget.product(imgSize, imgSize, 4),
                                           for: "\(Self.name) img_size \(imgSize) (the ground truth)")
        return try EllipsePhantom.modifiedSheppLogan.rasterize(size: imgSize)
    }

    /// Operator k's scan geometry (its block of angles).
    public func geometry(operator index: Int) throws -> ParallelBeamGeometry {
        try geometry.restricted(to: block(index))
    }

    /// `y_k = A_k x + noise` for operator `index` alone, bit-identical to the same measurement in
    /// `makeProblem()` (for a process that owns only some operators).
    public func measurement(operator index: Int, groundTruth: Tensor) throws -> Tensor {
        let range = try block(index)
        try requireMemory(angles: range.count)
        var result = try ParallelBeam2D(geometry: geometry.restricted(to: range)).apply(groundTruth)
        let noise = try GaussianNoise(sigma: Float(noiseLevel), seed: seed)
        noise.add(to: &result, stream: 0, offset: range.lowerBound * geometry.detectorCount)
        return result
    }

    /// The whole problem: ground truth, the K operators, their measurements and geometries.
    public func makeProblem() throws -> Problem {
        try requireMemory()
        let truth = try groundTruth()
        let geometries = try (0..<numOperators).map { try geometry(operator: $0) }
        return try Problem(name: Tomography2D.name, groundTruth: truth,
                           operators: OperatorStack(geometries.map { ParallelBeam2D(geometry: $0) }),
                           measurements: (0..<numOperators).map { try measurement(operator: $0, groundTruth: truth) },
                           valueRange: EllipsePhantom.modifiedSheppLogan.valueRange, geometries: geometries)
    }

    private func block(_ index: Int) throws -> Range<Int> {
        guard (0..<numOperators).contains(index) else {
            throw DatasetError("operator index: expected 0..<\(numOperators), got \(index)")
        }
        return angleBlocks[index]
    }
}
