import Formats
import Foundation
import Testing

@Suite("invscale data fetch and dataset tomography_3d --data-dir (no network used)")
struct WalnutDataTests {
    /// The walnut fixtures of `tools/reference/walnut_fixture.py`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures/walnut").path

    @Test("data fetch walnut prints the public sources and the layout, downloads nothing, and looks in the data folder")
    func fetch() throws {
        let empty = try CLI.temporaryFolder()
        let result = try CLI.run(["data", "fetch", "walnut"], environment: ["INVSCALE_DATA": empty])
        #expect(result.status == 0, "\(result.error)")
        for part in ["https://huggingface.co/datasets/romainvo/ct_examples/resolve/main/Walnut-CBCT_8.pt", "2686726",
                     "10.5281/zenodo.2686725", "Walnut8/Projections/tubeV2", "scan_geom_corrected.geom", "di000000.tif",
                     "io000001.tif", "full_AGD_50_", "--data-dir", "INVSCALE_DATA", "does not download", "no network",
                     "\(empty) holds no walnut data yet"] {
            #expect(result.output.contains(part), "missing '\(part)'")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
        let found = try CLI.run(["data", "fetch", "walnut", "--data-dir", "\(Self.fixtures)/pt"])
        #expect(found.output.contains("Found: \(Self.fixtures)/pt/Walnut-CBCT_8.pt"))
        let unknown = try CLI.run(["data", "fetch", "pumpkin"])
        #expect(unknown.status != 0 && unknown.error.contains("expected walnut"))
    }

    @Test("dataset tomography_3d --data-dir exports the walnut (.pt, then CWI through $INVSCALE_DATA)")
    func export() throws {
        for (source, arguments, environment) in [("walnut scan", ["--data-dir", "\(Self.fixtures)/pt"], [String: String]()),
                                                 ("CWI walnut scan", [], ["INVSCALE_DATA": "\(Self.fixtures)/cwi"])] {
            let folder = try CLI.temporaryFolder()
            let result = try CLI.run(["dataset", "tomography_3d", "--num-projections", "5", "--num-operators", "2", "--export", folder]
                                     + arguments, environment: environment)
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.contains("source: \(source)") && result.output.contains("volume=12×11×13"), "\(result.output)")
            #expect(try NPY.read(path: "\(folder)/ground_truth.npy").shape == [1, 1, 12, 11, 13])
            #expect(try NPY.read(path: "\(folder)/measurement_0.npy").shape == [1, 1, 10, 3, 8])
            #expect(try NPY.read(path: "\(folder)/measurement_1.npy").shape == [1, 1, 10, 2, 8])
            #expect(try NPY.read(path: "\(folder)/vectors.npy").shape == [5, 12])
        }
        let folder = try CLI.temporaryFolder()
        let synthetic = try CLI.run(["dataset", "tomography_3d", "--img-size", "12", "--num-projections", "3", "--export", folder,
                                     "--data-dir", folder])
        #expect(synthetic.status == 0 && synthetic.output.contains("source: synthetic"), "\(synthetic.error)")
        let bad = try CLI.run(["dataset", "tomography_3d", "--export", folder, "--data-dir", "\(Self.fixtures)/pt",
                               "--num-projections", "40"])
        #expect(bad.status != 0 && bad.error.contains("num_projections") && bad.error.contains("1…16"), "\(bad.error)")
    }
}
