import Formats
import Foundation
import Tensor
import Testing

/// The executable needs no file of the checkout: copied alone into an empty folder elsewhere, it
/// runs the default experiment and denoises with the bundled model, which is embedded in it.
/// (`make test-binary` does the same with the static release binary and the toolchain hidden.)
@Suite("the binary alone, outside the checkout")
struct StandaloneBinaryTests {
    @Test("a copy of invscale in an empty folder runs the default experiment (2 iterations) and invscale denoise --model bundled")
    func copiedAlone() throws {
        let folder = try CLI.temporaryFolder()
        let copy = URL(fileURLWithPath: folder + "/invscale")
        try FileManager.default.copyItem(at: CLI.binary, to: copy)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["invscale"])
        let run = try CLI.run(["run", "--max-runs", "2", "--output", "results"], executable: copy, directory: folder)
        #expect(run.status == 0, "\(run.output)\n\(run.error)")
        let runs = CLI.runFolders(folder + "/results")
        #expect(runs.count == 1)
        let record = try String(contentsOfFile: try #require(runs.first) + "/run.json", encoding: .utf8)
        #expect(record.contains("\"finished\"") && record.contains("embedded in the executable"), "\(record.prefix(600))")
        try NPY.write(NormalGenerator(seed: 3).tensor(shape: [40, 36]), to: folder + "/noisy.npy")
        let denoise = try CLI.run(["denoise", "--model", "bundled", "--sigma", "0.05", "noisy.npy", "clean.npy"],
                                  executable: copy, directory: folder)
        #expect(denoise.status == 0, "\(denoise.error)")
        #expect(try NPY.read(path: folder + "/clean.npy").shape == [40, 36])
    }
}
