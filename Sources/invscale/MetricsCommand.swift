import ArgumentParser
import Formats
import Metrics

/// `invscale metrics`: PSNR, SSIM and MSE of an image against a reference, as JSON.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "PSNR (dB), SSIM and MSE of IMAGE against REFERENCE, printed as one JSON object.",
        discussion: "Arrays: [H, W], a volume [D, H, W], [B, C, H, W] or [B, C, D, H, W]. With several batch items the values are means, and per-item lists follow.")

    @Argument(help: "Reference (ground truth) .npy file.") var reference: String
    @Argument(help: "Image to score, .npy file of the same shape.") var image: String
    @Option(help: "Largest pixel value of the data range.") var maxPixel: Double = 1
    @Option(help: "Smallest pixel value of the data range.") var minPixel: Double = 0
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard maxPixel.isFinite, minPixel.isFinite, maxPixel > minPixel else {
            throw ValidationError("--max-pixel must be finite and larger than --min-pixel, got \(maxPixel) and \(minPixel)")
        }
    }

    func run() throws {
        try runtime.configure()
        let truth = try ArrayLayout.readImage(reference), estimate = try ArrayLayout.readImage(image)
        guard truth.shape == estimate.shape else {
            throw ValidationError("\(image): shape \(estimate.shape) does not match \(reference): \(truth.shape)")
        }
        let report = ImageScores(
            psnr: try peakSignalToNoiseRatio(estimate, truth, maxPixel: maxPixel, minPixel: minPixel),
            ssim: try structuralSimilarity(estimate, truth, maxPixel: maxPixel, minPixel: minPixel),
            mse: try meanSquaredError(estimate, truth))
        print(try JSONOutput.string(report))
    }
}
