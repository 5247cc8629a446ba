import Experiment
import FoundationEssentials
import Processes
#if canImport(Glibc)
import Glibc
#endif

/// How `invscale run` starts runs (`--launcher`).
public enum LauncherKind: String, Sendable, CaseIterable {
    /// SLURM for multi-process runs when `sbatch` is on PATH and configured, else mpirun;
    /// 1-process runs in this process.
    case auto
    /// Every run in this process; runs needing several processes are reported, not run.
    case local
    /// Multi-process runs as `mpirun -np P invscale worker …`; 1-process runs in this process.
    case mpirun
    /// Every run as one `sbatch` job (`srun --mpi=pmix invscale worker …`), followed to its end.
    case slurm
}

/// Where one run goes.
enum LaunchRoute: Equatable {
    case inProcess, mpirun, slurm
    /// The run cannot start with this launcher; the reason.
    case refused(String)
}

/// The launch settings of `invscale run`.
public struct LaunchOptions: Sendable {
    /// The launcher asked for.
    public var launcher: LauncherKind
    /// Threads per rank; nil: cores / processes (at least 1) for mpirun, `cpus-per-task` under SLURM.
    public var threads: Int?
    /// Write the SLURM scripts and print the launch commands, but start nothing.
    public var dryRun: Bool
    /// The parallel configuration (SLURM options), if a file was given.
    public var parallelConfig: ParallelConfig?
    /// The invscale binary the ranks run.
    public var executable: String
    /// The least time a rank may go without progress before its run is failed (`StallWatch`).
    public var stallFloorSeconds: Double = StallWatch.defaultFloorSeconds

    /// Options for `launcher`; the ranks run this program unless `executable` says otherwise.
    /// With `--launcher auto` a parallel configuration's `backend` chooses: `submitit` (the
    /// reference's SLURM backend) and `slurm` select SLURM, `mpirun` and `local` themselves.
    public init(launcher: LauncherKind = .auto, threads: Int? = nil, dryRun: Bool = false,
                parallelConfig: ParallelConfig? = nil, executable: String? = nil) {
        self.launcher = launcher == .auto ? parallelConfig.map { Self.launcher(of: $0) } ?? .auto : launcher
        self.threads = threads
        self.dryRun = dryRun
        self.parallelConfig = parallelConfig
        self.executable = executable ?? ChildProcess.currentExecutable
    }

    /// The launcher a parallel configuration's backend names.
    static func launcher(of config: ParallelConfig) -> LauncherKind {
        switch config.backend {
        case "submitit", "slurm": .slurm
        case "mpirun": .mpirun
        case "local": .local
        default: .auto
        }
    }

    /// Whether a SLURM cluster is reachable from here: `sbatch` on PATH and a configuration
    /// (`SLURM_CONF`, or `/etc/slurm/slurm.conf`).
    static var slurmAvailable: Bool {
        ChildProcess.which("sbatch") != nil
            && (ProcessInfo.processInfo.environment["SLURM_CONF"] != nil || access("/etc/slurm/slurm.conf", R_OK) == 0)
    }

    /// Where a run of `processes` processes goes.
    func route(processes: Int) -> LaunchRoute {
        switch launcher {
        case .slurm: return .slurm
        case .local:
            return processes == 1 ? .inProcess
                : .refused("needs \(processes) processes: use --launcher mpirun or slurm (or auto)")
        case .mpirun: return processes == 1 ? .inProcess : .mpirun
        case .auto:
            if processes == 1 { return .inProcess }
            if Self.slurmAvailable { return .slurm }
            return ChildProcess.which("mpirun") != nil ? .mpirun
                : .refused("needs \(processes) processes but neither mpirun nor a configured sbatch is on PATH (make bootstrap installs OpenMPI)")
        }
    }
}
