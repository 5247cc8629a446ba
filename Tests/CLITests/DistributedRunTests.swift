import Formats
import Tensor
import Foundation
import Testing

/// Multi-process runs started by `invscale run --launcher mpirun`: real OpenMPI ranks of
/// `invscale worker`, compared with the same runs in one process.
@Suite("distributed runs under mpirun", .serialized, .enabled(if: mpirunPath != nil, "mpirun not found: scripts/bootstrap.sh installs openmpi-bin"))
struct DistributedRunTests {
    /// Settings that let mpirun work as root and in containers (no ssh for local ranks).
    static let environment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                              "OMPI_MCA_plm_rsh_agent": "false"]
    /// The small DRUNet of the denoiser fixtures (same architecture, fewer channels: fast in debug builds).
    static let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DenoisersTests/Fixtures/drunet_small_gray.safetensors").path

    /// tomography_2d 128², 60 angles over 8 operators, PnP with a DRUNet, one row per
    /// (processes, distribute_physics, distribute_denoiser), tiles 64/16.
    static func experiment(rows: [(Int, Bool, Bool)], iterations: Int) -> String {
        experiment(columns: "slurm_ntasks_per_node, distribute_physics, distribute_denoiser",
                   rows: rows.map { "[\($0.0), \($0.1), \($0.2)]" }, iterations: iterations)
    }

    /// The same problem and denoiser with a grid of `columns`, one YAML list per row.
    static func experiment(columns: String, rows: [String], iterations: Int) -> String {
        """
        dataset:
          - tomography_2d:
              img_size: 128
              num_angles: 60
              num_operators: 8
        solver:
          - PnP:
              denoiser: drunet
              denoiser_weights: \(weights)
              denoiser_sigma: 0.015
              denoiser_lambda_relaxation: 5000.0
              init_method: fbp
              patch_size: 64
              overlap: 16
              \(columns): [
        \(rows.map { "        \($0)," }.joined(separator: "\n"))
              ]
        max-runs: \(iterations)
        """
    }

    /// A finished run: its folder, run.json and reconstruction.
    struct Run {
        let folder: String
        let record: [String: Any]
        let image: Tensor
    }

    /// Every run of `output` by "processes physics denoiser", e.g. "2 true false".
    static func results(_ output: String) throws -> [String: Run] {
        var results: [String: Run] = [:]
        for folder in CLI.runFolders(output) {
            let record = try RunCommandTests.record(folder)
            let spec = try #require(record["spec"] as? [String: Any])
            let solver = try #require(spec["solver_parameters"] as? [String: Any])
            let key = "\(solver["slurm_ntasks_per_node"] as? Int ?? 0) \(solver["distribute_physics"] as? Bool ?? false) \(solver["distribute_denoiser"] as? Bool ?? false)"
            results[key] = Run(folder: folder, record: record, image: try NPY.read(path: folder + "/reconstruction.npy"))
        }
        return results
    }

    @Test("2 and 3 ranks give the 1-process reconstruction: identical without distributed physics, within 1e-5 of the range with it")
    func sameAsOneProcess() throws {
        let combinations = [(false, false), (true, false), (false, true), (true, true)]
        let rows = [1, 2, 3].flatMap { processes in combinations.map { (processes, $0.0, $0.1) } }
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(rows: rows, iterations: 2), in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun"], environment: Self.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let runs = try Self.results(output)
        #expect(runs.count == rows.count)
        let range: Float = 1 // the modified Shepp–Logan phantom's value range is [0, 1]
        for (processes, physics, denoiser) in rows where processes > 1 {
            let key = "\(processes) \(physics) \(denoiser)"
            let run = try #require(runs[key], "run \(key) missing")
            let reference = try #require(runs["1 false \(denoiser)"]).image
            #expect(run.record["status"] as? String == "finished", "\(key): \(run.record["error"] ?? "")")
            #expect(run.record["processes"] as? Int == processes && run.record["launcher"] as? String == "mpirun")
            let difference = zip(run.image.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? .infinity
            if physics {
                #expect(difference <= 1e-5 * range, "\(key): max difference \(difference)")
            } else {
                #expect(difference == 0, "\(key): max difference \(difference), expected a bit-identical result")
            }
            for rank in 0..<processes {
                let rows = try String(contentsOfFile: run.folder + "/metrics_rank\(rank).csv", encoding: .utf8).split(separator: "\n")
                #expect(rows.count == 3 && rows[0].contains("comm_time_sec"), "\(key) rank \(rank): \(rows.count) lines")
            }
        }
    }
}

extension DistributedRunTests {
    @Test("tomography_3d with the 3-D DRUNet in tiles [8,16,16]/[2,4,4]: 2 ranks (physics and tiles split) give the 1-process volume")
    func volumeRun() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write("""
            dataset:
              - tomography_3d:
                  img_size: [16, 24, 24]
                  num_projections: 10
                  num_operators: 2
            solver:
              - PnP:
                  denoiser: drunet
                  denoiser_weights: \(Self.weights)
                  denoiser_sigma: 0.03
                  denoiser_lambda_relaxation: 10.0
                  init_method: pseudo_inverse
                  patch_size: [8, 16, 16]
                  overlap: [2, 4, 4]
                  slurm_ntasks_per_node, distribute_physics, distribute_denoiser, max_batch_size: [
                    [1, false, true, 0],
                    [2, true, true, 3],
                  ]
            max-runs: 2
            """, in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun"], environment: Self.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let runs = try Self.results(output)
        let single = try #require(runs["1 false true"]), pair = try #require(runs["2 true true"])
        for run in [single, pair] {
            #expect(run.record["status"] as? String == "finished", "\(run.record["error"] ?? "")")
            #expect(run.record["tile_windows"] as? Int == 8 && run.image.shape == [1, 1, 16, 24, 24])
            #expect((run.record["denoiser"] as? String)?.contains("converted to 3-D") == true || (run.record["denoiser"] as? String)?.contains("3-D DRUNet") == true)
        }
        let scale = single.image.scalars.map(abs).max() ?? 1
        let difference = zip(pair.image.scalars, single.image.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-5 * scale, "max difference \(difference) at scale \(scale)")
    }
}

/// Faults in multi-process runs: a failing or dying rank, and SIGTERM as SLURM sends it at the
/// time limit. The time limits guard against hangs only.
@Suite("faults of distributed runs", .serialized, .enabled(if: mpirunPath != nil, "mpirun not found: scripts/bootstrap.sh installs openmpi-bin"))
struct DistributedFaultTests {
    /// PnP-TV on tomography_2d 64² (3 operators): a 2-process row, then a 1-process row.
    static func experiment(iterations: Int) -> String {
        HardeningTests.experiment(iterations: iterations, solverLines: [
            "patch_size: 32", "overlap: 8",
            "slurm_ntasks_per_node, distribute_physics, distribute_denoiser: [[2, true, true], [1, false, false]]",
        ])
    }

    static func records(_ output: String) throws -> [Int: [String: Any]] {
        var records: [Int: [String: Any]] = [:]
        for folder in CLI.runFolders(output) {
            let record = try RunCommandTests.record(folder)
            records[record["processes"] as? Int ?? 0] = record
        }
        return records
    }

    @Test("a rank that throws or dies fails its run (with the rank and the error) and the grid goes on",
          .timeLimit(.minutes(3)), arguments: ["throw", "crash", "trap"])
    func failingRank(mode: String) throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 4), in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun"],
                                 environment: DistributedRunTests.environment.merging(["INVSCALE_DEBUG_FAIL": "1:2:\(mode)"]) { $1 })
        #expect(result.status == 1, "\(result.output)\n\(result.error)")
        let records = try Self.records(output)
        let failed = try #require(records[2]), next = try #require(records[1])
        #expect(failed["status"] as? String == "failed")
        let error = failed["error"] as? String ?? ""
        if mode == "throw" {
            #expect(error.contains("rank 1") && error.contains("injected fault"), "\(error)")
        } else if mode == "trap" {
            #expect(error.contains("Fatal error: injected trap") && error.contains("on rank 1"), "the rank's own message reaches run.json: \(error)")
        } else {
            #expect(error.contains("rank 1") && error.contains("signal 9"), "\(error)")
        }
        #expect(next["status"] as? String == "finished" && next["iterations"] as? Int == 4)
    }

    @Test("SIGTERM to the ranks (as SLURM sends at the time limit) stops them together, keeping every row",
          .timeLimit(.minutes(3)))
    func terminated() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 1_000_000), in: folder)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", config, "--output", output, "--launcher", "mpirun", "--threads", "1"]
        process.environment = ProcessInfo.processInfo.environment.merging(DistributedRunTests.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var run = "", rows = 0
        while rows < 3 && process.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
            run = CLI.runFolders(output).first ?? ""
            rows = ((try? RunCommandTests.csvLines(run).count) ?? 1) - 1
        }
        try #require(rows >= 3, "the run did not write 3 rows")
        for rank in 0..<2 {
            let pid = try #require(Int32(try String(contentsOfFile: run + "/rank\(rank).pid", encoding: .utf8)
                .split(whereSeparator: \.isWhitespace).first ?? ""))
            kill(pid, SIGTERM)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let record = try RunCommandTests.record(run)
        #expect(record["status"] as? String == "interrupted")
        let iterations = try #require(record["iterations"] as? Int)
        for rank in 0..<2 {
            let lines = try String(contentsOfFile: run + "/metrics_rank\(rank).csv", encoding: .utf8).split(separator: "\n")
            #expect(iterations >= 3 && lines.count == iterations + 1, "rank \(rank): \(lines.count) lines, \(iterations) iterations")
        }
        #expect(CLI.runFolders(output).count == 1, "the grid stops after an interrupted run")
    }
}

extension DistributedRunTests {
    @Test("highres_color_image with the bundled colour DRUNet in tiles 32/8: 2 ranks (blurs and tiles split) give the 1-process image")
    func colourRun() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write("""
            dataset:
              - highres_color_image:
                  image_size: 72
                  num_operators: 3
                  noise_level: 0.05
            solver:
              - PnP:
                  denoiser: drunet
                  denoiser_weights: bundled
                  denoiser_sigma: 0.05
                  step_size: 0.3
                  init_method: pseudo_inverse
                  patch_size: 32
                  overlap: 8
                  slurm_ntasks_per_node, distribute_physics, distribute_denoiser: [
                    [1, false, true],
                    [2, true, true],
                  ]
            max-runs: 2
            """, in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun"],
                                 environment: Self.environment.merging(["INVSCALE_DATA": ""]) { $1 })
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let runs = try Self.results(output)
        let single = try #require(runs["1 false true"]), pair = try #require(runs["2 true true"])
        for run in [single, pair] {
            #expect(run.record["status"] as? String == "finished", "\(run.record["error"] ?? "")")
            #expect(run.image.shape == [1, 3, 48, 72] && run.record["tile_windows"] as? Int == 6)
            #expect((run.record["denoiser"] as? String)?.contains("drunet_bundled_color") == true)
        }
        #expect((pair.record["operators"] as? String)?.contains("operators 0, 2 of 3 on rank 0") == true)
        let difference = zip(pair.image.scalars, single.image.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-5, "max difference \(difference) (values in [0, 1])")
    }
}

extension DistributedRunTests {
    @Test("every solver on 2 ranks (operators and tiles split) gives its 1-process image within 1e-5 of the range")
    func everySolverOnTwoRanks() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let common = """
                  denoiser: drunet
                  denoiser_weights: \(Self.weights)
                  denoiser_sigma: 0.015
                  init_method: fbp
                  patch_size: 64
                  overlap: 16
                  slurm_ntasks_per_node, distribute_physics, distribute_denoiser: [[1, false, true], [2, true, true]]
            """
        let solvers = ["PnP", "PnP-FISTA", "PnP-HQS", "DPIR", "PnP-ADMM"]
        let config = try RunCommandTests.write("""
            dataset:
              - tomography_2d:
                  img_size: 128
                  num_angles: 60
                  num_operators: 8
            solver:
            \(solvers.map { "  - \($0):\n\(common)" }.joined(separator: "\n"))
            max-runs: 3
            """, in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun"], environment: Self.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        var images: [String: Tensor] = [:]
        for runFolder in CLI.runFolders(output) {
            let record = try RunCommandTests.record(runFolder)
            let spec = try #require(record["spec"] as? [String: Any])
            #expect(record["status"] as? String == "finished", "\(record["error"] ?? "")")
            #expect(record["iterations"] as? Int == 3)
            images["\(spec["solver"] ?? "") \(record["processes"] ?? 0)"] = try NPY.read(path: runFolder + "/reconstruction.npy")
        }
        for solver in solvers {
            let single = try #require(images["\(solver) 1"], "\(solver) on 1 process"), pair = try #require(images["\(solver) 2"])
            let difference = zip(pair.scalars, single.scalars).map { abs($0 - $1) }.max() ?? .infinity
            print("\(solver): 2 ranks against 1 process, max difference \(difference)")
            #expect(difference <= 1e-5, "\(solver): max difference \(difference) (values in [0, 1])")
        }
        // The solvers differ: the splitting ones are not PnP under another name.
        let pnp = try #require(images["PnP 1"]), hqs = try #require(images["PnP-HQS 1"])
        #expect(zip(pnp.scalars, hqs.scalars).map { abs($0 - $1) }.max()! > 1e-3)
    }
}
