/// `highres_color_image`: a colour photograph resized to `image_size`, blurred by anisotropic
/// Gaussian kernels, noisy. Declared so that experiment files naming it are checked and planned;
/// not built yet.
public struct HighresColorImageRun: DatasetRun {
    static let imageSize = ParameterSpec("image_size", .int, .int(2048), "longest image side in pixels", bound: .positive)
    static let numOperators = ParameterSpec(SharedParameterName.numOperators, .int, .int(1), "blur operators, kernels at angles spread over 180°",
                                            bound: .positive)
    static let noiseLevel = ParameterSpec(SharedParameterName.noiseLevel, .float, .double(0.01), "standard deviation of the Gaussian noise",
                                          bound: .nonNegative)
    static let seed = ParameterSpec(SharedParameterName.seed, .int, .int(0), "seed of the noise generator (operator i uses seed + i)",
                                    bound: .nonNegative)

    public static let component = ComponentSpec(
        "highres_color_image", .dataset,
        summary: "Colour photograph resized to image_size, blurred by anisotropic Gaussian kernels, noisy.",
        isBuilt: false, imageSizeParameter: imageSize.name, dimensions: 2,
        parameters: [imageSize, numOperators, noiseLevel, seed])

    /// The longest side and the operator count.
    let side: Int, operators: Int

    public init(_ parameters: ParameterSet) throws {
        (side, operators) = (try parameters.int(Self.imageSize), try parameters.int(Self.numOperators))
    }

    /// "2048 px": the longest side.
    public var sizeLabel: String { "\(side) px" }
    public var operatorCount: Int { operators }
}
