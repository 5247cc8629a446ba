import Figures
import Formats
import FoundationEssentials
import Tensor

/// Writes a 2-D CT dataset to a folder: `ground_truth.npy`, `measurement_<k>.npy`,
/// `geometry.json` and `preview.png` (phantom and full sinogram side by side).
public enum DatasetExport {
    /// Builds `dataset` and writes its files into `directory` (created if missing).
    @discardableResult
    public static func export(_ dataset: Tomography2D, to directory: String) throws -> Problem {
        try FileSystem.makeDirectory(directory)
        let problem = try dataset.makeProblem()
        try NPY.write(problem.groundTruth, to: "\(directory)/ground_truth.npy")
        for (index, measurement) in problem.measurements.enumerated() {
            try NPY.write(measurement, to: "\(directory)/measurement_\(index).npy")
        }
        try FileSystem.writeJSON(GeometryDescription(dataset), to: "\(directory)/geometry.json", snakeCaseKeys: true)
        let sinogram = try Tensor.concatenate(problem.measurements, axis: 2)
        try Preview.writeSideBySide(image: problem.groundTruth, imageRange: problem.valueRange,
                                    sinogram: sinogram, to: "\(directory)/preview.png")
        return problem
    }
}
