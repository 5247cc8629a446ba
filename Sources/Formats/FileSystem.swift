import FoundationEssentials
import SafeFiles

/// Folder creation and JSON files, with errors that name the path.
public enum FileSystem {
    /// Creates `path` and its parents when missing (`FileWriter.createFolder`).
    public static func makeDirectory(_ path: String) throws {
        do { try FileWriter.createFolder(path) } catch let error as FileWriteError { throw FormatError(file: error.path, error.problem) }
    }

    /// Writes `value` as pretty-printed JSON with sorted keys; with `snakeCaseKeys` the keys are
    /// the coding keys in snake_case (`imgSize` → `img_size`).
    public static func writeJSON<T: Encodable>(_ value: T, to path: String, snakeCaseKeys: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        let data: Data
        do { data = try encoder.encode(value) } catch { throw FormatError(file: path, "cannot encode as JSON (\(error))") }
        try FileWriter.write(data, to: path)
    }
}
