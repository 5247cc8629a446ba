import Denoisers
import Experiment

/// The denoiser network of a run, as the planner needs it: the DRUNet configuration its weights
/// give (without loading random weights) and whether it runs on volumes; nil for TV.
struct NetworkShape {
    let configuration: DRUNetConfiguration
    let volumetric: Bool

    init?(_ model: RunModel, workload: Workload) throws {
        let prior = model.solver.prior
        guard prior.kind == .drunet else { return nil }
        let channels = workload.imageShape[0]
        volumetric = workload.isVolume
        configuration = volumetric && prior.weights != "random"
            ? try DenoiserCatalog.resolveVolume(runWeights: prior.weights, channels: channels).model.configuration
            : try DenoiserCatalog.configuration(runWeights: prior.weights, channels: channels)
    }
}
