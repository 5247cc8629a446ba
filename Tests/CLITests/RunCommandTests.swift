import Formats
import Foundation
import Testing

@Suite("invscale run")
struct RunCommandTests {
    /// A tiny PnP-TV experiment (32², 20 angles over 2 operators) with `iterations` iterations.
    static func experiment(iterations: Int) -> String {
        """
        objective:
          - reconstruction_objective
        dataset:
          - tomography_2d:
              img_size: 32
              num_angles: 20
              num_operators: 2
        solver:
          - PnP:
              denoiser: tv
              tv_iterations: 5
              denoiser_sigma: 0.001
              init_method: fbp
        max-runs: \(iterations)
        """
    }

    static func write(_ text: String, in folder: String) throws -> String {
        let path = folder + "/experiment.yml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The single run folder under `output`.
    static func runFolder(_ output: String) throws -> String {
        let entries = CLI.runFolders(output)
        #expect(entries.count == 1, "\(entries)")
        return entries.first ?? output
    }

    static func record(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func csvLines(_ folder: String) throws -> [Substring] {
        try String(contentsOfFile: folder + "/metrics_rank0.csv", encoding: .utf8).split(separator: "\n")
    }

    /// A tiny 3-D PnP-TV experiment: tomography_3d, 12 views over 2 operators, FDK start.
    static let volumeExperiment = """
        dataset:
          - tomography_3d:
              img_size: [12, 16, 16]
              num_projections: 12
              num_operators: 2
        solver:
          - PnP:
              denoiser: tv
              tv_iterations: 5
              denoiser_sigma: 0.001
              init_method: fbp
        max-runs: 2
        """

    @Test("tomography_3d runs on the synthetic slab and, with --data-dir, on the walnut .pt fixture; run.json names the source")
    func volumeRuns() throws {
        let folder = try CLI.temporaryFolder()
        let config = try Self.write(Self.volumeExperiment, in: folder)
        let walnut = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DatasetsTests/Fixtures/walnut/pt").path
        for (name, extra, source, shape) in [("synthetic", [String](), "synthetic 3-D Shepp–Logan", [1, 1, 12, 16, 16]),
                                             ("walnut", ["--data-dir", walnut], "walnut scan", [1, 1, 12, 11, 13])] {
            let output = folder + "/" + name
            let result = try CLI.run(["run", config, "--output", output, "--threads", "1"] + extra, environment: ["INVSCALE_DATA": folder])
            #expect(result.status == 0, "\(name): \(result.error)")
            let run = try Self.runFolder(output)
            let record = try Self.record(run)
            #expect(record["status"] as? String == "finished" && record["iterations"] as? Int == 2, "\(name): \(record)")
            #expect((record["data_source"] as? String)?.hasPrefix(source) == true, "\(name): \(record["data_source"] ?? "")")
            #expect(try NPY.read(path: run + "/reconstruction.npy").shape == shape)
            let initial = try #require(record["initial_psnr"] as? Double), final = try #require(record["final_psnr"] as? Double)
            #expect(initial.isFinite && final.isFinite, "\(name): PSNR \(initial) → \(final)")
            for file in ["comparison.png", "dataset_preview.png"] {
                #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(name): \(file)")
            }
        }
    }

    @Test("runs on the same data estimate ‖A‖² once: the second takes it from operator_norms.json; other data estimate again")
    func normCache() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let text = Self.experiment(iterations: 1).replacingOccurrences(of: "denoiser_sigma: 0.001", with: "denoiser_sigma: [0.001, 0.002]")
        let config = try Self.write(text, in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--threads", "1"])
        #expect(result.status == 0, "\(result.error)")
        let records = try CLI.runFolders(output).map(Self.record)
        #expect(records.count == 2)
        let norms = records.compactMap { $0["norm_squared"] as? Double }
        #expect(norms.count == 2 && norms[0] == norms[1] && norms[0] > 0, "\(norms)")
        #expect(records.filter { $0["norm_squared_cached"] as? Bool == true }.count == 1)
        #expect(FileManager.default.fileExists(atPath: output + "/operator_norms.json"))
        let other = try Self.write(Self.experiment(iterations: 1).replacingOccurrences(of: "num_angles: 20", with: "num_angles: 24"), in: folder)
        #expect(try CLI.run(["run", other, "--output", output, "--threads", "1"]).status == 0)
        let fresh = try CLI.runFolders(output).map(Self.record).filter { ($0["norm_squared"] as? Double) != norms[0] }
        #expect(fresh.count == 1 && fresh.first?["norm_squared_cached"] == nil)
    }

    @Test("a run writes run.json, one CSV row per iteration, the reconstruction and the figure; a re-run skips it")
    func runAndSkip() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try Self.write(Self.experiment(iterations: 3), in: folder)
        let first = try CLI.run(["run", config, "--output", output, "--threads", "1"])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("1 run") && first.output.contains("finished"))
        let run = try Self.runFolder(output)
        let record = try Self.record(run)
        #expect(record["status"] as? String == "finished" && record["iterations"] as? Int == 3)
        let psnr = try #require(record["final_psnr"] as? Double)
        #expect(psnr > 15, "PSNR \(psnr)")
        let lines = try Self.csvLines(run)
        #expect(lines.count == 4)
        let header = lines[0].split(separator: ",")
        #expect(header.prefix(2) == ["gpu_memory_allocated_mb", "gpu_memory_reserved_mb"] && header.contains("psnr"))
        #expect(lines[1].split(separator: ",", omittingEmptySubsequences: false).count == header.count)
        for file in ["reconstruction.npy", "initial.npy", "comparison.png"] {
            #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(file)")
        }
        let second = try CLI.run(["run", config, "--output", output, "--threads", "1"])
        #expect(second.status == 0 && second.output.contains("already finished"), "\(second.output)")
        #expect(try Self.csvLines(run) == lines)
        let forced = try CLI.run(["run", config, "--output", output, "--threads", "1", "--force", "--max-runs", "2"])
        #expect(forced.status == 0 && !forced.output.contains("already finished"))
    }

    @Test("SIGINT during a run: the rows written stay, run.json says interrupted, exit status 130")
    func interrupted() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try Self.write(Self.experiment(iterations: 1_000_000), in: folder)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", config, "--output", output, "--threads", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var rows = 0
        let deadline = Date().addingTimeInterval(120)
        while rows < 3 && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
            if let run = CLI.runFolders(output).first {
                rows = ((try? Self.csvLines(run).count) ?? 1) - 1
            }
        }
        try #require(rows >= 3, "the run did not write 3 rows in time")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let run = try Self.runFolder(output)
        let record = try Self.record(run)
        #expect(record["status"] as? String == "interrupted")
        let iterations = try #require(record["iterations"] as? Int)
        let written = try Self.csvLines(run).count
        #expect(iterations >= 3 && written == iterations + 1)
        #expect(FileManager.default.fileExists(atPath: run + "/reconstruction.npy"))
    }

    @Test("html: false runs the grid but writes no report, and says so")
    func noReport() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try Self.write(Self.experiment(iterations: 1) + "\nhtml: false\n", in: folder)
        let result = try CLI.run(["run", config, "--output", output])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        #expect(result.output.contains("report: not written (html: false"))
        #expect(!FileManager.default.fileExists(atPath: output + "/report.html"))
        #expect(CLI.runFolders(output).count == 1)
    }

    @Test("a file of two YAML documents runs both experiments, numbered on, into one folder and one report")
    func twoDocuments() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let second = Self.experiment(iterations: 2).replacingOccurrences(of: "  - PnP:", with: "  - PnP-HQS:")
            .replacingOccurrences(of: "img_size: 32", with: "img_size: 24")
        let config = try Self.write(Self.experiment(iterations: 1) + "\n---\n" + second, in: folder)
        let plan = try CLI.run(["run", config, "--output", output, "--plan"])
        #expect(plan.output.contains("(2 experiments)") && plan.output.contains("#1") && plan.output.contains("2 runs"), "\(plan.output)")
        let result = try CLI.run(["run", config, "--output", output])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let records = try CLI.runFolders(output).map { try Self.record($0) }
        let specs = records.compactMap { $0["spec"] as? [String: Any] }
        #expect(Set(specs.compactMap { $0["solver"] as? String }) == ["PnP", "PnP-HQS"])
        #expect(Set(specs.compactMap { $0["index"] as? Int }) == [0, 1])
        #expect(Set(records.compactMap { $0["iterations"] as? Int }) == [1, 2])
        let summary = try String(contentsOfFile: output + "/summary.csv", encoding: .utf8).split(separator: "\n")
        #expect(summary.count == 3 && summary[0].contains("target_minus_3db_s"))
    }

    @Test("a bad experiment file is refused before anything runs, naming the file, the line and the field")
    func badFile() throws {
        let folder = try CLI.temporaryFolder()
        let config = try Self.write(Self.experiment(iterations: 3).replacingOccurrences(of: "tv_iterations", with: "tv_iteration"), in: folder)
        let result = try CLI.run(["run", config, "--output", folder + "/results"])
        #expect(result.status != 0)
        #expect(result.error.contains("experiment.yml:11") && result.error.contains("tv_iteration") && result.error.contains("did you mean"),
                "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/results"))
    }

    @Test("--plan prints one line per run and the count, then a prediction per run, for the reference files too")
    func plan() throws {
        let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("configs").path
        for (file, count) in [("tomography_2d.yml", 2), ("tomography_3d.yml", 4), ("highres_imaging.yml", 2)] {
            let result = try CLI.run(["run", "\(configs)/\(file)", "--plan"])
            #expect(result.status == 0, "\(file): \(result.error)")
            let lines = result.output.split(separator: "\n").map(String.init)
            let end = try #require(lines.firstIndex(of: "\(count) runs"), "\(file): \(result.output)")
            #expect(lines[..<end].filter { $0.hasPrefix("#") }.count == count)
            #expect(lines[end + 1].hasPrefix("predictions ("))
            #expect(lines.filter { $0.hasPrefix("  #") && !$0.contains("will be refused") }.count == count, "\(file): \(result.output)")
            #expect(lines.last?.hasPrefix("  grid: predicted solver time") == true)
        }
    }
}
