import Formats
import Foundation
import Tensor
import Testing

/// The colour deblurring workload on the command line: its export, the blur operator, where the
/// photograph comes from, and the reference's experiment file.
@Suite("highres_color_image commands")
struct ColourCommandTests {
    @Test("dataset export writes the image [1,3,H,W], one measurement and one kernel per blur, dataset.json and a preview")
    func export() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try CLI.run(["dataset", "highres_color_image", "--image-size", "128", "--num-operators", "3",
                                  "--noise-level", "0.05", "--export", folder + "/data"], environment: ["INVSCALE_DATA": ""])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("synthetic colour scene") && result.output.contains("image=85×128×3"))
        let truth = try NPY.read(path: folder + "/data/ground_truth.npy")
        #expect(truth.shape == [1, 3, 85, 128])
        for k in 0..<3 {
            let measurement = try NPY.read(path: folder + "/data/measurement_\(k).npy")
            #expect(measurement.shape == truth.shape && measurement.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(try NPY.read(path: folder + "/data/kernel_\(k).npy").shape == [11, 11])
        }
        let description = try String(contentsOfFile: folder + "/data/dataset.json", encoding: .utf8)
        #expect(description.contains("\"angles_degrees\"") && description.contains("\"kernel_size\" : 11"))
        #expect(FileManager.default.fileExists(atPath: folder + "/data/preview.png"))
    }

    @Test("op blur applies the circular blur and its adjoint: ⟨A x, y⟩ = ⟨x, Aᵀ y⟩, [H, W] and [B, C, H, W] inputs")
    func blurOperator() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // An asymmetric kernel: a tap right of the centre and one below it.
        var taps = [Float](repeating: 0, count: 9)
        (taps[4], taps[5], taps[7]) = (0.5, 0.3, 0.2)
        try NPY.write(Tensor(shape: [3, 3], values: taps), to: folder + "/k.npy")
        let x = Tensor(shape: [2, 3, 5, 7], values: (0..<210).map { Float(($0 * 37) % 11) / 11 })
        let y = Tensor(shape: [2, 3, 5, 7], values: (0..<210).map { Float(($0 * 53) % 13) / 13 })
        try NPY.write(x, to: folder + "/x.npy")
        try NPY.write(y, to: folder + "/y.npy")
        for (arguments, output) in [(["x.npy"], "ax.npy"), (["--adjoint", "y.npy"], "aty.npy")] {
            let result = try CLI.run(["op", "blur", "--kernel", "k.npy"] + arguments + [output], directory: folder)
            #expect(result.status == 0, "\(result.error)")
        }
        let (ax, aty) = (try NPY.read(path: folder + "/ax.npy"), try NPY.read(path: folder + "/aty.npy"))
        // y[i, j] = Σ K[a, b]·x[(i − a + 1) mod H, (j − b + 1) mod W]: K[1, 2] takes x[i, j − 1].
        let value = x.scalars, expected = 0.5 * value[2 * 7 + 3] + 0.3 * value[2 * 7 + 2] + 0.2 * value[1 * 7 + 3]
        #expect(abs(ax.scalars[2 * 7 + 3] - expected) < 1e-6)
        func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        #expect(abs(dot(ax, y) - dot(x, aty)) / abs(dot(ax, y)) < 1e-6)
        try NPY.write(Tensor(shape: [5, 7], values: Array(x.scalars.prefix(35))), to: folder + "/plain.npy")
        #expect(try CLI.run(["op", "blur", "--kernel", "k.npy", "plain.npy", "p.npy"], directory: folder).status == 0)
        #expect(try NPY.read(path: folder + "/p.npy").shape == [5, 7])
        try NPY.write(Tensor(shape: [2, 2]), to: folder + "/even.npy")
        let even = try CLI.run(["op", "blur", "--kernel", "even.npy", "x.npy", "o.npy"], directory: folder)
        #expect(even.status != 0 && even.error.contains("even.npy") && even.error.contains("k odd"))
    }

    @Test("data fetch highres says where the photograph comes from and whether the data folder holds it")
    func fetchInstructions() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = try CLI.run(["data", "fetch", "highres", "--data-dir", folder])
        #expect(empty.status == 0 && empty.output.contains("huggingface.co/datasets/deepinv/images") && empty.output.contains("holds no CBSD_0010.png"))
        _ = FileManager.default.createFile(atPath: folder + "/CBSD_0010.png", contents: Data([0]))
        #expect(try CLI.run(["data", "fetch", "highres", "--data-dir", folder]).output.contains("Found: \(folder)/CBSD_0010.png"))
    }

    @Test("the reference's configs/highres_imaging.yml plans 2 runnable runs")
    func referencePlan() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("configs/highres_imaging.yml").path
        let result = try CLI.run(["run", config, "--plan"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("2 runs") && !result.output.contains("not built"), "\(result.output)")
    }
}
