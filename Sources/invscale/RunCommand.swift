import ArgumentParser
import Datasets
import Denoisers
import Experiment
import FoundationEssentials
import Launchers
import Measurement
import Planner
import Report
import Runner
import SafeFiles
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// `invscale run`: expands an experiment file into runs, prints the plan, runs them one by one with
/// live progress, writes every result as it is produced and prints a final table.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment file (benchopt format), or the built-in default experiment.",
        discussion: """
        Results go to OUTPUT/<run identifier>/: run.json (spec, machine, status), metrics_rank0.csv \
        (one row per iteration, written as it happens), reconstruction.npy, initial.npy and \
        comparison.png. Runs already finished there are skipped unless --force. Ctrl-C finishes the \
        current iteration, marks the run interrupted and stops.

        Rows that need P > 1 processes (slurm_ntasks_per_node × slurm_nodes, or \
        torchrun_nproc_per_node) run as P ranks of `invscale worker`: with mpirun (threads per rank = \
        cores / P unless --threads), or as one sbatch job each (script job.sbatch in the run folder, \
        options from --parallel-config). --launcher auto follows the parallel configuration's \
        backend (submitit or slurm: SLURM; mpirun; local), else picks SLURM when sbatch is on PATH \
        and configured, else mpirun. `html: false` in the experiment file skips the report.
        """)

    @Argument(help: "Experiment file (YAML). Without it: tomography_2d 256², 100 angles, 8 operators, PnP with the bundled DRUNet.")
    var config: String?
    @Option(help: "Parallel configuration file (backend, slurm_* keys), checked now and used by the launchers.")
    var parallelConfig: String?
    @Option(help: "Output folder.") var output: String = "outputs/runs"
    @Option(help: "Folder with real data (the walnut for tomography_3d; see `invscale data fetch walnut`), default $INVSCALE_DATA; passed to every process of a run.")
    var dataDir: String?
    @Option(help: "Iterations per run, overriding the file's max-runs.") var maxRuns: Int?
    @Option(help: "The most processes one run may ask for (a guard against typos such as 2000 ranks); raise it knowingly.")
    var maxProcesses: Int = RunSpec.defaultMaxProcesses
    @Flag(help: "Run again the runs that finished before.") var force = false
    @Flag(help: "Print the plan with each run's predicted memory and time, and exit.") var plan = false
    @Flag(help: "With --plan: print one JSON object per run per line instead (notes go to standard error).") var json = false
    @Option(help: "Machine profile for the predictions (default: the one invscale calibrate wrote in the cache folder, else conservative defaults).")
    var profile: String?
    @Option(help: "How multi-process runs start: auto, local, mpirun or slurm.") var launcher: LauncherKind = .auto
    @Flag(help: "Write the SLURM scripts and print the launch commands without starting anything.") var dryRun = false
    @Flag(help: "When another invscale run holds the output folder, wait for it instead of refusing.") var wait = false
    @Option(help: "Seconds a rank of a multi-process run may go without progress before the run is failed (the bound is the larger of this and 10 × the median iteration).")
    var stallTimeout: Double = 120
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        if let maxRuns, maxRuns <= 0 { throw ValidationError("--max-runs: expected a positive integer, got \(maxRuns)") }
        guard (1...RunSpec.maxParameterProcesses).contains(maxProcesses) else {
            throw ValidationError("--max-processes: expected an integer from 1 to \(RunSpec.maxParameterProcesses), got \(maxProcesses)")
        }
        if json && !plan { throw ValidationError("--json: only with --plan") }
        guard stallTimeout.isFinite, stallTimeout >= 1 else {
            throw ValidationError("--stall-timeout: expected a number of seconds ≥ 1, got \(stallTimeout)")
        }
    }

    func run() throws {
        try runtime.configure()
        let experiments = try config.map { try ExperimentFile.load(path: $0) }
            ?? [ExperimentFile(yaml: DefaultExperiment.yaml, path: DefaultExperiment.name)]
        let name = experiments[0].path + (experiments.count > 1 ? " (\(experiments.count) experiments)" : "")
        let parallel = try parallelConfig.map { try ParallelConfig.load(path: $0) }
        // Set before expansion: the plan's memory check looks for the walnut there. Processes
        // started by the launchers (mpirun, srun) inherit the environment.
        if let dataDir { setenv(DataFolder.environmentVariable, absolute(dataDir), 1) }
        var runs: [RunSpec] = []
        for experiment in experiments { runs += try experiment.expand(maxProcesses: maxProcesses, firstIndex: runs.count) }
        if let maxRuns { runs = runs.map { $0.withMaxIterations(maxRuns) } }
        let (machineProfile, note) = try MachineProfile.resolve(
            path: profile, cacheFolder: WeightsCache.directory, cores: ThreadPool.onlineCores(),
            memoryMB: (MachineDescription.current.memoryGiB ?? 4) * 1024)
        let planner = RunPlanner(profile: machineProfile, threads: runtime.threads)
        var plans: [Int: PlannedRun] = [:], problems: [Int: String] = [:]
        for spec in runs where spec.isDatasetBuilt {
            do { plans[spec.index] = try planner.plan(spec) } catch { problems[spec.index] = "\(error)" }
        }
        if let note { printError("note: \(note)") }
        if plan && json {
            for spec in runs {
                print(try JSONOutput.string(PlanOutput.Line(spec: spec, plan: plans[spec.index], problem: problems[spec.index],
                                                           profile: machineProfile.source)))
            }
            return
        }
        runs = runs.map { plans[$0.index]?.spec ?? $0 }
        print("experiment \(name)")
        ExperimentPlan(runs: runs).lines().forEach { print($0) }
        PlanOutput.table(runs: runs, plans: plans, problems: problems, profile: machineProfile.source).forEach { print($0) }
        guard !plan else { return }
        Interruption.install()
        let lock = try FolderLock(folder: absolute(output), command: CommandLine.arguments.joined(separator: " "), wait: wait,
                                  waiting: { printError("waiting for \($0) to release \(output)") },
                                  shouldStop: { Interruption.received != nil })
        if let previous = lock.takenOverFrom { printError("note: \(output) was held by \(previous), which has ended; taking it over") }
        let terminal = isatty(STDOUT_FILENO) == 1
        var pending = false
        var launch = LaunchOptions(launcher: launcher, threads: runtime.threads, dryRun: dryRun, parallelConfig: parallel)
        launch.stallFloorSeconds = stallTimeout
        let summaries = ExperimentRunner.run(runs, output: absolute(output), force: force, launch: launch,
                                             predictions: plans.mapValues(\.prediction),
                                             refusals: plans.compactMapValues(\.refusal)) { line, kind in
            if terminal && kind == .transient {
                print("\r\u{1B}[2K" + line, terminator: "")
                fflush(nil)
                pending = true
            } else {
                print((terminal && pending ? "\r\u{1B}[2K" : "") + line)
                pending = false
                if kind == .failure, !terminal || isatty(STDERR_FILENO) == 0 { printError(line.trimmingCharacters(in: .whitespaces)) }
            }
        }
        print("")
        ExperimentRunner.table(summaries).forEach { print($0) }
        print("results in \(output)")
        if experiments.contains(where: { !$0.html }) {
            print("report: not written (html: false in \(experiments[0].path)); invscale report \(output) writes it")
        } else if !dryRun, summaries.contains(where: { $0.record != nil }) {
            do {
                let report = try ReportWriter.write(results: absolute(output))
                print("report: \(report.html) (summary: \(report.csv))")
                for problem in report.unreadable { printError("warning: left out of the report: \(problem)") }
            } catch {
                printError("no report: \(error)")
            }
        }
        withExtendedLifetime(lock) {}
        if Interruption.received != nil || summaries.contains(where: { $0.outcome == "interrupted" }) { throw ExitCode(130) }
        if summaries.contains(where: { $0.outcome == "failed" || $0.outcome.hasPrefix("refused") }) { throw ExitCode(1) }
        if !dryRun, !summaries.contains(where: { $0.record != nil }) {
            printError("invscale run: nothing was run (\(Set(summaries.map(\.outcome)).sorted().joined(separator: "; ")))")
            throw ExitCode(1)
        }
    }
}

extension LauncherKind: ExpressibleByArgument {}

/// `path` made absolute (the ranks of a launched run may start in another directory).
private func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

/// The experiment `invscale run` runs without a file (and `make demo`).
enum DefaultExperiment {
    static let name = "built-in default experiment"
    static let yaml = """
    objective:
      - reconstruction_objective
    dataset:
      - tomography_2d:
          img_size: 256
          num_angles: 100
          num_operators: 8
          noise_level: 0.01
    solver:
      - PnP:
          denoiser: drunet
          denoiser_weights: bundled
          denoiser_sigma: 0.015
          denoiser_lambda_relaxation: 5000.0
          init_method: fbp
    max-runs: 30
    n-repetitions: 1
    """
}
