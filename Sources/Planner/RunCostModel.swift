import Denoisers
import Experiment
import Physics
import Results
import Solvers

/// Predicts a run's memory and time per rank from its typed description (`RunModel`) and a
/// machine profile, without building anything: the dataset's sizes (`Workload`), the operators
/// each rank holds, the denoiser's shape (`NetworkFootprint`, `NetworkTiming`), the windows each
/// rank denoises and in which batches, the solver's work per iteration, and the collectives.
///
/// Memory per rank is the profile's baseline (plus OpenMPI's share under MPI) and what the run
/// holds throughout (ground truth, measurements, the solver's images, the network's weights and
/// workspace), plus the largest of three transients: set-up (the start's filtered back-projection,
/// ‖A‖²'s power iteration, rank 0's preview), the gradient step (a double image for the sum over
/// operators, the operators' scratch) and the denoiser step (the padded image, a batch of windows,
/// the network's feature maps, the gathered result).
public struct RunCostModel {
    public let profile: MachineProfile

    public init(profile: MachineProfile) { self.profile = profile }

    /// How a run's ranks are placed: threads per rank and ranks sharing one node's cores.
    public struct Placement: Sendable, Equatable {
        public var threads: Int
        public var ranksPerNode: Int

        public init(threads: Int, ranksPerNode: Int) {
            self.threads = threads
            self.ranksPerNode = ranksPerNode
        }
    }

    /// The placement the launchers use on this profile's node: one process gets `threads` or every
    /// core; P ranks get `threads` or cores / P each (at least 1); SLURM places
    /// `slurm_ntasks_per_node` ranks per node.
    public func placement(_ model: RunModel, threads: Int?) -> Placement {
        let processes = model.execution.processes
        let perNode = processes == 1 ? 1 : min(processes, model.execution.slurmNodes > 1 ? model.execution.slurmTasksPerNode : processes)
        return Placement(threads: threads ?? max(1, profile.cores / perNode), ranksPerNode: perNode)
    }

    /// The cost of every rank of `model` with `batchSize` windows per denoiser call (0: all of a
    /// rank's windows).
    public func ranks(_ model: RunModel, batchSize: Int, placement: Placement) throws -> [RankCost] {
        try ranks(model, batchSizes: [batchSize], placement: placement)[0]
    }

    /// The cost of every rank for each of `batchSizes`; the workload, the network's shape (its
    /// weights read once) and the rates are worked out once for all of them.
    public func ranks(_ model: RunModel, batchSizes: [Int], placement: Placement) throws -> [[RankCost]] {
        let workload = try model.dataset.workload
        let processes = model.execution.processes
        let rates = profile.rates(threads: placement.threads, ranksOnNode: placement.ranksPerNode)
        let network = try NetworkShape(model, workload: workload)
        return try batchSizes.map { batchSize in
            try (0..<processes).map { rank in
                try cost(rank: rank, model: model, workload: workload, network: network, batchSize: batchSize, rates: rates,
                         threads: placement.threads)
            }
        }
    }

    private func cost(rank: Int, model: RunModel, workload: Workload, network: NetworkShape?, batchSize: Int,
                      rates: KernelRates, threads: Int) throws -> RankCost {
        let processes = model.execution.processes
        let distributed = model.execution.distributePhysics && processes > 1
        let mine = distributed ? DistributedLeastSquaresFidelity.operators(count: workload.operators, rank: rank, size: processes)
            : Array(0..<workload.operators)
        let physics = PhysicsCost(workload: workload, operators: mine, rates: rates)
        let imageBytes = 4 * Double(workload.values), image = resident(imageBytes)
        let work = model.solver.work

        // Held throughout: the baseline, the truth, the measurements, the solver's images.
        var held = (profile.baselineRSSMB + (processes > 1 ? profile.mpiRankRSSMB : 0)) * 1_048_576
        held += image + resident(4 * Double(workload.keepsAllMeasurements ? workload.measurementValues : physics.measurementValues))
        held += physics.heldBytes + Double(work.images) * image

        var cost = RankCost(rank: rank, setupBytes: 0, gradientBytes: 0, denoiseBytes: 0, gradientS: 0, denoiseS: 0,
                            gradientCommS: 0, denoiseCommS: 0, commBytes: 0)
        cost.gradientS = Double(work.normalApplications) * physics.normalSeconds
        if distributed, workload.physics != .blur {
            // Each normal application ends in an all-reduce of the image in double.
            let bytes = 2 * imageBytes
            cost.gradientCommS = Double(work.normalApplications) * profile.allReduceSeconds(bytes: bytes, ranks: processes)
            cost.commBytes += Double(work.normalApplications) * bytes
        }
        let denoiser = try DenoiserStepCost(model: model, workload: workload, network: network, rank: rank, batchSize: batchSize,
                                            rates: rates, threads: threads, profile: profile)
        cost.denoiseS = denoiser.seconds
        (cost.windows, cost.calls) = (denoiser.windows, denoiser.calls)
        cost.denoiseCommS = denoiser.commSeconds
        cost.commBytes += denoiser.commBytes
        held += denoiser.heldBytes

        cost.gradientBytes = held + denoiser.workspaceBytes + physics.normalTransientBytes + 2 * image
        cost.denoiseBytes = held + denoiser.workspaceBytes + denoiser.transientBytes
        // Set-up: the start (filtered back-projection or Aᵀy) and the power iteration for ‖A‖²,
        // each a normal application's transient and two images; rank 0 also renders the preview
        // from the whole problem.
        var setup = held + physics.startTransientBytes + 3 * image
        if rank == 0 { setup += image + 4 * Double(workload.keepsAllMeasurements ? 0 : workload.measurementValues - physics.measurementValues) }
        cost.setupBytes = setup + denoiser.setupBytes
        return cost
    }

    /// The run's prediction from its ranks' costs at `batchSize`: the largest rank's memory, the
    /// slowest rank's time plus the collectives, and the model's curve (`curve`: each batch size
    /// with its ranks' summary; empty for an untiled run).
    func prediction(_ ranks: [RankCost], batchSize: Int, chosen: Bool, budget: MemoryBudgetRule.Budget,
                    curve: [(size: Int, summary: Summary)]) -> RunPrediction {
        let summary = Summary(ranks)
        let points = curve.map { size, point in
            RunPrediction.BatchPoint(maxBatchSize: size, peakRSSMB: point.peakMB, iterationS: point.iterationS, denoiseS: point.denoiseS)
        }
        return RunPrediction(processes: ranks.count, maxBatchSize: batchSize, batchSizeChosen: chosen, peakRSSMB: summary.peakMB,
                             gradientPeakRSSMB: summary.gradientMB, denoisePeakRSSMB: summary.denoiseMB,
                             iterationS: summary.iterationS, gradientS: summary.gradientS, denoiseS: summary.denoiseS,
                             commS: summary.commS, commBytes: summary.commBytes, budgetMB: budget.megabytes,
                             budgetSource: budget.source, profile: profile.source, batchCurve: points)
    }

    /// The largest rank's memory and the iteration's time over all ranks.
    struct Summary {
        let peakMB: Double, gradientMB: Double, denoiseMB: Double
        let iterationS: Double, gradientS: Double, denoiseS: Double, commS: Double, commBytes: Double

        init(_ ranks: [RankCost]) {
            let mebibyte = 1_048_576.0
            peakMB = (ranks.map(\.peakBytes).max() ?? 0) / mebibyte
            gradientMB = (ranks.map(\.gradientBytes).max() ?? 0) / mebibyte
            denoiseMB = (ranks.map(\.denoiseBytes).max() ?? 0) / mebibyte
            let slowest = ranks.max { $0.computeS < $1.computeS }
            gradientS = (ranks.map(\.gradientS).max() ?? 0) + (slowest?.gradientCommS ?? 0)
            denoiseS = (ranks.map(\.denoiseS).max() ?? 0) + (slowest?.denoiseCommS ?? 0)
            commS = (slowest?.gradientCommS ?? 0) + (slowest?.denoiseCommS ?? 0)
            iterationS = (slowest?.computeS ?? 0) + commS
            commBytes = ranks.map(\.commBytes).max() ?? 0
        }
    }
}
