@testable import Launchers
import Experiment
import Foundation
import Testing

/// The repository's `configs/config_parallel.yml`, parsed.
private func seedConfig() throws -> ParallelConfig {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("configs/config_parallel.yml").path
    return try ParallelConfig(yaml: String(contentsOfFile: path, encoding: .utf8), path: path)
}

/// A one-node request for the run folder `/runs/r1`.
private func request(tasks: Int = 2, gres: String? = "gpu:2", cpus: Int? = nil, name: String = "run-0001") -> SlurmJobRequest {
    SlurmJobRequest(jobName: name, folder: "/runs/r1", nodes: 1, tasksPerNode: tasks, gres: gres, cpusPerTask: cpus,
                    workerCommand: ["/abs/invscale", "worker", "/runs/r1/runspec.json", "--output", "/runs/r1", "--threads", "1"],
                    environment: ["OMP_NUM_THREADS": "1", "INVSCALE_RUN": "r 1"])
}

/// The thrown error's field, or nil when nothing was thrown.
private func failingField(_ body: () throws -> Void) -> String? {
    do { try body() } catch let error as SlurmScriptError { return error.field } catch { return "\(error)" }
    return nil
}

@Suite("Slurm job scripts")
struct SlurmScriptTests {
    @Test("the seed's config_parallel.yml with 2 tasks and gpu:2 gives these exact lines")
    func seedConfigScript() throws {
        let text = try SlurmScript.text(for: request(), config: try seedConfig())
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false) == [
            "#!/bin/bash",
            "#SBATCH --job-name=run-0001",
            "#SBATCH --output=/runs/r1/slurm-%j.out",
            "#SBATCH --nodes=1",
            "#SBATCH --ntasks-per-node=2",
            "#SBATCH --time=00:30:00",
            "#SBATCH --gres=gpu:2",
            "#SBATCH --cpus-per-task=10",
            "#SBATCH --constraint=v100-32g",
            "#SBATCH --qos=qos_gpu-dev",
            "set -euo pipefail",
            "module purge",
            "module load pytorch-gpu/py3/2.7.0",
            "export NCCL_DEBUG=INFO",
            "export INVSCALE_RUN='r 1'",
            "export OMP_NUM_THREADS=1",
            "srun --mpi=pmix /abs/invscale worker /runs/r1/runspec.json --output /runs/r1 --threads 1",
            "",
        ])
        #expect(!text.contains("account"))
    }

    @Test("without a config: a separate error log, no time, no gres for an empty string; the request's CPUs win")
    func noConfig() throws {
        let lines = try SlurmScript.text(for: request(tasks: 1, gres: "", cpus: 3), config: nil).split(separator: "\n")
        #expect(lines[1...6] == ["#SBATCH --job-name=run-0001", "#SBATCH --output=/runs/r1/slurm-%j.out",
                                 "#SBATCH --error=/runs/r1/slurm-%j.err", "#SBATCH --nodes=1",
                                 "#SBATCH --ntasks-per-node=1", "#SBATCH --cpus-per-task=3"])
        #expect(lines[7] == "set -euo pipefail")
        let seeded = try SlurmScript.text(for: request(cpus: 4), config: try seedConfig())
        #expect(seeded.contains("--cpus-per-task=4\n") && !seeded.contains("--cpus-per-task=10"))
    }

    @Test("minutes become HH:MM:00, or D-HH:MM:00 from one day on")
    func durations() {
        #expect(SlurmScript.duration(minutes: 30) == "00:30:00")
        #expect(SlurmScript.duration(minutes: 59) == "00:59:00")
        #expect(SlurmScript.duration(minutes: 600) == "10:00:00")
        #expect(SlurmScript.duration(minutes: 1440) == "1-00:00:00")
        #expect(SlurmScript.duration(minutes: 1500) == "1-01:00:00")
    }

    @Test("arguments are single-quoted unless made of safe characters")
    func quoting() {
        #expect(SlurmScript.quoted("/f/run-1/spec.json") == "/f/run-1/spec.json")
        #expect(SlurmScript.quoted("a=b,c:d@e%f+g") == "a=b,c:d@e%f+g")
        #expect(SlurmScript.quoted("it's a run") == #"'it'\''s a run'"#)
        #expect(SlurmScript.quoted("$HOME") == "'$HOME'")
        #expect(SlurmScript.quoted("") == "''")
    }

    @Test("a value that would break an #SBATCH line or the shell is rejected with its field")
    func badValues() throws {
        let seed = try seedConfig()
        #expect(failingField { _ = try SlurmScript.text(for: request(name: "run\n1"), config: seed) } == "jobName")
        #expect(failingField { _ = try SlurmScript.text(for: request(gres: "gpu: 2"), config: seed) } == "gres")
        let partition = try ParallelConfig(yaml: "backend: slurm\nslurm_partition: gpu p100\n", path: "p.yml")
        #expect(failingField { _ = try SlurmScript.text(for: request(), config: partition) } == "slurm_partition")
        let qos = try ParallelConfig(yaml: "backend: slurm\nslurm_additional_parameters: {qos: a b}\n", path: "p.yml")
        #expect(failingField { _ = try SlurmScript.text(for: request(), config: qos) } == "slurm_additional_parameters.qos")
        var badName = request()
        badName.environment = ["1X": "y"]
        #expect(failingField { _ = try SlurmScript.text(for: badName, config: nil) } == "environment")
    }

    @Test("write creates the folder and puts the script in job.sbatch")
    func writesFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-script-\(getpid())/run").path
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        var job = request()
        job.folder = folder
        let path = try SlurmScript.write(for: job, config: nil)
        #expect(path == folder + "/job.sbatch")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == (try SlurmScript.text(for: job, config: nil)))
    }
}
