import Communication
import Denoisers
import Experiment
import Planner
import Synchronization
import Tensor
import Testing

/// The planner's pieces against the code they describe: the windows and calls it predicts against
/// what the tiled denoisers hand their network, and the bytes it predicts against what the
/// collectives of a real gradient and denoiser step are given.
@Suite struct PlannerPiecesTests {
    /// A tomography_2d run of `processes` ranks with operators and tiles split.
    static func spec(processes: Int, patch: Int, overlap: Int, batch: Int, gather: String = "crops", side: Int = 64) throws -> RunSpec {
        let yaml = """
        objective: [reconstruction_objective]
        dataset:
          - tomography_2d: {img_size: \(side), num_angles: 24, num_operators: 4}
        solver:
          - PnP:
              denoiser: tv
              tv_iterations: 2
              slurm_ntasks_per_node: \(processes)
              distribute_physics: true
              distribute_denoiser: true
              patch_size: \(patch)
              overlap: \(overlap)
              max_batch_size: \(batch)
              tile_gather: \(gather)
        max-runs: 1
        """
        return try ExperimentFile(yaml: yaml, path: "planner test").expand()[0]
    }

    static let profile = MachineProfile.conservativeDefaults(cores: 2, memoryMB: 4096)

    @Test(arguments: [(1, 24, 8, 0), (1, 24, 8, 2), (2, 24, 8, 3), (3, 20, 6, 2), (4, 16, 4, 0)])
    func windowsAndCallsMatchTheTiler(processes: Int, patch: Int, overlap: Int, batch: Int) throws {
        let spec = try Self.spec(processes: processes, patch: patch, overlap: overlap, batch: batch)
        let run = try RunModel(spec)
        let model = RunCostModel(profile: Self.profile)
        let ranks = try model.ranks(run, batchSize: batch, placement: .init(threads: 1, ranksPerNode: processes))
        let image = Tensor(shape: [1, 1, 64, 64], repeating: 0.5)
        for rank in 0..<processes {
            let inner = CountingDenoiser()
            let communicator = RecordingCommunicator(rank: rank, size: processes)
            let tiled: any Denoiser = processes == 1
                ? TiledDenoiser(inner: inner, patchSize: [patch], overlap: [overlap], maxBatchSize: batch)
                : DistributedTiledDenoiser(inner: inner, patchSize: [patch], overlap: [overlap], maxBatchSize: batch,
                                           communicator: communicator)
            _ = try tiled.denoise(image, sigma: [0.1])
            #expect(ranks[rank].calls == inner.calls, "rank \(rank) of \(processes)")
            #expect(ranks[rank].windows == inner.calls.reduce(0, +))
        }
    }

    @Test(arguments: ["crops", "all_reduce"])
    func collectiveBytesMatchWhatTheStepsSend(gather: String) throws {
        let processes = 2
        let spec = try Self.spec(processes: processes, patch: 24, overlap: 8, batch: 0, gather: gather)
        let run = try RunModel(spec)
        let ranks = try RunCostModel(profile: Self.profile).ranks(run, batchSize: 0, placement: .init(threads: 1, ranksPerNode: 2))
        for rank in 0..<processes {
            let communicator = RecordingCommunicator(rank: rank, size: processes)
            let data = try run.makeData(communicator: communicator)
            let denoiser = try run.solver.prior.make(shape: data.groundTruth.shape, execution: run.execution, communicator: communicator)
            communicator.bytes.withLock { $0 = 0 }
            let x = Tensor(shape: data.groundTruth.shape, repeating: 0.25)
            _ = try data.fidelity.gradient(x)
            _ = try denoiser.denoiser.denoise(x, sigma: [0.05])
            #expect(Double(communicator.bytes.withLock { $0 }) == ranks[rank].commBytes, "rank \(rank), \(gather)")
        }
    }

    @Test func footprintGrowsWithTheBatchAndTheDepth() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [16, 32, 64, 128], blocks: 2)
        let one = configuration.footprint(batch: 1, height: 96, width: 96)
        let four = configuration.footprint(batch: 4, height: 96, width: 96)
        #expect(four.featureMapBytes == 4 * one.featureMapBytes)
        #expect(one.featureMapBytes == 4 * 96 * 96 * (2 + 3 * 16))
        #expect(four.weightBytes == one.weightBytes)
        let volume = configuration.footprint(batch: 1, depth: 12, height: 40, width: 40, volumetric: true)
        // Padded to 16 planes of 40², the input's 2 channels to 8.
        #expect(volume.featureMapBytes == 4 * 16 * 40 * 40 * (8 + 3 * 16))
        #expect(volume.weightBytes > 2 * one.weightBytes)
    }
}

/// An identity denoiser that records the batch size of every call.
final class CountingDenoiser: Denoiser, @unchecked Sendable {
    private let recorded = Mutex<[Int]>([])
    var calls: [Int] { recorded.withLock { $0 } }

    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        recorded.withLock { $0.append(x.shape[0]) }
        return x
    }
}

/// Rank `rank` of a world of `size` that sends nothing: collectives return their input (an
/// all-gather, zeros for the other ranks' parts) and count the bytes of the buffers they are given.
final class RecordingCommunicator: Communicator, @unchecked Sendable {
    let rank: Int
    let size: Int
    let bytes = Mutex<Int>(0)

    init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    func barrier() throws {}
    func broadcast(_ values: inout [Double], root: Int) throws {}
    func allReduce(_ values: UnsafeMutableBufferPointer<Float>, _ reduction: Reduction) throws {
        if values.count > 8 { bytes.withLock { $0 += 4 * values.count } }
    }
    func allReduce(_ values: inout [Double], _ reduction: Reduction) throws {
        if values.count > 8 { bytes.withLock { $0 += 8 * values.count } }
    }
    func allGatherV(_ local: [Float], counts: [Int]) throws -> [Float] {
        let total = counts.reduce(0, +)
        bytes.withLock { $0 += 4 * total }
        var result = [Float](repeating: 0, count: total)
        let start = counts[..<rank].reduce(0, +)
        result.replaceSubrange(start..<(start + local.count), with: local)
        return result
    }
    func gatherV(_ local: [Float], counts: [Int], root: Int) throws -> [Float]? { nil }
    func abort(code: Int32) -> Never { fatalError("abort \(code)") }
    func takeCommunicationSeconds() -> Double { 0 }
}
