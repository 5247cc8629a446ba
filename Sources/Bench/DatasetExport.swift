import Datasets
import Formats
import FoundationEssentials
import SafeFiles
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
        try FileSystem.writeJSON(GeometryDescription(dataset), to: "\(directory)/geometry.json")
        let sinogram = try Tensor.concatenate(problem.measurements, axis: 2)
        try Preview.writeSideBySide(image: problem.groundTruth, imageRange: problem.valueRange,
                                    sinogram: sinogram, to: "\(directory)/preview.png")
        return problem
    }
}

/// Folder creation and JSON files, with errors that name the path.
public enum FileSystem {
    /// Creates `path` and its parents when missing (`FileWriter.createFolder`).
    public static func makeDirectory(_ path: String) throws {
        do { try FileWriter.createFolder(path) } catch let error as FileWriteError { throw FormatError(file: error.path, error.problem) }
    }

    /// Writes `value` as pretty-printed JSON with sorted keys.
    public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(value) } catch { throw FormatError(file: path, "cannot encode as JSON (\(error))") }
        try FileWriter.write(data, to: path)
    }
}
