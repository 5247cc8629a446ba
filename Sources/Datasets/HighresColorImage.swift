import FoundationEssentials
import Formats
import Physics
import Tensor

/// The reference's `highres_color_image` scan: a colour photograph resized so that its longest
/// side is `imageSize` (PyTorch's bicubic, `BicubicResize`), blurred by `numOperators`
/// anisotropic Gaussian kernels at angles `linspace(0, 180, n)` with σ = (0.01·S, 0.005·S)
/// (`GaussianBlurKernel`), each with periodic boundaries (`CircularBlur`), then Gaussian noise of
/// `noiseLevel`, and clamped to [0, 1].
///
/// The photograph is `CBSD_0010.png` (colour BSD68, 481×321) from the data folder when it is
/// there, else `SyntheticColourScene`. The noise is counter-based, as in tomography: operator k
/// uses stream k of `GaussianNoise(seed)`, so it cannot equal PyTorch's generator but does not
/// depend on which process builds which operator.
public struct HighresColorImage: Sendable {
    public static let name = "highres_color_image"
    /// The photograph's file name in the data folder.
    public static let photographFile = "CBSD_0010.png"

    public let imageSize: Int
    public let numOperators: Int
    public let noiseLevel: Double
    public let seed: UInt64
    /// The data folder looked in for the photograph (nil: none).
    public let dataDirectory: String?

    /// The scan; `dataDirectory` defaults to `--data-dir` / `$INVSCALE_DATA`.
    public init(imageSize: Int = 2048, numOperators: Int = 1, noiseLevel: Double = 0.1, seed: UInt64 = 42,
                dataDirectory: String? = DataFolder.resolve(nil)) throws {
        guard imageSize >= 8 else { throw DatasetError("image_size: expected at least 8, got \(imageSize)") }
        guard numOperators > 0 else { throw DatasetError("num_operators: expected at least 1, got \(numOperators)") }
        guard noiseLevel >= 0, noiseLevel.isFinite else { throw DatasetError("noise_level: expected a finite number ≥ 0, got \(noiseLevel)") }
        (self.imageSize, self.numOperators, self.noiseLevel, self.seed, self.dataDirectory) =
            (imageSize, numOperators, noiseLevel, seed, dataDirectory)
    }

    /// The shape of the ground truth, `[1, 3, H, W]`, for a source of the photograph's 321×481
    /// (the synthetic scene has the same shape).
    public var nominalShape: [Int] {
        let size = BicubicResize.size(height: SyntheticColourScene.height, width: SyntheticColourScene.width, longestSide: imageSize)
        return [1, 3, size.height, size.width]
    }

    /// Refuses a problem of `operators` blurs (default all) that would not fit in `budget`.
    public func requireMemory(operators: Int? = nil, budget: MemoryBudget? = nil) throws {
        let shape = nominalShape
        try (budget ?? MemoryBudget.current()).require(
            bytes: ScanMemory.circularBlurs(height: shape[2], width: shape[3], channels: 3, operators: operators ?? numOperators),
            for: "\(Self.name) image_size \(imageSize), num_operators \(numOperators)")
    }

    /// Where the photograph comes from and where it goes; nothing is downloaded.
    public static let instructions = """
        The photograph of highres_color_image: \(photographFile), image 10 of the colour BSD68 test set
        (481×321 RGB; Berkeley Segmentation Dataset, research use only under the BSDS terms, so InvScale
        neither ships nor downloads it). DeepInverse's image collection distributes it:
          https://huggingface.co/datasets/deepinv/images/resolve/main/\(photographFile)?download=true
        Put it at DIR/\(photographFile) and pass --data-dir DIR or set \(DataFolder.environmentVariable)=DIR.
        Without it the dataset uses a built-in synthetic colour scene of the same 481×321 shape; run.json
        (data_source) says which one a run used.
        """

    /// The photograph's path when the data folder holds it.
    public var photograph: String? {
        dataDirectory.map { $0 + "/" + Self.photographFile }.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
    }

    /// Where the image comes from, in words.
    public var source: String {
        photograph.map { "photograph \($0)" } ?? "synthetic colour scene (\(Self.photographFile) not in the data folder)"
    }

    /// The source image `[1, 3, h, w]` in [0, 1].
    public func sourceImage() throws -> Tensor {
        guard let photograph else { return SyntheticColourScene.image() }
        let image = try PNG.read(path: photograph)
        guard image.shape.count == 4, image.shape[1] == 3 else {
            throw DatasetError("\(photograph): expected an RGB image, got shape \(image.shape)")
        }
        return image
    }

    /// The ground truth: the source resized to a longest side of `imageSize` (not clamped).
    public func groundTruth() throws -> Tensor {
        let image = try sourceImage()
        let size = BicubicResize.size(height: image.shape[2], width: image.shape[3], longestSide: imageSize)
        return try BicubicResize.resize(image, height: size.height, width: size.width)
    }

    /// The kernels' standard deviations (σ₀, σ₁), from S, not from the actual sides.
    public var sigma: (Double, Double) { (0.01 * Double(imageSize), 0.005 * Double(imageSize)) }

    /// The kernels' angles in degrees: `linspace(0, 180, n)`, both ends included.
    public var anglesDegrees: [Double] {
        numOperators == 1 ? [0] : (0..<numOperators).map { 180 * Double($0) / Double(numOperators - 1) }
    }

    /// Operator k's kernel.
    public func kernel(operator k: Int) throws -> Tensor {
        guard (0..<numOperators).contains(k) else { throw DatasetError("operator index: expected 0..<\(numOperators), got \(k)") }
        return try GaussianBlurKernel.kernel(sigma: sigma, angleDegrees: anglesDegrees[k])
    }

    /// Operator k's blur on images of `groundTruth`'s size.
    public func blur(operator k: Int, height: Int, width: Int) throws -> CircularBlur {
        try CircularBlur(kernel: kernel(operator: k), height: height, width: width)
    }

    /// Operator k's measurement of `truth`: `clamp(A_k x + σ·n_k, 0, 1)`.
    public func measurement(operator k: Int, groundTruth truth: Tensor) throws -> Tensor {
        try measurement(operator: k, blur: blur(operator: k, height: truth.shape[2], width: truth.shape[3]), groundTruth: truth)
    }

    /// `clamp(blur(truth) + σ·n_k, 0, 1)` with operator k's noise.
    public func measurement(operator k: Int, blur: CircularBlur, groundTruth truth: Tensor) throws -> Tensor {
        var y = try blur.apply(truth)
        try GaussianNoise(sigma: Float(noiseLevel), seed: seed).add(to: &y, stream: UInt64(k))
        y.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = min(max(values[index], 0), 1) }
        }
        return y
    }

    /// The blurs `operators` and their measurements of `truth`, folded into one `CircularBlurStack`
    /// (the measurements are not kept).
    public func blurStack(operators: [Int], groundTruth truth: Tensor) throws -> CircularBlurStack {
        try CircularBlurStack(sums: spectralSums(operators: operators, groundTruth: truth), count: operators.count)
    }

    /// The spectral sums of the listed blurs and their measurements (zero without any): what a
    /// rank holding those blurs adds to the other ranks' sums to build the whole stack.
    public func spectralSums(operators: [Int], groundTruth truth: Tensor) throws -> SpectralSums {
        let blurs = try operators.map { try blur(operator: $0, height: truth.shape[2], width: truth.shape[3]) }
        let measurements = try zip(operators, blurs).map { try measurement(operator: $0, blur: $1, groundTruth: truth) }
        return try SpectralSums(blurs: blurs, measurements: measurements, imageShape: truth.shape)
    }

    /// The whole problem: ground truth, every blur and every measurement; values in [0, 1].
    public func makeProblem() throws -> Problem {
        try requireMemory()
        let truth = try groundTruth()
        let (height, width) = (truth.shape[2], truth.shape[3])
        let operators = try (0..<numOperators).map { try blur(operator: $0, height: height, width: width) }
        let measurements = try operators.enumerated().map { try measurement(operator: $0, blur: $1, groundTruth: truth) }
        return try Problem(name: Self.name, groundTruth: truth, operators: OperatorStack(operators), measurements: measurements,
                           valueRange: 0...1)
    }
}
