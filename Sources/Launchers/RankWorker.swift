import Communication
import Experiment
import Figures
import FoundationEssentials
import Results
import Runner
import SafeFiles
#if canImport(Glibc)
import Glibc
#endif

/// What one rank of a multi-process run does (`invscale worker RUNSPEC.json --output FOLDER`):
/// checks that the world has the planned size, starts its `RankHeartbeat`, runs its part of the
/// PnP run, and on any error
/// writes it to `error_rank<r>.txt` and aborts the whole job, so no other rank waits forever in
/// a collective.
public enum RankWorker {
    /// Runs the spec at `specFile` on `world`, expecting `expectedSize` ranks (the spec's process
    /// count when nil); returns normally only when every rank finished or was interrupted.
    public static func run(specFile: String, folder: String, world: any Communicator, expectedSize: Int?) {
        let files = RunFolder(folder)
        do {
            let spec = try RunFolder.readSpec(specFile)
            let expected = expectedSize ?? spec.processes
            guard world.size == expected else {
                throw LaunchError("the MPI world has \(world.size) ranks but the run needs \(expected) (started without mpirun/srun, or by the launcher of another MPI, e.g. srun --mpi=pmi2 with OpenMPI?)")
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileWriter.write(text: RunFolder.pidRecord(pid: getpid()), to: files.pidFile(rank: world.rank))
            Interruption.install()
            let heartbeat = RankHeartbeat(path: files.heartbeatFile(rank: world.rank))
            heartbeat.start()
            try SolverRunner.run(spec, in: folder, communicator: world) { row in
                heartbeat.iterations.store(row.iteration, ordering: .relaxed)
                guard world.rank == 0 else { return }
                print("it \(row.iteration)/\(spec.plannedIterations) PSNR \(NumberText.fixed(row.psnr ?? .nan, digits: 2)) dB "
                      + "\(NumberText.fixed(row.iterationSeconds, digits: 3)) s (comm \(NumberText.fixed(row.communicationSeconds, digits: 3)))")
                fflush(nil)
            }
        } catch {
            fail(rank: world.rank, message: "\(error)", files: files, world: world)
        }
    }

    /// Records `message` for the launcher, prints it and aborts every rank.
    static func fail(rank: Int, message: String, files: RunFolder, world: any Communicator) -> Never {
        try? FileWriter.write(text: message, to: files.errorFile(rank: rank))
        let line = "invscale worker: rank \(rank): \(message)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        world.abort(code: 2)
    }
}
