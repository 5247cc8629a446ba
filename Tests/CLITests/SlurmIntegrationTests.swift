import Formats
import Foundation
import Testing

/// Whether this machine can host the test cluster: root (or sudo) to start munged and install
/// slurm-wlm, and either SLURM already installed or apt-get to install it.
private let canHostSlurm: Bool = {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
    func exists(_ program: String) -> Bool { path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") } }
    return (getuid() == 0 || exists("sudo")) && (exists("slurmctld") || exists("apt-get"))
}()

/// A real single-node SLURM cluster (munged, slurmctld, slurmd with MpiDefault=pmix under a
/// temporary folder, started by scripts/slurm-local.sh, which installs slurm-wlm and munge when
/// missing) runs a 2-task row submitted by `invscale run --launcher slurm`.
@Suite("SLURM integration", .serialized,
       .enabled(if: canHostSlurm, "needs root or sudo and apt-get (or SLURM installed) to start a local cluster"))
struct SlurmIntegrationTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/slurm-local.sh").path
    static let netns = URL(fileURLWithPath: script).deletingLastPathComponent().appendingPathComponent("netns-cluster.sh").path

    /// Runs scripts/slurm-local.sh with `arguments` (ports away from a real cluster's 6817/6818),
    /// output to `log`, through system(3): the daemons it starts must not inherit the pipes that
    /// Foundation's Process watches, or waiting for the script would never end.
    static func script(_ arguments: [String], log: String, nodes: Int = 1) -> Int32 {
        let words = [script] + arguments + [">", log, "2>&1", "</dev/null"]
        return system("SLURM_LOCAL_PORT_BASE=16817 SLURM_LOCAL_NODES=\(nodes) bash " + words.joined(separator: " "))
    }

    @Test("a 2-task and a 1-task run go through sbatch and srun --mpi=pmix and are followed to their end",
          .timeLimit(.minutes(10)))
    func twoTaskRun() throws {
        let folder = try CLI.temporaryFolder(), cluster = folder + "/cluster", output = folder + "/results"
        let started = Self.script(["start", cluster], log: folder + "/start.log")
        defer { _ = Self.script(["stop", cluster], log: folder + "/stop.log") }
        try #require(started == 0, "cluster did not start: \((try? String(contentsOfFile: folder + "/start.log", encoding: .utf8)) ?? "")")
        let config = try RunCommandTests.write(DistributedFaultTests.experiment(iterations: 3), in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "slurm", "--threads", "1"],
                                 environment: ["SLURM_CONF": cluster + "/slurm.conf"])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        #expect(result.output.contains("submitted SLURM job"), "\(result.output)")
        let records = try DistributedFaultTests.records(output)
        let distributed = try #require(records[2]), single = try #require(records[1])
        for record in [distributed, single] {
            #expect(record["status"] as? String == "finished", "\(record["error"] ?? "")")
            #expect(record["launcher"] as? String == "slurm" && (record["slurm_job_id"] as? String)?.isEmpty == false)
            #expect(record["iterations"] as? Int == 3)
        }
        let run = try #require(CLI.runFolders(output).first {
            (try? RunCommandTests.record($0)["processes"] as? Int) == 2
        })
        let script = try String(contentsOfFile: run + "/job.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --ntasks-per-node=2") && script.contains("srun --mpi=pmix"), "\(script)")
        for rank in 0..<2 {
            #expect(FileManager.default.fileExists(atPath: run + "/metrics_rank\(rank).csv"))
        }
    }

    @Test("two slurmd nodes (n1, n2) in network namespaces run a slurm_nodes: 2 row as 2 × 2 ranks, giving the 1-process reconstruction",
          .timeLimit(.minutes(10)),
          .enabled(if: system("bash \(SlurmIntegrationTests.netns) check >/dev/null 2>&1") == 0, "cannot create network namespaces here"))
    func twoNodes() throws {
        let folder = try CLI.temporaryFolder(), cluster = folder + "/cluster", output = folder + "/results"
        let started = Self.script(["start", cluster], log: folder + "/start.log", nodes: 2)
        defer { _ = Self.script(["stop", cluster], log: folder + "/stop.log") }
        try #require(started == 0, "cluster did not start: \((try? String(contentsOfFile: folder + "/start.log", encoding: .utf8)) ?? "")")
        let config = try RunCommandTests.write(MultiNodeRunTests.experiment(iterations: 2, rows: ["[1, 1, false, true]", "[2, 2, false, true]"]),
                                               in: folder)
        // sbatch, squeue and the launcher run on n1, where slurmctld is.
        let result = try CLI.run([Self.netns, "exec", cluster + "/net", "n1", CLI.binary.path, "run", config, "--output", output,
                                  "--launcher", "slurm", "--threads", "1"],
                                 executable: URL(fileURLWithPath: "/bin/bash"), environment: ["SLURM_CONF": cluster + "/slurm.conf"])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let runs = CLI.runFolders(output)
        let single = try #require(runs.first { (try? RunCommandTests.record($0)["processes"] as? Int) == 1 })
        let distributed = try #require(runs.first { (try? RunCommandTests.record($0)["processes"] as? Int) == 4 })
        let record = try RunCommandTests.record(distributed)
        #expect(record["status"] as? String == "finished" && record["launcher"] as? String == "slurm", "\(record["error"] ?? "")")
        let script = try String(contentsOfFile: distributed + "/job.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --nodes=2") && script.contains("#SBATCH --ntasks-per-node=2"), "\(script)")
        for rank in 0..<4 {
            #expect(FileManager.default.fileExists(atPath: distributed + "/metrics_rank\(rank).csv"))
            let words = try String(contentsOfFile: distributed + "/rank\(rank).pid", encoding: .utf8).split(whereSeparator: \.isWhitespace)
            #expect(words.count == 2 && words[1] == (rank < 2 ? "n1" : "n2"), "rank \(rank): \(words)")
        }
        // The denoiser's tiles split over 4 ranks on 2 nodes: the same image, bit for bit.
        let image = try NPY.read(path: distributed + "/reconstruction.npy"), reference = try NPY.read(path: single + "/reconstruction.npy")
        #expect(image.scalars == reference.scalars)
    }
}
