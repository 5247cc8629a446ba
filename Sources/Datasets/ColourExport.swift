import Figures
import Physics
import Formats
import FoundationEssentials
import Tensor

/// Writes the colour deblurring dataset to a folder: `ground_truth.npy` `[1, 3, H, W]`,
/// `measurement_<k>.npy` (same shape), `kernel_<k>.npy` `[k, k]`, `dataset.json` (sizes, σ,
/// angles, source) and `preview.png` (the image and the first measurement in colour).
public enum ColourExport {
    /// What `dataset.json` holds.
    struct Description: Encodable {
        let name: String, source: String, imageSize: Int, imageShape: [Int], numOperators: Int
        let kernelSigma: [Double], kernelSize: Int, anglesDegrees: [Double], noiseLevel: Double, seed: UInt64
        let boundary = "circular", valueRange = [0.0, 1.0]
    }

    /// Builds `dataset` and writes its files into `directory` (created if missing).
    @discardableResult
    public static func export(_ dataset: HighresColorImage, to directory: String) throws -> Problem {
        try FileSystem.makeDirectory(directory)
        let problem = try dataset.makeProblem()
        try NPY.write(problem.groundTruth, to: "\(directory)/ground_truth.npy")
        for (index, measurement) in problem.measurements.enumerated() {
            try NPY.write(measurement, to: "\(directory)/measurement_\(index).npy")
            try NPY.write(try dataset.kernel(operator: index), to: "\(directory)/kernel_\(index).npy")
        }
        let sigma = dataset.sigma
        try FileSystem.writeJSON(Description(name: HighresColorImage.name, source: dataset.source, imageSize: dataset.imageSize,
                                             imageShape: problem.groundTruth.shape, numOperators: dataset.numOperators,
                                             kernelSigma: [sigma.0, sigma.1], kernelSize: 2 * GaussianBlurKernel.halfWidth(sigma: sigma) + 1,
                                             anglesDegrees: dataset.anglesDegrees, noiseLevel: dataset.noiseLevel, seed: dataset.seed),
                                 to: "\(directory)/dataset.json", snakeCaseKeys: true)
        try Preview.writeColour(image: problem.groundTruth, measurement: problem.measurements[0],
                                caption: "blur 1 of \(dataset.numOperators), noise \(dataset.noiseLevel)", to: "\(directory)/preview.png")
        return problem
    }
}
