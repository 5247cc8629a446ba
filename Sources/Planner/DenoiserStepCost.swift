import Denoisers
import Experiment
import Tensor

/// The denoiser step's cost on one rank: its windows (all of them, or `i mod P == rank` when the
/// tiles are spread), the calls they make in batches, the bytes those calls take, and the
/// exchange of the denoised pixels.
struct DenoiserStepCost {
    var seconds = 0.0
    var commSeconds = 0.0
    var commBytes = 0.0
    /// The network's weights, held from set-up on.
    var heldBytes = 0.0
    /// The workspace the largest call grows to, kept between calls.
    var workspaceBytes = 0.0
    /// Bytes alive during the step besides those.
    var transientBytes = 0.0
    /// What building the network takes while it is built (the weights as read, before conversion).
    var setupBytes = 0.0
    /// This rank's windows and the windows of each call.
    var windows = 0
    var calls: [Int] = []

    init(model: RunModel, workload: Workload, network: NetworkShape?, rank: Int, batchSize: Int, rates: KernelRates,
         threads: Int, profile: MachineProfile) throws {
        let image = 4 * Double(workload.values), channels = workload.imageShape[0]
        let spatial = Array(workload.imageShape.dropFirst())
        let processes = model.execution.processes
        let tvIterations = Double(model.solver.prior.tvIterations)
        if let network {
            heldBytes = Double(network.configuration.footprint(batch: 1, height: 8, width: 8, volumetric: network.volumetric).weightBytes)
            setupBytes = network.volumetric ? 2 * heldBytes / 3 : heldBytes
        }
        /// One call on `batch` items of `size`: seconds, the bytes alive during it beyond its input,
        /// and its workspace. TV keeps a dual of two (three) gradients and work images, 9 values
        /// per input value, and makes 12 passes over its image per iteration.
        func call(_ batch: Int, _ size: [Int]) -> (seconds: Double, transient: Double, workspace: Double) {
            let (depth, height, width) = size.count == 3 ? (size[0], size[1], size[2]) : (1, size[0], size[1])
            guard let network else {
                let bytes = 4 * Double(batch * channels * size.reduce(1, *))
                return (tvIterations * 12 * bytes / rates.memoryBytesPerS, 9 * bytes, 0)
            }
            let footprint = network.configuration.footprint(batch: batch, depth: depth, height: height, width: width,
                                                            volumetric: network.volumetric, threads: threads)
            let time = NetworkTiming.seconds(network.configuration, volumetric: network.volumetric, batch: batch, depth: depth,
                                             height: height, width: width, rates: rates)
            return (time, Double(footprint.residentFeatureMapBytes), Double(footprint.workspaceBytes))
        }
        guard let tiles = model.execution.tileSize else {
            // The whole image in one call, on every rank.
            let whole = call(1, spatial)
            seconds = whole.seconds + 3 * image / rates.memoryBytesPerS
            workspaceBytes = whole.workspace
            transientBytes = whole.transient + 2 * resident(image)
            return
        }
        let tiling = try Tiling(shape: [1, channels] + spatial, patchSize: tiles, overlap: model.execution.overlap)
        let windows = processes > 1 ? DistributedTiledDenoiser.patches(of: tiling, rank: rank, size: processes).count
            : tiling.patches.count
        self.windows = windows
        let window = tiling.windowShape, windowBytes = 4 * Double(channels * window.reduce(1, *))
        let padded = 4 * Double(tiling.paddedShape.reduce(1, *))
        let batch = batchSize == 0 ? max(1, windows) : min(batchSize, max(1, windows))
        if windows > 0 {
            let full = call(batch, window)
            let (calls, rest) = windows.quotientAndRemainder(dividingBy: batch)
            self.calls = Array(repeating: batch, count: calls) + (rest > 0 ? [rest] : [])
            seconds = Double(calls) * full.seconds + (rest > 0 ? call(rest, window).seconds : 0)
            workspaceBytes = full.workspace
            transientBytes = full.transient + 2 * resident(Double(batch) * windowBytes)
        }
        // The padded image, the windows cut and placed, the output, this rank's packed crops.
        seconds += (padded + 2 * Double(windows) * windowBytes) / rates.memoryBytesPerS
        transientBytes += resident(padded) + resident(image) + image * Double(windows) / Double(max(1, tiling.patches.count))
        guard processes > 1 else { return }
        switch model.execution.tileGather {
        case .crops:
            commSeconds = profile.allReduceSeconds(bytes: image, ranks: processes, gather: true)
            commBytes = image
            transientBytes += resident(image)
        case .allReduce:
            commSeconds = profile.allReduceSeconds(bytes: image, ranks: processes)
            commBytes = image
        }
    }
}

/// The resident bytes of a tensor of `bytes` (whole huge pages for large ones).
func resident(_ bytes: Double) -> Double {
    Double(TensorMemory.residentBytes(ofTensorBytes: Int(bytes.rounded(.up))))
}
