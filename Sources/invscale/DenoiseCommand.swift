import ArgumentParser
import Bench
import Denoisers
import Formats
import Tensor

/// `invscale denoise`: run DRUNet on an image file.
struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Denoise an image (.npy [H,W] or [B,C,H,W], or .png) with DRUNet at noise level σ.",
        discussion: "Images are in [0, 1] units (PNG samples are divided by 255 or 65535). σ is the noise standard deviation in the same units.")

    @Option(help: "A .pth or .safetensors DRUNet checkpoint (DeepInverse key names).") var weights: String?
    @Option(help: "drunet (official weights if cached, else bundled), bundled, or random.") var model: String = "drunet"
    @Option(help: "Noise level σ in [0, 1] image units.") var sigma: Float
    @Option(help: "Tile the image into patches of this side (0: no tiling).") var patch: Int = 0
    @Option(help: "Overlap of the tiles, pixels.") var overlap: Int = 32
    @Option(help: "Windows per batch when tiling (0: all at once).") var maxBatch: Int = 0
    @Argument(help: "Input image (.npy or .png).") var input: String
    @Argument(help: "Output image (.npy or .png).") var output: String
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard sigma.isFinite, sigma >= 0 else { throw ValidationError("--sigma: expected a finite value ≥ 0, got \(sigma)") }
        guard patch >= 0, overlap >= 0, maxBatch >= 0 else {
            throw ValidationError("--patch, --overlap and --max-batch: expected values ≥ 0, got \(patch), \(overlap), \(maxBatch)")
        }
    }

    func run() throws {
        try runtime.configure()
        let image = try ImageFile.read(input)
        let choice = try DenoiserCatalog.resolve(weights: weights, model: model, channels: image.tensor.shape[1])
        guard choice.model.configuration.inputChannels == image.tensor.shape[1] else {
            throw ValidationError("\(input): \(image.tensor.shape[1]) channels, but the model (\(choice.model.configuration)) expects \(choice.model.configuration.inputChannels)")
        }
        print("denoiser: \(choice.source)")
        let denoiser: any Denoiser = patch > 0
            ? TiledDenoiser(inner: choice.model, patchSize: [patch], overlap: [overlap], maxBatchSize: maxBatch)
            : choice.model
        let start = Stopwatch.now()
        let result = try denoiser.denoise(image.tensor, sigma: [sigma])
        print("denoised \(image.tensor.shape) at σ = \(sigma) in \(Format.fixed(Stopwatch.now() - start, digits: 2)) s")
        try ImageFile.write(try image.restore(result), to: output)
    }
}
