import ArgumentParser
import Denoisers
import Formats
import Measurement
import Tensor

/// `invscale denoise`: run DRUNet on an image or volume file.
struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Denoise an image (.npy [H,W] or [B,C,H,W], or .png) or a volume (.npy [D,H,W] or [B,C,D,H,W]) with DRUNet at noise level σ.",
        discussion: "Images are in [0, 1] units (PNG samples are divided by 255 or 65535). σ is the noise standard deviation in the same units. Volumes go through the 3-D DRUNet: a 3-D checkpoint as it is, a 2-D one (or --model) converted by the reference benchmark's rule.")

    @Option(help: "A .pth or .safetensors DRUNet checkpoint (DeepInverse key names).") var weights: String?
    @Option(help: "drunet (official weights if cached, else bundled), bundled, or random.") var model: String = "drunet"
    @Option(help: "Noise level σ in [0, 1] image units.") var sigma: Float
    @Option(help: "Tile into patches of this side, or D,H,W for volumes (0: no tiling).") var patch: String = "0"
    @Option(help: "Overlap of the tiles, pixels (or D,H,W).") var overlap: String = "32"
    @Option(help: "Windows per batch when tiling (0: all at once).") var maxBatch: Int = 0
    @Argument(help: "Input image or volume (.npy or .png).") var input: String
    @Argument(help: "Output (.npy or .png).") var output: String
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard sigma.isFinite, sigma >= 0 else { throw ValidationError("--sigma: expected a finite value ≥ 0, got \(sigma)") }
        guard maxBatch >= 0 else { throw ValidationError("--max-batch: expected a value ≥ 0, got \(maxBatch)") }
        let tiles = try sizes(patch, "--patch"), overlaps = try sizes(overlap, "--overlap")
        switch TileSizes.problem(patch: tiles, overlap: overlaps) {
        case .zeroPatch?:
            throw ValidationError("--patch: '\(patch)' has a zero entry; expected every entry > 0 (a single 0 turns tiling off)")
        case .countMismatch?:
            throw ValidationError("--overlap: '\(overlap)' has \(overlaps.count) entries; expected one or as many as --patch '\(patch)'")
        case .overlapNotSmaller?:
            throw ValidationError("--overlap: \(overlap) is not smaller than --patch \(patch); expected overlap < patch in every dimension")
        case nil: break
        }
    }

    /// One value, or three (D,H,W) for volumes; all ≥ 0.
    private func sizes(_ text: String, _ option: String) throws -> [Int] {
        try IntegerList.parse(text, counts: [1, 3], minimum: 0, option: option)
    }

    func run() throws {
        try runtime.configure()
        let image = try ImageFile.read(input)
        let channels = image.tensor.shape[1]
        let network: any Denoiser, source: String, inputChannels: Int
        if image.tensor.rank == 5 {
            let volume = try weights.map { (try DRUNet3D(contentsOf: $0), "3-D DRUNet from \($0)") }
                ?? DenoiserCatalog.resolve(weights: nil, model: model, channels: channels).converted
            (network, source, inputChannels) = (volume.0, volume.1, volume.0.configuration.inputChannels)
        } else {
            let choice = try DenoiserCatalog.resolve(weights: weights, model: model, channels: channels)
            (network, source, inputChannels) = (choice.model, choice.source, choice.model.configuration.inputChannels)
        }
        guard inputChannels == channels else {
            throw ValidationError("\(input): \(channels) channels, but the model expects \(inputChannels)")
        }
        print("denoiser: \(source)")
        let tiles = try sizes(patch, "--patch")
        let denoiser: any Denoiser = tiles != [0]
            ? TiledDenoiser(inner: network, patchSize: tiles, overlap: try sizes(overlap, "--overlap"), maxBatchSize: maxBatch)
            : network
        let start = Stopwatch.now()
        let result = try denoiser.denoise(image.tensor, sigma: [sigma])
        print("denoised \(image.tensor.shape) at σ = \(sigma) in \(Format.fixed(Stopwatch.now() - start, digits: 2)) s")
        try ImageFile.write(try image.restore(result), to: output)
    }
}
