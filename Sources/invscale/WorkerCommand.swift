import ArgumentParser
import Communication
import FoundationEssentials
import Launchers
import Measurement
import MPICommunication
#if canImport(Glibc)
import Glibc
#endif

/// `invscale worker`: the per-rank entry point of multi-process runs, started by `mpirun` or
/// `srun` (the launchers of `invscale run` do it). `RUNSPEC.json --output FOLDER` runs this
/// rank's part of a run; `--check-world N` verifies that MPI started N ranks (an MPI under the
/// wrong launcher silently starts singletons) and exercises every collective, printing one JSON
/// line per rank.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Per-rank entry point of multi-process runs (started by mpirun or srun).")

    @Argument(help: "The run to execute (runspec.json, written by `invscale run`).") var runSpec: String?
    @Option(help: "The run's folder (results).") var output: String?
    @Option(help: "Ranks expected (default: the run's process count).") var world: Int?
    @Option(help: "Check that the MPI world has this many ranks and that the collectives work, then exit.")
    var checkWorld: Int?
    @Flag(help: "Time all-reduces and all-gathers (latency, bandwidth, and both from 4 KiB to 64 MiB) and print them as JSON on rank 0, then exit (invscale calibrate).")
    var timeCollectives = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        if let checkWorld, checkWorld <= 0 { throw ValidationError("--check-world: expected a positive integer, got \(checkWorld)") }
        if let world, world <= 0 { throw ValidationError("--world: expected a positive integer, got \(world)") }
        guard [checkWorld != nil, runSpec != nil, timeCollectives].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of RUNSPEC.json (with --output), --check-world N or --time-collectives")
        }
        if runSpec != nil, output == nil { throw ValidationError("--output: the run's folder is required with RUNSPEC.json") }
    }

    func run() throws {
        try runtime.configure()
        let communicator = try MPICommunicator()
        if let runSpec, let output {
            RankWorker.run(specFile: runSpec, folder: output, world: communicator, expectedSize: world)
            communicator.finalize()
            return
        }
        if timeCollectives {
            let timing = try CollectiveTiming.run(on: communicator)
            if communicator.rank == 0 { print(try JSONOutput.string(timing)) }
            communicator.finalize()
            return
        }
        guard let checkWorld else { return }
        guard communicator.size == checkWorld else {
            let message = "invscale worker: rank \(communicator.rank) sees an MPI world of \(communicator.size) ranks, expected \(checkWorld) (started without mpirun/srun, or by a launcher of another MPI?)\n"
            _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            communicator.abort(code: 3)
        }
        print(try JSONOutput.string(try WorldCheck.run(on: communicator)))
        communicator.finalize()
    }
}

/// What `worker --check-world` computes on each rank, with values every rank can predict.
struct WorldCheck: Codable {
    let rank: Int
    let size: Int
    /// Σ over ranks of (r + 1), and the max, from float and double all-reduces.
    let sum: Float
    let max: Float
    let doubleSum: Double
    /// Rank r contributes r + 1 copies of r: the all-gathered values.
    let gathered: [Float]
    /// The same through a gather to rank 0 (nil elsewhere).
    let gatheredAtRoot: [Float]?
    /// The root's value after a broadcast from the last rank.
    let broadcast: Double

    static func run(on world: any Communicator) throws -> WorldCheck {
        var floats = [Float(world.rank + 1), Float(world.rank + 1)]
        try floats.withUnsafeMutableBufferPointer { try world.allReduce(UnsafeMutableBufferPointer(rebasing: $0[0..<1]), .sum) }
        try floats.withUnsafeMutableBufferPointer { try world.allReduce(UnsafeMutableBufferPointer(rebasing: $0[1..<2]), .max) }
        var doubles = [Double(world.rank + 1)]
        try world.allReduce(&doubles, .sum)
        let counts = (0..<world.size).map { $0 + 1 }
        let local = [Float](repeating: Float(world.rank), count: world.rank + 1)
        let gathered = try world.allGatherV(local, counts: counts)
        let atRoot = try world.gatherV(local, counts: counts, root: 0)
        var value = [Double(world.rank == world.size - 1 ? 42 : -1)]
        try world.broadcast(&value, root: world.size - 1)
        try world.barrier()
        return WorldCheck(rank: world.rank, size: world.size, sum: floats[0], max: floats[1], doubleSum: doubles[0],
                          gathered: gathered, gatheredAtRoot: atRoot, broadcast: value[0])
    }
}
