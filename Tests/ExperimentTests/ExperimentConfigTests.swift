import Experiment
import Foundation
import Testing

/// The repository's `configs/` folder.
private let configs = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("configs").path

/// A minimal valid file with `datasetBody` and `solverBody` (already indented) under the items.
private func experiment(dataset datasetBody: String = "", solver solverBody: String = "", extra: String = "") -> String {
    """
    dataset:
      - tomography_2d:
    \(datasetBody)
    solver:
      - PnP:
    \(solverBody)
    \(extra)
    """
}

@Suite("Experiment files")
struct ExperimentConfigTests {
    @Test("the reference files expand to 2, 4 and 2 runs; the demo to 2")
    func referenceFiles() throws {
        let counts = ["tomography_2d": 2, "tomography_3d": 4, "highres_imaging": 2, "demo": 2]
        for (name, count) in counts {
            let file = try ExperimentFile.load(path: "\(configs)/\(name).yml")[0]
            let runs = try file.expand()
            #expect(runs.count == count, "\(name)")
            #expect(runs.map(\.index) == Array(0..<count))
            #expect(ExperimentPlan(runs: runs).lines().last == "\(count) runs")
        }
    }

    @Test("tomography_2d.yml: one undistributed run and one on 2 processes with 448-pixel tiles")
    func tomography2D() throws {
        let file = try ExperimentFile.load(path: "\(configs)/tomography_2d.yml")[0]
        #expect(file.maxRuns == 100 && file.nRepetitions == 1 && file.plot && file.html)
        let runs = try file.expand()
        #expect(runs.map(\.processes) == [1, 2])
        #expect(runs.map { $0.solverParameters["slurm_gres"] } == [.string("gpu:1"), .string("gpu:2")])
        #expect(runs[0].tileSize == nil && runs[1].tileSize == [448] && runs[1].tileOverlap == [32])
        #expect(runs[1].label == "PnP (drunet σ 0.01, init zeros) · tomography_2d 2048² · 2 processes · tiles 448/32 · batch 0")
        #expect(runs[0].label == "PnP (drunet σ 0.01, init zeros) · tomography_2d 2048² · 1 process")
        #expect(runs.allSatisfy { $0.maxIterations == 100 && $0.objective == "reconstruction_objective" && $0.isDatasetBuilt })
        let lines = ExperimentPlan(runs: runs).lines()
        #expect(lines[1].hasSuffix("— needs 2 processes") && !lines[0].contains("needs"))
    }

    @Test("tomography_3d.yml: 3-D tiles are one value each, the batch sizes an axis; the dataset is built")
    func tomography3D() throws {
        let runs = try ExperimentFile.load(path: "\(configs)/tomography_3d.yml")[0].expand()
        #expect(runs.map { $0.solverParameters["max_batch_size"] } == [.int(10), .int(8), .int(4), .int(2)])
        #expect(runs.allSatisfy { $0.tileSize == [8, 256, 256] && $0.tileOverlap == [2, 16, 16] })
        #expect(runs[0].solverParameters["denoiser_lambda_relaxation"] == .double(10))
        #expect(runs[0].datasetParameters["geometry_type"] == .string("conebeam"))
        #expect(runs[0].label.hasSuffix("tomography_3d 512³, 2 operators · 2 processes · tiles 8×256×256/2×16×16 · batch 10"))
        let first = ExperimentPlan(runs: runs).lines()[0]
        #expect(first.hasSuffix("needs 2 processes") && !first.contains("not built"), "\(first)")
    }

    @Test("the demo: TV and relaxed DRUNet from FBP, with the bundled weights, 30 iterations")
    func demo() throws {
        let runs = try ExperimentFile.load(path: "\(configs)/demo.yml")[0].expand()
        #expect(runs.map { $0.solverParameters["denoiser"] } == [.string("tv"), .string("drunet")])
        #expect(runs.map { $0.solverParameters["denoiser_lambda_relaxation"] } == [.null, .double(5000)])
        #expect(runs.allSatisfy { $0.solverParameters["init_method"] == .string("fbp") })
        #expect(runs.allSatisfy { $0.solverParameters["denoiser_weights"] == .string("bundled") && $0.maxIterations == 30 })
        #expect(runs[0].datasetParameters["num_operators"] == .int(8))
        #expect(Set(runs.map(\.identifier)).count == 2)
    }

    @Test("config_parallel.yml reads; the empty account is kept as not set")
    func parallelConfig() throws {
        let config = try ParallelConfig.load(path: "\(configs)/config_parallel.yml")
        #expect(config.backend == "submitit" && config.slurmTime == 30 && config.slurmStderrToStdout)
        #expect(config.slurmAdditionalParameters["cpus-per-task"] == .some("10"))
        #expect(config.slurmAdditionalParameters["constraint"] == .some("v100-32g"))
        #expect(config.slurmAdditionalParameters.keys.contains("account") && config.slurmAdditionalParameters["account"] == .some(nil))
        #expect(config.slurmSetup == ["module purge", "module load pytorch-gpu/py3/2.7.0", "export NCCL_DEBUG=INFO"])
        #expect(config.slurmPartition == nil)
    }

    @Test("a list axis of 3 × a zipped axis of 2 × 2 repetitions: 12 runs, last axis fastest, repetitions innermost")
    func gridOrder() throws {
        let yaml = experiment(dataset: "      img_size: 64", solver: """
                init_method: [zeros, pseudo_inverse, fbp]
                slurm_gres, slurm_ntasks_per_node: [["gpu:1", 1], ["gpu:2", 2]]
          """, extra: "n-repetitions: 2")
        let runs = try ExperimentFile(yaml: yaml, path: "grid.yml").expand()
        #expect(runs.count == 12)
        let inits = runs.map { $0.solverParameters["init_method"]!.stringValue! }
        #expect(inits == ["zeros", "zeros", "zeros", "zeros", "pseudo_inverse", "pseudo_inverse", "pseudo_inverse",
                          "pseudo_inverse", "fbp", "fbp", "fbp", "fbp"])
        #expect(runs.map { $0.solverParameters["slurm_ntasks_per_node"]!.intValue! } == [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2])
        #expect(runs.map(\.repetition) == [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
        #expect(runs.map(\.processes) == [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2])
        #expect(runs.allSatisfy { $0.maxIterations == 100 })
        #expect(ExperimentPlan(runs: runs).lines()[1].contains("· repetition 1"))
    }

    @Test("dataset and solver items multiply; dataset grid points are outermost")
    func severalItems() throws {
        let yaml = """
        dataset:
          - tomography_2d: {img_size: [64, 128]}
        solver:
          - PnP: {denoiser: tv}
          - PnP: {denoiser: drunet}
        """
        let runs = try ExperimentFile(yaml: yaml, path: "items.yml").expand()
        #expect(runs.map { $0.datasetParameters["img_size"]!.intValue! } == [64, 64, 128, 128])
        #expect(runs.map { $0.solverParameters["denoiser"]!.stringValue! } == ["tv", "drunet", "tv", "drunet"])
    }

    @Test("every catalog parameter gets its default; ints become floats where floats are expected")
    func defaults() throws {
        let yaml = experiment(dataset: "      noise_level: 0\n      circle: False", solver: "        step_size: 1")
        let run = try #require(try ExperimentFile(yaml: yaml, path: "defaults.yml").expand().first)
        let dataset = try #require(ParameterCatalog.component(.dataset, named: "tomography_2d"))
        let solver = try #require(ParameterCatalog.component(.solver, named: "PnP"))
        #expect(Set(run.datasetParameters.keys) == Set(dataset.parameters.map(\.name)))
        #expect(Set(run.solverParameters.keys) == Set(solver.parameters.map(\.name)))
        #expect(run.datasetParameters["img_size"] == .int(512) && run.datasetParameters["seed"] == .int(42))
        #expect(run.datasetParameters["noise_level"] == .double(0) && run.datasetParameters["circle"] == .bool(false))
        #expect(run.solverParameters["step_size"] == .double(1) && run.solverParameters["step_size_scale"] == .double(0.99))
        #expect(run.solverParameters["denoiser_lambda_relaxation"] == .null)
        #expect(run.solverParameters["denoiser_weights"] == .string("drunet") && run.solverParameters["device"] == .string("cpu"))
        #expect(run.solverParameters["patch_size"] == .int(128) && run.solverParameters["slurm_gres"] == .string("gpu:1"))
    }

    @Test("the plan ends with the run count: 1 run, 2 runs")
    func planCount() throws {
        let one = try ExperimentFile(yaml: experiment(), path: "one.yml")
        let lines = try ExperimentPlan(experiment: one).lines()
        #expect(lines == ["#0  PnP (drunet σ 0.05, init pseudo_inverse) · tomography_2d 512² · 1 process", "1 run"])
        #expect(ExperimentPlan(runs: []).lines() == ["0 runs"])
    }

    @Test("identifiers: same parameters give the same name whatever the file order; others differ")
    func identifiers() throws {
        let first = experiment(dataset: "      img_size: 64\n      num_angles: 30", solver: "        denoiser: [tv, drunet]")
        let reordered = """
        max-runs: 100
        solver:
          - PnP: {denoiser: [tv, drunet], step_size_scale: 0.99}
        dataset:
          - tomography_2d: {num_angles: 30, img_size: 64, noise_level: 0.01}
        """
        let a = try ExperimentFile(yaml: first, path: "a.yml").expand()
        let b = try ExperimentFile(yaml: reordered, path: "b.yml").expand()
        #expect(a.map(\.identifier) == b.map(\.identifier))
        #expect(Set(a.map(\.identifier)).count == 2)
        #expect(a[0].identifier.hasPrefix("pnp-tomography_2d-") && a[0].identifier.hasSuffix("-r0"))
        #expect(a[0].identifier.count == "pnp-tomography_2d-12345678-r0".count)
        let repeated = try ExperimentFile(yaml: first + "\nn-repetitions: 2", path: "c.yml").expand()
        #expect(repeated[0].identifier == a[0].identifier && repeated[1].identifier == a[0].identifier.dropLast() + "1")
        #expect(a[0].withMaxIterations(5).identifier != a[0].identifier)
    }

    @Test("a run survives JSON: whole floats come back as floats, the identifier is unchanged")
    func runJSON() throws {
        let runs = try ExperimentFile.load(path: "\(configs)/tomography_3d.yml")[0].expand()
        let data = try JSONEncoder().encode(runs)
        let decoded = try JSONDecoder().decode([RunSpec].self, from: data)
        #expect(decoded == runs && decoded.map(\.identifier) == runs.map(\.identifier))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"solver_parameters\"") && text.contains("\"max_iterations\":40"))
    }

    @Test("parameter values: accessors, YAML-like text, plain JSON")
    func parameterValues() throws {
        #expect(ParameterValue.int(3).doubleValue == 3 && ParameterValue.double(0.5).intValue == nil)
        #expect(ParameterValue.int(8).intList == [8] && ParameterValue.list([.int(2), .int(16)]).intList == [2, 16])
        #expect(ParameterValue.list([.int(2), .string("x")]).intList == nil)
        #expect(ParameterValue.bool(true).boolValue == true && ParameterValue.string("tv").stringValue == "tv")
        let values: [ParameterValue] = [.double(0.01), .bool(true), .list([.int(8), .int(256), .int(256)]), .null,
                                        .string("gpu:1"), .string("true"), .double(10)]
        #expect(values.map(\.description) == ["0.01", "true", "[8, 256, 256]", "null", "gpu:1", "\"true\"", "10.0"])
        let json = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        #expect(json == #"[0.01,true,[8,256,256],null,"gpu:1","true",10]"#)
        #expect(try JSONDecoder().decode([ParameterValue].self, from: Data(json.utf8)).prefix(6) == values.prefix(6))
    }

    @Test("every catalog default is accepted by its own parameter's type")
    func catalogDefaults() throws {
        for component in ParameterCatalog.datasets + ParameterCatalog.solvers {
            for parameter in component.parameters {
                let yaml = component.kind == .dataset
                    ? experiment(dataset: "      \(parameter.name): \(parameter.defaultValue)").replacingOccurrences(of: "tomography_2d", with: component.name)
                    : experiment(solver: "        \(parameter.name): \(parameter.defaultValue)").replacingOccurrences(of: "- PnP:", with: "- \(component.name):")
                let runs = try ExperimentFile(yaml: yaml, path: "default.yml").expand()
                let value = component.kind == .dataset ? runs[0].datasetParameters[parameter.name] : runs[0].solverParameters[parameter.name]
                #expect(value == parameter.defaultValue, "\(component.name).\(parameter.name)")
            }
        }
        #expect(ParameterCatalog.datasets.map(\.isBuilt) == [true, true, true])
    }

    /// One bad input: the file text, and what the error's description must contain.
    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let line: Int
        let field: String
        let fragment: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "unknown top-level key", yaml: experiment(extra: "plots: true"),
                 line: 7, field: "plots", fragment: "did you mean 'plot'?"),
        BadInput(name: "unknown dataset", yaml: "dataset:\n  - tomography2d\nsolver:\n  - PnP",
                 line: 2, field: "dataset", fragment: "unknown dataset 'tomography2d'; expected one of tomography_2d, tomography_3d, highres_color_image; did you mean 'tomography_2d'?"),
        BadInput(name: "unknown solver", yaml: "dataset:\n  - tomography_2d\nsolver:\n  - pnp",
                 line: 4, field: "solver", fragment: "did you mean 'PnP'?"),
        BadInput(name: "unknown parameter", yaml: experiment(dataset: "      img_sise: 64"),
                 line: 3, field: "dataset.tomography_2d.img_sise", fragment: "unknown tomography_2d parameter 'img_sise'; expected one of img_size, num_operators, num_angles, noise_level, seed, circle; did you mean 'img_size'?"),
        BadInput(name: "unknown name in a zipped key", yaml: experiment(solver: "        slurm_gres, slurm_ntask_per_node: [[\"gpu:1\", 1]]"),
                 line: 6, field: "solver.PnP.slurm_ntask_per_node", fragment: "; did you mean 'slurm_ntasks_per_node'?"),
        BadInput(name: "float for an int", yaml: experiment(dataset: "      num_angles: 1.5"),
                 line: 3, field: "dataset.tomography_2d.num_angles", fragment: "expected an int > 0, got float 1.5"),
        BadInput(name: "string for a bool", yaml: experiment(dataset: "      circle: \"yes\""),
                 line: 3, field: "dataset.tomography_2d.circle", fragment: "expected true or false, got string \"yes\""),
        BadInput(name: "bool for a float", yaml: experiment(dataset: "      noise_level: true"),
                 line: 3, field: "dataset.tomography_2d.noise_level", fragment: "expected a number ≥ 0, got bool true"),
        BadInput(name: "unknown choice", yaml: experiment(solver: "        init_method: [zeros, zero]"),
                 line: 6, field: "solver.PnP.init_method", fragment: "expected one of zeros, pseudo_inverse, fbp, got 'zero'; did you mean 'zeros'?"),
        BadInput(name: "negative noise", yaml: experiment(dataset: "      noise_level: -0.1"),
                 line: 3, field: "dataset.tomography_2d.noise_level", fragment: "expected a number ≥ 0, got -0.1"),
        BadInput(name: "negative size", yaml: experiment(dataset: "      img_size: -5"),
                 line: 3, field: "dataset.tomography_2d.img_size", fragment: "expected an int > 0, got -5"),
        BadInput(name: "max-runs 0", yaml: experiment(extra: "max-runs: 0"),
                 line: 7, field: "max-runs", fragment: "expected an int ≥ 1, got 0"),
        BadInput(name: "tiles as large as the image", yaml: experiment(dataset: "      img_size: 256", solver: """
                        distribute_denoiser: true
                        patch_size: 256
                  """),
                 line: 7, field: "solver.PnP.patch_size", fragment: "patch_size 256 is not smaller than the image (img_size 256 of dataset tomography_2d, line 3)"),
        BadInput(name: "overlap as large as the tile", yaml: experiment(solver: "        patch_size, overlap: [[64, 16], [32, 32]]"),
                 line: 6, field: "solver.PnP.overlap", fragment: "overlap 32 is not smaller than patch_size 32"),
        BadInput(name: "overlap list of another length", yaml: """
                 dataset:
                   - tomography_3d
                 solver:
                   - PnP:
                       patch_size: [8, 256, 256]
                       overlap: [2, 16]
                 """,
                 line: 6, field: "solver.PnP.overlap", fragment: "expected an int or 3 ints for the 3-D dataset tomography_3d"),
        BadInput(name: "zipped row of the wrong length", yaml: experiment(solver: """
                        slurm_gres, slurm_ntasks_per_node: [
                          ["gpu:1", 1],
                          ["gpu:2"],
                        ]
                  """),
                 line: 8, field: "solver.PnP.slurm_gres, slurm_ntasks_per_node", fragment: "row has 1 value; expected 2, one for each of slurm_gres, slurm_ntasks_per_node"),
        BadInput(name: "GPUs and processes disagree", yaml: experiment(solver: "        slurm_gres, slurm_ntasks_per_node: [[\"gpu:v100:2\", 1]]"),
                 line: 6, field: "solver.PnP.slurm_gres", fragment: "slurm_gres gpu:v100:2 requests 2 GPUs per node but slurm_ntasks_per_node 1; expected slurm_ntasks_per_node = 2"),
        BadInput(name: "default GPU request and 2 processes on the GPU",
                 yaml: experiment(solver: "        device: cuda\n        slurm_ntasks_per_node: 2"),
                 line: 7, field: "solver.PnP.slurm_ntasks_per_node", fragment: "slurm_gres gpu:1 (default) requests 1 GPU per node"),
        BadInput(name: "parameter given twice", yaml: experiment(solver: "        overlap: 8\n        patch_size, overlap: [[64, 16]]"),
                 line: 7, field: "solver.PnP.overlap", fragment: "parameter given twice (also on line 6)"),
        BadInput(name: "YAML syntax", yaml: "dataset:\n  - tomography_2d\nsolver: [PnP\n",
                 line: 4, field: "", fragment: "invalid YAML"),
        BadInput(name: "missing solver", yaml: "dataset:\n  - tomography_2d\n",
                 line: 1, field: "solver", fragment: "missing; expected a list of solvers (PnP, PnP-FISTA, PnP-HQS, DPIR, PnP-ADMM)"),
    ]

    @Test("bad input names the file, the line and the field, and says what was expected", arguments: badInputs)
    func badInput(_ input: BadInput) throws {
        let error = #expect(throws: ConfigError.self) {
            try ExperimentFile(yaml: input.yaml, path: "configs/bad.yml").expand()
        }
        let description = error?.description ?? ""
        #expect(error?.line == input.line, "\(description)")
        #expect(description.hasPrefix("configs/bad.yml:\(input.line): \(input.field.isEmpty ? "" : input.field + ": ")"), "\(description)")
        #expect(description.contains(input.fragment), "\(description)")
    }

    @Test("html: false and plot are read; html defaults to true")
    func reportSwitches() throws {
        let file = try ExperimentFile(yaml: "dataset:\n  - tomography_2d\nsolver:\n  - PnP\nhtml: false\nplot: false\n", path: "e.yml")
        #expect(!file.html && !file.plot)
        #expect(try ExperimentFile(yaml: "dataset:\n  - tomography_2d\nsolver:\n  - PnP\n", path: "e.yml").html)
    }

    @Test("parallel config: unknown keys and backends get a suggestion, unsupported ones the reason; a missing file names the file")
    func badParallelConfig() throws {
        let key = #expect(throws: ConfigError.self) { try ParallelConfig(yaml: "backend: local\nslurm_tiem: 5", path: "p.yml") }
        #expect(key?.description == "p.yml:2: slurm_tiem: unknown key 'slurm_tiem'; expected one of \(ParallelConfig.knownKeys.joined(separator: ", ")); did you mean 'slurm_time'?")
        let backend = #expect(throws: ConfigError.self) { try ParallelConfig(yaml: "backend: submitit2", path: "p.yml") }
        #expect(backend?.description == "p.yml:1: backend: expected one of submitit, mpirun, local, slurm, got 'submitit2'; did you mean 'submitit'?")
        let loky = #expect(throws: ConfigError.self) { try ParallelConfig(yaml: "backend: loky", path: "p.yml") }
        #expect(loky?.description.hasPrefix("p.yml:1: backend: 'loky' is not supported: benchopt's loky backend") == true)
        #expect(loky?.description.contains("expected one of submitit, mpirun, local, slurm") == true)
        let missing = #expect(throws: ConfigError.self) { try ExperimentFile.load(path: "/nonexistent/x.yml") }
        #expect(missing?.description.hasPrefix("/nonexistent/x.yml: cannot read file") == true)
    }
}
