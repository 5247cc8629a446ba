import ArgumentParser
import Benchmarks
import Denoisers
import Experiment
import FoundationEssentials
import Launchers
import Measurement
import Planner
import Processes
import Results
import Runner
import SafeFiles
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// `invscale calibrate`: measures what the planner's model needs on this machine and writes the
/// machine profile (`machine_profile.json` in the cache folder, or `--output`).
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure this machine for the planner (invscale run --plan) and write its machine profile.",
        discussion: """
        Times DRUNet's layers per channel count and item size (2-D and 3-D), the 2-D and 3-D \
        projectors, the FFT and memory traffic at one thread and at every core; measures the \
        resident memory of a small run in one process and on 2 MPI ranks (mpirun), and the \
        all-reduce latency and bandwidth between 2 ranks. About 5 minutes on 2 cores; run it on an \
        otherwise idle machine. The profile is JSON: copy it to describe a cluster's nodes and \
        pass it with invscale run --plan --profile FILE.
        """)

    @Option(help: "Where to write the profile (default: machine_profile.json in $INVSCALE_CACHE or ~/.cache/invscale).")
    var output: String?
    @Option(help: "Timed repetitions per kernel (median).") var reps: Int = 5
    @Flag(help: "Skip the MPI measurements (no mpirun): the rank overhead and the fabric keep conservative values.")
    var noMpi = false

    func validate() throws {
        guard (1...50).contains(reps) else { throw ValidationError("--reps: expected an integer from 1 to 50, got \(reps)") }
    }

    func run() throws {
        RuntimeOptions.fixAllocatorThresholds()
        ThreadPool.configure(threads: ThreadPool.onlineCores())
        let path = output ?? MachineProfile.defaultPath(cacheFolder: WeightsCache.directory)
        let machine = MachineDescription.current, cores = ThreadPool.onlineCores()
        print("calibrating \(machine.cpu), \(cores) cores")
        let scratch = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        // The resident memory first, in a process that has run nothing else yet.
        let probe = try CalibrationRun.spec(processes: 1)
        let single = try SolverRunner.run(probe, in: scratch + "/single")
        var profile = MachineProfile.conservativeDefaults(cores: cores, memoryMB: (machine.memoryGiB ?? 4) * 1024)
        let dataMB = try CalibrationRun.predictedMB(probe, profile: profile, withoutBaseline: true)
        profile.baselineRSSMB = max(1, (single.peakRSSMB ?? profile.baselineRSSMB + dataMB) - dataMB)
        print("  baseline resident memory \(Int(profile.baselineRSSMB)) MiB (a \(CalibrationRun.label) run peaked at \(Int(single.peakRSSMB ?? 0)) MiB)")

        var rates: [KernelRates] = []
        for threads in Set([1, cores]).sorted() {
            ThreadPool.configure(threads: threads)
            rates.append(try MachineCalibration.rates(repetitions: reps) { print($0) })
        }
        if cores > 1 {
            // Single-thread ranks filling the node: every other core runs the same kernel.
            ThreadPool.configure(threads: 1)
            profile.busyRates = try MachineCalibration.rates(repetitions: reps, busyCopies: cores - 1) { print($0) }
        }
        ThreadPool.configure(threads: cores)
        profile.rates = rates
        if noMpi {
            print("  MPI not measured (--no-mpi): rank overhead \(Int(profile.mpiRankRSSMB)) MiB and the fabric's defaults kept")
        } else {
            try measureMPI(into: &profile, scratch: scratch)
        }
        profile.source = "calibrated on \(machine.host) (\(machine.cpu), \(cores) cores) at \(Date.now.ISO8601Format())"
        try profile.validate(source: "calibration")
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try FileWriter.createFolder(String(path[..<slash])) }
        try profile.write(to: path)
        print("machine profile: \(path)")
    }

    /// The rank overhead from the small run on 2 ranks, and the all-reduce from `worker --time-collectives`.
    private func measureMPI(into profile: inout MachineProfile, scratch: String) throws {
        let spec = try CalibrationRun.spec(processes: 2)
        var options = LaunchOptions(launcher: .mpirun, threads: 1)
        options.stallFloorSeconds = 60
        let summaries = ExperimentRunner.run([spec], output: scratch + "/mpi", force: true, launch: options) { _, _ in }
        guard let record = summaries.first?.record, record.status == .finished, let peak = record.peakRSSMBMaxRank else {
            throw PlannerError("invscale calibrate: the 2-rank run under mpirun did not finish (\(summaries.first?.outcome ?? "not run")); rerun with --no-mpi to skip the MPI measurements")
        }
        var single = profile
        single.mpiRankRSSMB = 0
        let without = try CalibrationRun.predictedMB(spec, profile: single, withoutBaseline: false, threads: 1)
        profile.mpiRankRSSMB = max(0, peak - without)
        print("  MPI rank overhead \(Int(profile.mpiRankRSSMB)) MiB (2-rank run peaked at \(Int(peak)) MiB)")

        let log = scratch + "/collectives.txt"
        var (arguments, environment) = MultiProcessLauncher.mpirunPrefix(processes: 2)
        arguments += [ChildProcess.currentExecutable, "worker", "--time-collectives", "--threads", "1"]
        let child = try ChildProcess(arguments, environment: environment, outputFile: log)
        let status = child.wait()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
              let timing = try? JSONDecoder().decode(CollectiveTiming.self, from: Data(line.utf8)) else {
            throw PlannerError("invscale calibrate: timing the all-reduce under mpirun failed (status \(status)): \(text.suffix(400))")
        }
        profile.allReduceLatencyS = timing.latencyS
        profile.allReduceBytesPerS = timing.bytesPerS
        print("  all-reduce between 2 ranks: \(Int(timing.latencyS * 1e6)) µs latency, \(Int(timing.bytesPerS / 1e6)) MB/s")
    }

    private func temporaryFolder() throws -> String {
        var template = Array("/tmp/invscale-calibrate-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw PlannerError("invscale calibrate: cannot create a folder in /tmp") }
        return String(cString: made)
    }
}

/// The small run `invscale calibrate` measures memory with: tomography_2d 96², 32 angles over 2
/// operators, PnP with the bundled DRUNet on the whole image, 2 iterations.
enum CalibrationRun {
    static let label = "tomography_2d 96² PnP"

    static func spec(processes: Int) throws -> RunSpec {
        let yaml = """
        objective: [reconstruction_objective]
        dataset:
          - tomography_2d: {img_size: 96, num_angles: 32, num_operators: 2}
        solver:
          - PnP:
              denoiser: drunet
              denoiser_weights: bundled
              init_method: zeros
              slurm_ntasks_per_node: \(processes)
              distribute_physics: \(processes > 1)
              patch_size: 0
        max-runs: 2
        """
        return try ExperimentFile(yaml: yaml, path: "calibration run").expand()[0]
    }

    /// The model's peak for `spec` in MiB, less the profile's baseline when `withoutBaseline`.
    static func predictedMB(_ spec: RunSpec, profile: MachineProfile, withoutBaseline: Bool, threads: Int? = nil) throws -> Double {
        let model = RunCostModel(profile: profile), run = try RunModel(spec)
        let ranks = try model.ranks(run, batchSize: 0, placement: model.placement(run, threads: threads))
        let peak = (ranks.map(\.peakBytes).max() ?? 0) / 1_048_576
        return withoutBaseline ? peak - profile.baselineRSSMB : peak
    }
}
