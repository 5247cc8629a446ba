import Communication
import Datasets
import Figures
import Physics
import Solvers
import Tensor

/// `highres_color_image`: a colour photograph (or, without it, a synthetic scene) resized to
/// `image_size`, blurred by anisotropic Gaussian kernels with periodic boundaries, noisy and
/// clamped to [0, 1]; the reference's deblurring dataset.
public struct HighresColorImageRun: DatasetRun {
    static let imageSize = ParameterSpec("image_size", .int, .int(2048), "longest image side S in pixels (the photograph resized, bicubic)",
                                         bound: .positive)
    static let numOperators = ParameterSpec(SharedParameterName.numOperators, .int, .int(1),
                                            "blurs, anisotropic Gaussians at angles linspace(0, 180, n)", bound: .positive)
    static let noiseLevel = ParameterSpec(SharedParameterName.noiseLevel, .float, .double(0.1), "standard deviation of the Gaussian noise",
                                          bound: .nonNegative)
    static let seed = ParameterSpec(SharedParameterName.seed, .int, .int(42), "seed of the noise generator (the reference's 42)",
                                    bound: .nonNegative)

    public static let component = ComponentSpec(
        HighresColorImage.name, .dataset,
        summary: "Colour photograph resized to image_size, blurred by anisotropic Gaussian kernels, noisy.",
        isBuilt: true, imageSizeParameter: imageSize.name, dimensions: 2,
        parameters: [imageSize, numOperators, noiseLevel, seed])

    /// The scan these values describe.
    public let dataset: HighresColorImage

    public init(_ parameters: ParameterSet) throws {
        dataset = try HighresColorImage(imageSize: parameters.int(Self.imageSize), numOperators: parameters.int(Self.numOperators),
                                        noiseLevel: parameters.double(Self.noiseLevel),
                                        seed: UInt64(max(0, try parameters.int(Self.seed))))
    }

    /// "2048 px": the longest side.
    public var sizeLabel: String { "\(dataset.imageSize) px" }
    public var operatorCount: Int { dataset.numOperators }
    public var workload: Workload {
        Workload(imageShape: Array(dataset.nominalShape.dropFirst()), operators: dataset.numOperators, physics: .blur)
    }

    /// A shorter side the SSIM window supports, and blurs that fit in memory.
    public static func check(_ point: DatasetPoint) throws {
        let side = point.int(imageSize)
        let dataset = try HighresColorImage(imageSize: max(side, 8), numOperators: point.int(numOperators), dataDirectory: nil)
        guard side >= 8, dataset.nominalShape[2] >= DatasetChecks.minimumImageSide else {
            throw point.fail(imageSize, "expected a longest side ≥ 9, so that the shorter side (2/3 of it) holds the SSIM window of \(DatasetChecks.minimumImageSide), got \(side)")
        }
        do {
            try dataset.requireMemory(budget: point.memory)
        } catch let error as MemoryLimitError {
            throw point.fail(imageSize, "\(error); expected a smaller image_size or num_operators")
        }
    }

    /// [H, W] of the resized 481×321 source: the longest side is `image_size`.
    public static func imageSides(sizeValues: [Int], dimensions: Int) -> [Int] {
        guard let side = sizeValues.first, side > 0 else { return sizeValues }
        let size = BicubicResize.size(height: SyntheticColourScene.height, width: SyntheticColourScene.width, longestSide: side)
        return [size.height, size.width]
    }

    /// The ground truth and the whole `CircularBlurStack`. With `distributePhysics` each rank
    /// simulates only its own blurs' measurements and folds them into spectral sums, which one
    /// all-reduce adds: every rank then holds the stack one process builds, and the iterations
    /// need no collective for the physics.
    public func makeData(communicator: any Communicator, distributePhysics: Bool) throws -> RunData {
        let dataset = self.dataset, count = dataset.numOperators
        let mine = distributePhysics
            ? DistributedLeastSquaresFidelity.operators(count: count, rank: communicator.rank, size: communicator.size) : Array(0..<count)
        try dataset.requireMemory(operators: mine.count)
        let truth = try dataset.groundTruth()
        let (height, width) = (truth.shape[2], truth.shape[3])
        var sums = try dataset.spectralSums(operators: mine, groundTruth: truth)
        if distributePhysics { try communicator.allReduce(&sums.values, .sum) }
        let fidelity = try CircularBlurStack(sums: sums, count: count)
        var data = RunData(
            groundTruth: truth, valueRange: 0...1, fidelity: fidelity,
            filteredBackProjection: {
                throw DatasetError("init_method fbp: \(HighresColorImage.name) is a deblurring problem without a filtered back-projection; expected zeros or pseudo_inverse")
            },
            operatorDescription: distributePhysics
                ? RunData.description(mine, of: count, rank: communicator.rank) + ", their spectra summed over the ranks"
                : "all \(count) blurs on every process",
            writePreview: { path in
                let first = try dataset.measurement(operator: 0, blur: dataset.blur(operator: 0, height: height, width: width),
                                                    groundTruth: truth)
                try Preview.writeColour(image: truth, measurement: first, caption: "blur 1 of \(count), noise \(dataset.noiseLevel)",
                                        to: path)
            })
        data.source = dataset.source
        return data
    }
}
