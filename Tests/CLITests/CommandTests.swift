import Formats
import Foundation
import Tensor
import Testing

@Suite("invscale commands")
struct CommandTests {
    @Test("dataset export writes the arrays, geometry.json and preview.png")
    func datasetExport() throws {
        let folder = try CLI.temporaryFolder()
        let result = try CLI.run(["dataset", "tomography_2d", "--img-size", "48", "--num-angles", "10",
                                  "--num-operators", "3", "--noise-level", "0.02", "--export", folder])
        #expect(result.status == 0, "\(result.error)")
        let truth = try NPY.read(path: "\(folder)/ground_truth.npy")
        #expect(truth.shape == [1, 1, 48, 48])
        let shapes = try (0..<3).map { try NPY.read(path: "\(folder)/measurement_\($0).npy").shape }
        #expect(shapes == [[1, 1, 4, 48], [1, 1, 3, 48], [1, 1, 3, 48]])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/geometry.json")))
        let geometry = try #require(json as? [String: Any])
        #expect(geometry["detector_count"] as? Int == 48)
        let operators = try #require(geometry["operators"] as? [[String: Any]])
        #expect(operators.map { $0["first_angle_index"] as? Int } == [0, 4, 7])
        let png = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/preview.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test("op parallel2d forward and adjoint from files satisfy the dot-product test")
    func operatorFiles() throws {
        let folder = try CLI.temporaryFolder()
        var random = SystemRandomNumberGenerator()
        let x = Tensor(shape: [20, 20], values: (0..<400).map { _ in Float.random(in: -1...1, using: &random) })
        let y = Tensor(shape: [7, 29], values: (0..<203).map { _ in Float.random(in: -1...1, using: &random) })
        try NPY.write(x, to: "\(folder)/x.npy")
        try NPY.write(y, to: "\(folder)/y.npy")
        let forward = try CLI.run(["op", "parallel2d", "--size", "20", "--angles", "7", "--full",
                                   "\(folder)/x.npy", "\(folder)/ax.npy"])
        let adjoint = try CLI.run(["op", "parallel2d", "--size", "20", "--angles", "7", "--full", "--adjoint",
                                   "\(folder)/y.npy", "\(folder)/aty.npy", "--threads", "1"])
        #expect(forward.status == 0 && adjoint.status == 0, "\(forward.error) \(adjoint.error)")
        let ax = try NPY.read(path: "\(folder)/ax.npy"), aty = try NPY.read(path: "\(folder)/aty.npy")
        #expect(ax.shape == [7, 29])
        #expect(aty.shape == [20, 20])
        let left = ax.dot(y), right = x.dot(aty)
        #expect(abs(left - right) <= 1e-5 * abs(left))
    }

    @Test("op conebeam forward and adjoint from files (circular orbit, then per-view vectors) satisfy the dot-product test")
    func coneBeamFiles() throws {
        let folder = try CLI.temporaryFolder()
        var random = SystemRandomNumberGenerator()
        let x = Tensor(shape: [6, 8, 7], values: (0..<336).map { _ in Float.random(in: -1...1, using: &random) })
        let y = Tensor(shape: [5, 4, 9], values: (0..<180).map { _ in Float.random(in: -1...1, using: &random) })
        try NPY.write(x, to: "\(folder)/x.npy")
        try NPY.write(y, to: "\(folder)/y.npy")
        // Four views of a tilted cone, as a [4, 12] table (source, detector centre, u, v).
        let vectors = (0..<4).flatMap { (view: Int) -> [Float] in
            let angle = Float(view) * 1.3, (s, c) = (sin(angle), cos(angle))
            return [20 * s, -20 * c, 1, -10 * s, 10 * c, -1, c, s, 0.1, 0, 0.2, 1.1]
        }
        try NPY.write(Tensor(shape: [4, 12], values: vectors), to: "\(folder)/vecs.npy")
        for geometry in [["--views", "4", "--sod", "20", "--sdd", "30", "--pitch", "1.5"], ["--vectors", "\(folder)/vecs.npy"]] {
            let common = ["op", "conebeam", "--volume", "6,8,7", "--detector", "5,9"] + geometry
            let forward = try CLI.run(common + ["\(folder)/x.npy", "\(folder)/ax.npy"])
            let adjoint = try CLI.run(common + ["--adjoint", "\(folder)/y.npy", "\(folder)/aty.npy", "--threads", "1"])
            #expect(forward.status == 0 && adjoint.status == 0, "\(forward.error) \(adjoint.error)")
            let ax = try NPY.read(path: "\(folder)/ax.npy"), aty = try NPY.read(path: "\(folder)/aty.npy")
            #expect(ax.shape == [5, 4, 9] && aty.shape == [6, 8, 7])
            // Random signs make ⟨Ax, y⟩ small against its terms: compare with ‖Ax‖·‖y‖.
            let left = ax.dot(y), right = x.dot(aty)
            #expect(abs(left - right) <= 1e-5 * ax.norm() * y.norm())
        }
        let wrongVolume = try CLI.run(["op", "conebeam", "--volume", "6,8,8", "--detector", "5,9", "--vectors", "\(folder)/vecs.npy",
                                       "\(folder)/x.npy", "\(folder)/ax.npy"])
        #expect(wrongVolume.status != 0 && wrongVolume.error.contains("x.npy") && wrongVolume.error.contains("D, H, W"))
        let wrongVectors = try CLI.run(["op", "conebeam", "--volume", "6,8,7", "--detector", "5,9", "--vectors", "\(folder)/x.npy",
                                        "\(folder)/x.npy", "\(folder)/ax.npy"])
        #expect(wrongVectors.status != 0 && wrongVectors.error.contains("[V, 12]"))
        let badDistances = try CLI.run(["op", "conebeam", "--volume", "6,8,7", "--detector", "5,9", "--views", "3", "--sod", "5",
                                        "\(folder)/x.npy", "\(folder)/ax.npy"])
        #expect(badDistances.status != 0 && badDistances.error.contains("--sod"))
    }

    @Test("dataset tomography_3d --export writes the volume, the measurements per operator, the vectors and a preview")
    func exportVolume() throws {
        let folder = try CLI.temporaryFolder()
        let result = try CLI.run(["dataset", "tomography_3d", "--img-size", "16", "--num-projections", "5", "--num-operators", "2",
                                  "--export", folder])
        #expect(result.status == 0, "\(result.error)")
        #expect(try NPY.read(path: "\(folder)/ground_truth.npy").shape == [1, 1, 16, 16, 16])
        #expect(try NPY.read(path: "\(folder)/measurement_0.npy").shape == [1, 1, 31, 3, 25])
        #expect(try NPY.read(path: "\(folder)/measurement_1.npy").shape == [1, 1, 31, 2, 25])
        #expect(try NPY.read(path: "\(folder)/vectors.npy").shape == [5, 12])
        #expect(try PNG.read(path: "\(folder)/preview.png").shape[1] == 3)
        let geometry = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/geometry.json"))) as? [String: Any]
        #expect(geometry?["beam"] as? String == "cone" && geometry?["views"] as? Int == 5)
        let bad = try CLI.run(["dataset", "tomography_3d", "--img-size", "16", "--geometry-type", "fan", "--export", folder])
        #expect(bad.status != 0 && bad.error.contains("--geometry-type"))
    }

    @Test("fbp and metrics: a noiseless scan reconstructs well and metrics prints JSON")
    func fbpAndMetrics() throws {
        let folder = try CLI.temporaryFolder()
        _ = try CLI.run(["dataset", "tomography_2d", "--img-size", "64", "--num-angles", "90", "--noise-level", "0",
                         "--export", folder])
        let fbp = try CLI.run(["fbp", "--size", "64", "--angles", "90", "\(folder)/measurement_0.npy", "\(folder)/fbp.npy"])
        #expect(fbp.status == 0, "\(fbp.error)")
        let metrics = try CLI.run(["metrics", "\(folder)/ground_truth.npy", "\(folder)/fbp.npy"])
        #expect(metrics.status == 0, "\(metrics.error)")
        let scores = try #require(try JSONSerialization.jsonObject(with: Data(metrics.output.utf8)) as? [String: Double])
        #expect((scores["psnr"] ?? 0) > 20)
        #expect((scores["ssim"] ?? 0) > 0.5)
        #expect((scores["mse"] ?? 1) < 0.01)
    }

    @Test("bench conebeam --json gives both rates (N³·views per median second) and the data size")
    func benchConeBeamJSON() throws {
        let result = try CLI.run(["bench", "conebeam", "--size", "16", "--views", "4", "--detector", "12,10", "--reps", "1",
                                  "--json", "--threads", "2"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let cases = try #require(object["cases"] as? [String: [String: Any]])
        let rates = try #require(object["voxel_ray_updates_per_second"] as? [String: Double])
        for name in ["forward", "adjoint"] {
            let median = try #require(cases[name]?["median_s"] as? Double)
            #expect(abs((rates[name] ?? 0) * median - 16 * 16 * 16 * 4) < 1e-6 * 16 * 16 * 16 * 4)
        }
        #expect(abs((object["data_mb"] as? Double ?? 0) - Double(16 * 16 * 16 + 12 * 4 * 10) * 4 / 1_048_576) < 1e-9)
    }

    @Test("bench projector --json prints one object with the timed cases")
    func benchJSON() throws {
        let result = try CLI.run(["bench", "projector", "--size", "32", "--angles", "8", "--reps", "2", "--json",
                                  "--threads", "2"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let cases = try #require(object["cases"] as? [String: [String: Any]])
        #expect(Set(cases.keys) == ["forward", "adjoint"])
        for name in ["forward", "adjoint"] {
            let stats = try #require(cases[name])
            #expect(stats["runs"] as? Int == 2)
            #expect((stats["min_s"] as? Double ?? -1) <= (stats["median_s"] as? Double ?? -2))
            #expect((stats["median_s"] as? Double ?? -1) <= (stats["max_s"] as? Double ?? -2))
        }
        #expect(object["threads"] as? Int == 2)
        #expect(object["size"] as? Int == 32)
        #expect((object["peak_rss_mb"] as? Double ?? 0) > 0)
    }

    @Test("bench drunet --json reports the forward case, the FLOP count and the rate")
    func benchDRUNetJSON() throws {
        let result = try CLI.run(["bench", "drunet", "--size", "20", "--nc", "4,4,8,8", "--nb", "1", "--reps", "2",
                                  "--json", "--threads", "2"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let cases = try #require(object["cases"] as? [String: [String: Any]])
        #expect(Set(cases.keys) == ["forward"])
        #expect(cases["forward"]?["runs"] as? Int == 2)
        // 20 is padded to 24: the FLOP count is that of a 24×24 pass.
        #expect((object["gflop"] as? Double ?? 0) > 0)
        #expect((object["gflops_per_s"] as? Double ?? 0) > 0)
        #expect(object["nc"] as? [Int] == [4, 4, 8, 8])
        #expect((object["peak_rss_mb"] as? Double ?? 0) > 0)
    }

    @Test("bench drunet --depth times the converted 3-D DRUNet on a D×N×N volume")
    func benchDRUNetVolume() throws {
        let result = try CLI.run(["bench", "drunet", "--depth", "6", "--size", "16", "--nc", "8,8,8,8", "--nb", "1",
                                  "--reps", "1", "--json", "--threads", "2"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["depth"] as? Int == 6)
        // 6 is padded to 8: the FLOP count is that of an 8×16×16 pass, 2 per multiply–add: 27-tap
        // convolutions (head 2·8, tail 8·1, 2·2 on 8·8 at the top level, at 2048, 256, 32 and 4 voxels
        // per level; the body has one block) and 8-tap resampling, 35,572,736 in all.
        #expect(abs((object["gflop"] as? Double ?? 0) - 0.035_572_736) < 1e-12)
    }

    @Test("bench drunet --weights times a checkpoint with the configuration read from its shapes")
    func benchDRUNetWeights() throws {
        let result = try CLI.run(["bench", "drunet", "--size", "16", "--reps", "1", "--json", "--threads", "1",
                                  "--weights", "\(DenoiseTests.fixtures)/drunet_small_color.safetensors"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["nc"] as? [Int] == [8, 16, 32, 64])
        #expect(object["channels"] as? Int == 3)
        #expect((object["weights"] as? String)?.hasSuffix("drunet_small_color.safetensors") == true)
        let missing = try CLI.run(["bench", "drunet", "--size", "16", "--weights", "/nonexistent/w.pth"])
        #expect(missing.status != 0 && missing.error.contains("/nonexistent/w.pth"), "\(missing.error)")
    }

    @Test("every subcommand has --help", arguments: [
        ["--help"], ["dataset", "tomography_2d", "--help"], ["dataset", "tomography_3d", "--help"], ["op", "parallel2d", "--help"], ["op", "conebeam", "--help"], ["fbp", "--help"],
        ["metrics", "--help"], ["bench", "projector", "--help"], ["bench", "conebeam", "--help"], ["bench", "drunet", "--help"], ["denoise", "--help"],
        ["weights", "fetch", "--help"], ["weights", "where", "--help"],
    ])
    func help(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE"))
    }
}
