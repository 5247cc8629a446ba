import Experiment
import Foundation
import Tensor
import Testing

/// A file with one tomography_2d dataset and one PnP solver, their parameters given in flow style.
private func config(dataset: String = "", solver: String = "", extra: String = "") -> String {
    "dataset:\n  - tomography_2d: {\(dataset)}\nsolver:\n  - PnP: {\(solver)}\n\(extra)\n"
}

/// The `ConfigError` that expanding `yaml` throws (nil when it expands).
private func expansionError(_ yaml: String, maxProcesses: Int = RunSpec.defaultMaxProcesses,
                            memory: MemoryBudget = MemoryBudget(availableBytes: 1 << 34, source: "test")) -> ConfigError? {
    do {
        _ = try ExperimentFile(yaml: yaml, path: "probe.yml").expand(maxProcesses: maxProcesses, memory: memory)
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("not a ConfigError: \(error)")
        return nil
    }
}

@Suite("Experiment files: sizes, limits and odd input")
struct ConfigHardeningTests {
    @Test("a dataset larger than the memory is refused by the plan, naming the field and the bytes")
    func planMemory() throws {
        let huge = try #require(expansionError(config(dataset: "img_size: 10000000")))
        #expect(huge.file == "probe.yml" && huge.line == 2 && huge.field == "dataset.tomography_2d.img_size")
        #expect(huge.message.contains("needs") && huge.message.contains("PiB") && huge.message.contains("16.0 GiB available (test)"))
        let angles = try #require(expansionError(config(dataset: "num_angles: 100000000")))
        #expect(angles.field == "dataset.tomography_2d.num_angles")
        let small = MemoryBudget(availableBytes: 1 << 20, source: "test")
        let tight = try #require(expansionError(config(dataset: "img_size: 512"), memory: small))
        #expect(tight.message.contains("more than the 1.0 MiB available (test)"), "\(tight)")
        #expect(expansionError(config(dataset: "img_size: 64"), memory: small) == nil)
    }

    @Test("image sides below 6 and more operators than views are refused when expanding")
    func lowerBounds() throws {
        for side in 1...5 {
            let error = try #require(expansionError(config(dataset: "img_size: \(side)")))
            #expect(error.field == "dataset.tomography_2d.img_size" && error.message.contains("≥ 6"))
        }
        #expect(expansionError(config(dataset: "img_size: 6, num_angles: 4")) == nil)
        let operators = try #require(expansionError(config(dataset: "num_operators: 5, num_angles: 4")))
        #expect(operators.field == "dataset.tomography_2d.num_operators" && operators.message.contains("num_angles 4"))
        let volume = "dataset:\n  - tomography_3d: {%@}\nsolver:\n  - PnP\n"
        for (parameters, field) in [("img_size: 7", "img_size"), ("img_size: [16, 16, 12]", "img_size"),
                                    ("num_projections: 4, num_operators: 5", "num_operators"),
                                    ("num_projections: 1201", "num_projections")] {
            let error = try #require(expansionError(volume.replacingOccurrences(of: "%@", with: parameters)))
            #expect(error.field == "dataset.tomography_3d.\(field)", "\(parameters): \(error)")
        }
    }

    @Test("more than 100000 runs are refused before expanding, naming the fields that multiply")
    func gridSize() throws {
        let repetitions = try #require(expansionError(config(extra: "n-repetitions: 100000000")))
        #expect(repetitions.field == "n-repetitions" && repetitions.line == 5)
        #expect(repetitions.message.contains("100000000 runs") && repetitions.message.contains("100000 allowed"))
        let axis = "[" + (1...30).map(String.init).joined(separator: ", ") + "]"
        let solver = ["max_batch_size", "stop_patience", "tv_iterations", "seed", "denoiser_sigma"].map { "\($0): \(axis)" }
            .joined(separator: ", ")
        let grid = try #require(expansionError(config(dataset: "seed: \(axis)", solver: solver)))
        #expect(grid.message.contains("729000000 runs") && grid.message.contains("30 values"), "\(grid)")
        #expect(grid.field.hasPrefix("dataset.tomography_2d.seed") || grid.field.hasPrefix("solver.PnP."))
    }

    @Test("aliases that expand to billions of values and deep nesting are refused; small aliases work")
    func aliases() throws {
        var bomb = "  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (previous, name) in zip("abcdefghi", "bcdefghij") {
            bomb += "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let laughs = try #require(expansionError(config(extra: "plot:\n" + bomb)))
        #expect(laughs.message.contains("expands to more than 100000 values"), "\(laughs)")
        let deep = try #require(expansionError(config(extra: "plot: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500))))
        #expect(deep.message.contains("nested more than 64 levels"))
        let shared = "dataset:\n  - tomography_2d: &size {img_size: 64}\n  - tomography_2d: *size\nsolver:\n  - PnP\n"
        let runs = try ExperimentFile(yaml: shared, path: "shared.yml").expand()
        #expect(runs.map { $0.datasetParameters["img_size"] } == [.int(64), .int(64)])
    }

    @Test("process counts are bounded per parameter and per run; the limit is a parameter of expand")
    func processes() throws {
        for solver in ["slurm_nodes: 4611686018427387904, slurm_ntasks_per_node: 4",
                       "slurm_nodes: 3, slurm_ntasks_per_node: 6148914691236517206",
                       "torchrun_nproc_per_node: 9223372036854775807"] {
            let error = try #require(expansionError(config(solver: solver)))
            #expect(error.message.contains("≤ 65536"), "\(solver): \(error)")
        }
        let many = config(solver: "slurm_nodes: 3000, slurm_ntasks_per_node: 4, slurm_gres: 'gpu:4'")
        let capped = try #require(expansionError(many))
        #expect(capped.field == "solver.PnP.slurm_nodes" && capped.message.contains("12000 processes"))
        #expect(capped.message.contains("limit of 1024") && capped.message.contains("--max-processes N"))
        let runs = try ExperimentFile(yaml: many, path: "many.yml").expand(maxProcesses: 20000)
        #expect(runs.map(\.processes) == [12000])
        let read = RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "tomography_2d",
                           datasetParameters: [:], solver: "PnP",
                           solverParameters: ["slurm_nodes": .int(1 << 62), "slurm_ntasks_per_node": .int(4)], maxIterations: 1)
        #expect(read.processes == .max)
    }

    @Test("the parallel config's numbers are bounded")
    func parallelBounds() throws {
        for (key, value) in [("slurm_time", "1000000000000"), ("slurm_gpus_per_node", "9223372036854775807"),
                             ("slurm_cpus_per_task", "100000")] {
            #expect { try ParallelConfig(yaml: "backend: slurm\n\(key): \(value)\n", path: "p.yml") } throws: { error in
                let error = error as? ConfigError
                return error?.field == key && error?.line == 2 && error?.message.contains("expected an int in 1...") == true
            }
        }
    }

    @Test("infinite and NaN numbers are refused for every float parameter", arguments: [
        ("dataset", "noise_level"), ("solver", "step_size"), ("solver", "denoiser_sigma"),
        ("solver", "denoiser_lambda_relaxation"), ("solver", "stop_psnr_target"), ("solver", "step_size_scale"),
    ])
    func nonFinite(kind: String, parameter: String) throws {
        for value in [".inf", "-.inf", ".nan"] {
            let yaml = kind == "dataset" ? config(dataset: "\(parameter): \(value)") : config(solver: "\(parameter): \(value)")
            let error = try #require(expansionError(yaml))
            #expect(error.field.hasSuffix(".\(parameter)") && error.message.contains("finite"), "\(value): \(error)")
        }
    }

    @Test("a byte-order mark is skipped; !!int accepts quoted integers; control characters are escaped")
    func oddText() throws {
        #expect(try ExperimentFile(yaml: "\u{FEFF}" + config(), path: "bom.yml").expand().count == 1)
        let tagged = try ExperimentFile(yaml: config(dataset: "img_size: !!int \"64\""), path: "int.yml").expand()
        #expect(tagged[0].datasetParameters["img_size"] == .int(64))
        let word = try #require(expansionError(config(dataset: "img_size: !!int \"abc\"")))
        #expect(word.message == "expected an integer for the !!int tag, got 'abc'")
        // YAML's \e escape puts an ESC into the value that the error quotes.
        let escape = try #require(expansionError(config(dataset: "img_size: \"\\e[31mred\"")))
        #expect(escape.description.contains("\\u{1B}[31mred") && !escape.description.contains("\u{1B}"), "\(escape)")
        let binary = try #require(expansionError("\u{1B}[2J\u{07}\n"))
        #expect(!binary.description.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test("runs that differ only in their DRUNet weights get different labels")
    func weightLabels() throws {
        let runs = try ExperimentFile(yaml: config(solver: "denoiser_weights: [bundled, random, drunet]"), path: "w.yml").expand()
        #expect(Set(runs.map(\.label)).count == 3)
        #expect(runs[0].label.hasPrefix("PnP (drunet σ 0.05, weights bundled, init pseudo_inverse)"))
        #expect(!runs[2].label.contains("weights"))
    }
}
