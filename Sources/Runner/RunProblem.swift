import Communication
import Denoisers
import Experiment
import Metrics
import Solvers
import Tensor

/// What a run needs on one rank of `communicator`, built from its typed description
/// (`RunModel`): the dataset's part, the denoiser (tiled with `distribute_denoiser`, its tiles
/// spread over the processes) and the solver settings.
struct RunProblem {
    /// The typed run.
    let model: RunModel
    /// The dataset's part on this rank.
    let data: RunData
    let denoiser: any Denoiser
    /// A sentence saying which denoiser runs (weights, tiling).
    let denoiserDescription: String
    /// Windows per denoiser call over all ranks, when the denoiser is tiled.
    let tileWindows: Int?

    init(spec: RunSpec, communicator: any Communicator = LocalCommunicator()) throws {
        model = try RunModel(spec)
        guard model.execution.isOnCPU else { throw RunModelError.notBuilt("device \(model.execution.device) (the GPU backend)") }
        data = try model.makeData(communicator: communicator)
        (denoiser, denoiserDescription, tileWindows) = try model.solver.prior.make(
            shape: data.groundTruth.shape, execution: model.execution, communicator: communicator)
    }

    /// PSNR, SSIM and MSE of `x` over the dataset's value range.
    func score(_ x: Tensor) throws -> (psnr: Double, ssim: Double, mse: Double) {
        let (low, high) = (Double(data.valueRange.lowerBound), Double(data.valueRange.upperBound))
        return (try peakSignalToNoiseRatio(x, data.groundTruth, maxPixel: high, minPixel: low)[0],
                try structuralSimilarity(x, data.groundTruth, maxPixel: high, minPixel: low)[0],
                try meanSquaredError(x, data.groundTruth)[0])
    }
}
