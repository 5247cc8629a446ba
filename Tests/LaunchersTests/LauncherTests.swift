@testable import Launchers
import Experiment
import Results
import Tensor
import Testing

/// A PnP run on tomography_2d with the solver parameters `solver` (the rest defaults).
private func spec(_ solver: [String: ParameterValue]) -> RunSpec {
    RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "tomography_2d",
            datasetParameters: ["img_size": .int(64)], solver: "PnP", solverParameters: solver, maxIterations: 3)
}

@Suite("Launchers")
struct LauncherTests {
    @Test("routes: 1-process rows in process (except under slurm), local refuses several processes")
    func routes() {
        #expect(LaunchOptions(launcher: .mpirun, executable: "/x").route(processes: 1) == .inProcess)
        #expect(LaunchOptions(launcher: .mpirun, executable: "/x").route(processes: 3) == .mpirun)
        #expect(LaunchOptions(launcher: .slurm, executable: "/x").route(processes: 1) == .slurm)
        #expect(LaunchOptions(launcher: .auto, executable: "/x").route(processes: 1) == .inProcess)
        guard case let .refused(reason) = LaunchOptions(launcher: .local, executable: "/x").route(processes: 2) else {
            Issue.record("local must refuse a 2-process run")
            return
        }
        #expect(reason.contains("2 processes") && reason.contains("--launcher mpirun"))
    }

    @Test("a parallel config's backend picks the launcher under --launcher auto; an explicit launcher wins")
    func backends() throws {
        func config(_ backend: String) throws -> ParallelConfig { try ParallelConfig(yaml: "backend: \(backend)", path: "p.yml") }
        #expect(LaunchOptions(parallelConfig: try config("submitit"), executable: "/x").launcher == .slurm)
        #expect(LaunchOptions(parallelConfig: try config("slurm"), executable: "/x").launcher == .slurm)
        #expect(LaunchOptions(parallelConfig: try config("mpirun"), executable: "/x").launcher == .mpirun)
        #expect(LaunchOptions(parallelConfig: try config("local"), executable: "/x").launcher == .local)
        #expect(LaunchOptions(launcher: .mpirun, parallelConfig: try config("submitit"), executable: "/x").launcher == .mpirun)
        #expect(LaunchOptions(executable: "/x").launcher == .auto)
    }

    @Test("mpirun: -np P, --oversubscribe only beyond the cores, threads cores / P unless given, the worker command")
    func mpirunCommand() {
        let cores = ThreadPool.onlineCores(), folder = RunFolder("/runs/r")
        let many = spec(["slurm_ntasks_per_node": .int(2 * cores + 1)])
        let command = MultiProcessLauncher.mpirunCommand(spec: many, folder: folder, options: LaunchOptions(launcher: .mpirun, executable: "/bin/invscale"))
        #expect(command.arguments.starts(with: ["mpirun", "-np", "\(2 * cores + 1)"]))
        #expect(command.arguments.contains("--oversubscribe") && command.threads == 1)
        #expect(command.arguments.suffix(7) == ["/bin/invscale", "worker", "/runs/r/runspec.json", "--output", "/runs/r", "--threads", "1"])
        let two = MultiProcessLauncher.mpirunCommand(spec: spec(["slurm_ntasks_per_node": .int(1), "slurm_nodes": .int(1)]),
                                                      folder: folder, options: LaunchOptions(launcher: .mpirun, threads: 3, executable: "/x"))
        #expect(!two.arguments.contains("--oversubscribe") && two.threads == 3 && two.arguments.last == "3")
    }

    @Test("SLURM request: nodes and tasks from the row, GPUs only for a GPU device, the worker under srun")
    func slurmRequest() {
        let folder = RunFolder("/runs/r")
        let row: [String: ParameterValue] = ["slurm_nodes": .int(2), "slurm_ntasks_per_node": .int(2), "slurm_gres": .string("gpu:2")]
        let (cpu, threads) = SlurmLauncher.request(spec(row), folder: folder, options: LaunchOptions(launcher: .slurm, executable: "/x"))
        #expect(cpu.nodes == 2 && cpu.tasksPerNode == 2 && cpu.gres == nil && threads == 1)
        #expect(cpu.workerCommand.starts(with: ["/x", "worker", "/runs/r/runspec.json"]))
        var gpuRow = row
        gpuRow["device"] = .string("cuda")
        let (gpu, _) = SlurmLauncher.request(spec(gpuRow), folder: folder, options: LaunchOptions(launcher: .slurm, threads: 4, executable: "/x"))
        #expect(gpu.gres == "gpu:2" && gpu.cpusPerTask == 4 && gpu.workerCommand.last == "4")
    }
}
