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
