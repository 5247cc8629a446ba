import Formats
import Foundation
import Tensor
import Testing

@Suite("invscale on oversized and non-finite input: one-line errors, no crash")
struct InputHardeningTests {
    /// Runs `arguments`, expects a failure without a crash, and returns the error text.
    func failure(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let result = try CLI.run(arguments, environment: environment)
        #expect(result.status != 0 && result.status < 128, "expected a plain failure for \(arguments): \(result.error)")
        #expect(!result.error.contains("Fatal error"), "crashed: \(result.error)")
        return result.error
    }

    @Test("sizes beyond the memory budget are refused before allocating")
    func budgets() throws {
        let folder = try CLI.temporaryFolder()
        let angles = try failure(["op", "parallel2d", "--size", "64", "--angles", "1000000000", "a.npy", "b.npy"])
        #expect(angles.contains("--angles 1000000000: needs") && angles.contains("available"), "\(angles)")
        let side = try failure(["dataset", "tomography_2d", "--img-size", "10000000", "--export", folder])
        #expect(side.contains("img_size 10000000") && side.contains("needs"), "\(side)")
        let small = try failure(["dataset", "tomography_2d", "--img-size", "1024", "--export", folder],
                                environment: ["INVSCALE_MEMORY_LIMIT_MB": "1"])
        #expect(small.contains("more than the 1.0 MiB available (INVSCALE_MEMORY_LIMIT_MB)"), "\(small)")
        let variable = try failure(["dataset", "tomography_2d", "--img-size", "64", "--export", folder],
                                   environment: ["INVSCALE_MEMORY_LIMIT_MB": "lots"])
        #expect(variable.contains("INVSCALE_MEMORY_LIMIT_MB: expected a positive whole number of MiB, got 'lots'"))
        let png = "\(folder)/wide.png"
        try Data(try PNG.encode(width: 1024, height: 1024, channels: 1, bitDepth: 8, samples: Array(repeating: 0, count: 1 << 20)))
            .write(to: URL(fileURLWithPath: png))
        let image = try failure(["denoise", "--sigma", "0.1", "--model", "random", png, "\(folder)/out.png"],
                                environment: ["INVSCALE_MEMORY_LIMIT_MB": "1"])
        #expect(image.contains("\(png): IHDR declares 1024×1024 pixels of 1 channel: needs"), "\(image)")
    }

    @Test("NaN or infinite input values are refused naming the file and the first bad element")
    func nonFinite() throws {
        let folder = try CLI.temporaryFolder()
        var values = [Float](repeating: 0.5, count: 64)
        values[19] = .nan
        let bad = "\(folder)/nan.npy", good = "\(folder)/good.npy"
        try NPY.write(Tensor(shape: [8, 8], values: values), to: bad)
        try NPY.write(Tensor(shape: [8, 8], repeating: 0.5), to: good)
        let metrics = try failure(["metrics", good, bad])
        #expect(metrics.contains("\(bad): element 19 (index [2, 3] of shape [8, 8]) is nan"), "\(metrics)")
        let denoise = try failure(["denoise", "--sigma", "0.1", "--model", "random", bad, "\(folder)/out.npy"])
        #expect(denoise.contains("\(bad): element 19"), "\(denoise)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/out.npy"))
    }

    @Test("denoise refuses an overlap not smaller than the patch, as experiment files do")
    func overlap() throws {
        let message = try failure(["denoise", "--sigma", "0.1", "--patch", "32", "--overlap", "32", "a.npy", "b.npy"])
        #expect(message.contains("--overlap: 32 is not smaller than --patch 32"), "\(message)")
        let volume = try failure(["denoise", "--sigma", "0.1", "--patch", "8,64,64", "--overlap", "2,16,64", "a.npy", "b.npy"])
        #expect(volume.contains("--overlap"), "\(volume)")
    }

    @Test("run --plan refuses a huge grid and an alias bomb quickly, naming the file")
    func plan() throws {
        let folder = try CLI.temporaryFolder()
        var bomb = "dataset: [tomography_2d]\nsolver: [PnP]\nplot:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (previous, name) in zip("abcdefghi", "bcdefghij") {
            bomb += "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        try bomb.write(toFile: "\(folder)/bomb.yml", atomically: true, encoding: .utf8)
        let laughs = try failure(["run", "\(folder)/bomb.yml", "--plan"])
        #expect(laughs.contains("\(folder)/bomb.yml:") && laughs.contains("more than 100000 values"), "\(laughs)")
        try "dataset: [tomography_2d]\nsolver: [PnP]\nn-repetitions: 100000000\n".write(toFile: "\(folder)/reps.yml", atomically: true, encoding: .utf8)
        let repetitions = try failure(["run", "\(folder)/reps.yml", "--plan"])
        #expect(repetitions.contains("reps.yml:3: n-repetitions: the file expands to 100000000 runs"), "\(repetitions)")
    }

    @Test("a run of 2000 processes is refused unless --max-processes allows it; huge counts cannot overflow")
    func processLimit() throws {
        let folder = try CLI.temporaryFolder()
        try "dataset: [tomography_2d]\nsolver:\n  - PnP:\n      slurm_ntasks_per_node: 2000\n".write(toFile: "\(folder)/many.yml", atomically: true, encoding: .utf8)
        let refused = try failure(["run", "\(folder)/many.yml", "--plan"])
        #expect(refused.contains("many.yml:4: solver.PnP.slurm_ntasks_per_node: the run needs 2000 processes") && refused.contains("--max-processes"), "\(refused)")
        let allowed = try CLI.run(["run", "\(folder)/many.yml", "--plan", "--max-processes", "4096"])
        #expect(allowed.status == 0 && allowed.output.contains("2000 processes"), "\(allowed.output)\(allowed.error)")
        try "dataset: [tomography_2d]\nsolver:\n  - PnP:\n      slurm_nodes: 4611686018427387904\n      slurm_ntasks_per_node: 4\n"
            .write(toFile: "\(folder)/wrap.yml", atomically: true, encoding: .utf8)
        let wrapped = try failure(["run", "\(folder)/wrap.yml", "--plan"])
        #expect(wrapped.contains("wrap.yml:4: solver.PnP.slurm_nodes: expected an int > 0 and ≤ 65536"), "\(wrapped)")
    }
}
