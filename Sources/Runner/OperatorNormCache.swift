import Experiment
import Formats
import FoundationEssentials
import Results

/// ‖A‖² of the datasets already run in one output folder (`operator_norms.json`), so that the
/// runs of a grid that share a dataset estimate it once: a 3-D scan's power iteration costs
/// dozens of projections. The key is the dataset's name, its parameters and where its data came
/// from, which fix the operators (however they are spread over processes), and InvScale's version.
struct OperatorNormCache {
    /// The cache file.
    let path: String

    /// The cache of the output folder holding `runFolder`.
    init(runFolder: String) {
        path = RunFolder.operatorNormsFile(besideRunFolder: runFolder)
    }

    /// The key of `spec`'s operators.
    static func key(_ spec: RunSpec, source: String) -> String {
        let parameters = spec.datasetParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ([spec.dataset] + parameters + ["source=\(source)", "invscale=\(InvScaleVersion.current)"]).joined(separator: "|")
    }

    /// The cached entries (an unreadable file counts as empty).
    private func entries() -> [String: Double] {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode([String: Double].self, from: $0) } ?? [:]
    }

    /// The cached ‖A‖² for `key`, if any.
    func value(for key: String) -> Double? {
        entries()[key].flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }

    /// Adds `value` for `key` (rewriting the file atomically).
    func store(_ value: Double, for key: String) throws {
        var entries = entries()
        entries[key] = value
        try FileSystem.writeJSON(entries, to: path)
    }
}
