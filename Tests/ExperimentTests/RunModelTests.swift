import Foundation
import Experiment
import Testing

@Suite("Typed run model")
struct RunModelTests {
    @Test("every declared parameter has one declaration per component, and its default decodes")
    func declarations() throws {
        for component in ParameterCatalog.datasets + ParameterCatalog.solvers {
            let names = component.parameters.map(\.name)
            #expect(Set(names).count == names.count, "\(component.name) declares a parameter twice")
        }
        let spec = RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "tomography_2d",
                           datasetParameters: [:], solver: "PnP", solverParameters: [:], maxIterations: 1)
        let model = try RunModel(spec)
        #expect(model.execution.processes == 1 && model.execution.tileSize == nil)
        #expect((model.solver as? PnPRun)?.stepSizeScale == 0.99 && model.solver.prior.kind == .drunet)
        #expect(model.dataset.sizeLabel == "512²")
    }

    @Test("a value of the wrong type names the parameter and what its declaration expects")
    func wrongType() {
        let spec = RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "tomography_2d",
                           datasetParameters: [:], solver: "PnP", solverParameters: ["max_batch_size": .string("many")], maxIterations: 1)
        #expect { try RunModel(spec) } throws: { "\($0)".contains("max_batch_size") && "\($0)".contains("an int") }
        #expect(spec.processes == 1)
    }
}

@Suite("The highres_color_image declaration")
struct HighresColorImageRunTests {
    func spec(_ parameters: [String: ParameterValue]) -> RunSpec {
        RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "highres_color_image",
                datasetParameters: parameters, solver: "PnP", solverParameters: [:], maxIterations: 1)
    }

    @Test("the reference's defaults: image_size 2048, 1 operator, noise 0.1, seed 42; built; label by its longest side")
    func defaults() throws {
        let model = try RunModel(spec([:]))
        let dataset = try #require(model.dataset as? HighresColorImageRun)
        #expect(dataset.dataset.imageSize == 2048 && dataset.dataset.numOperators == 1)
        #expect(dataset.dataset.noiseLevel == 0.1 && dataset.dataset.seed == 42)
        #expect(HighresColorImageRun.component.isBuilt && model.dataset.sizeLabel == "2048 px" && model.dataset.operatorCount == 1)
        let other = try RunModel(spec(["image_size": .int(512), "num_operators": .int(8)]))
        #expect(other.dataset.sizeLabel == "512 px" && other.dataset.operatorCount == 8)
    }

    @Test("--plan refuses an image too small for SSIM and one too large for the memory budget, naming image_size")
    func checks() throws {
        let folder = NSTemporaryDirectory() + "invscale-highres-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (size, message) in [(6, "SSIM"), (400_000, "memory")] {
            let path = folder + "/e\(size).yml"
            try "dataset:\n  - highres_color_image:\n      image_size: \(size)\nsolver:\n  - PnP\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect { try ExperimentFile.load(path: path)[0].expand() } throws: {
                "\($0)".contains("image_size") && "\($0)".lowercased().contains(message.lowercased())
            }
        }
    }
}
