import Formats
import Foundation
import Tensor
import Testing

/// The repository's scripts folder.
private let scriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts").path

/// Why two network namespaces cannot be made here (not root, no iproute2, a kernel that refuses),
/// or nil when they can.
private let namespacesUnavailable: String? = {
    guard mpirunPath != nil else { return "mpirun not found: scripts/bootstrap.sh installs openmpi-bin" }
    let log = NSTemporaryDirectory() + "netns-check-\(UUID().uuidString).log"
    defer { try? FileManager.default.removeItem(atPath: log) }
    guard system("bash \(scriptsFolder)/netns-cluster.sh check > \(log) 2>&1") == 0 else {
        let reason = (try? String(contentsOfFile: log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return "cannot create network namespaces here: \(reason)"
    }
    return nil
}()

/// Two hosts made of network namespaces (scripts/netns-cluster.sh: mpi-n1 and mpi-n2 on a veth
/// pair, a UTS namespace each), and `invscale run --launcher mpirun` started on n1 with OpenMPI's daemons
/// reaching n2 through the script's rsh agent, TCP only.
@Suite("runs across two hosts (network namespaces)", .serialized,
       .enabled(if: namespacesUnavailable == nil, Comment(rawValue: namespacesUnavailable ?? "")))
struct MultiNodeRunTests {
    static let harness = scriptsFolder + "/netns-cluster.sh"
    /// The hosts' names: prefixed, so that the two-node SLURM test (n1, n2) can run at the same time.
    static let prefix = "mpi-"
    static let environment = DistributedRunTests.environment.merging(["NETNS_CLUSTER_PREFIX": prefix]) { $1 }

    /// A 2 × 2 row (2 nodes, 2 ranks each) with and without distributed physics, and the rows of
    /// one process they must agree with: the problem and DRUNet of `DistributedRunTests`.
    static func experiment(iterations: Int, rows: [String] = ["[1, 1, false, true]", "[2, 2, true, true]", "[2, 2, false, true]"]) -> String {
        DistributedRunTests.experiment(columns: "slurm_nodes, slurm_ntasks_per_node, distribute_physics, distribute_denoiser",
                                       rows: rows, iterations: iterations)
    }

    @Test("a 2 × 2 mpirun row over TCP between two hosts gives the 1-process reconstruction; every rank writes its CSV, rank 0 run.json",
          .timeLimit(.minutes(10)))
    func twoByTwo() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 2), in: folder)
        let result = try CLI.run([Self.harness, "run", folder + "/cluster", CLI.binary.path, "run", config, "--output", output,
                                  "--launcher", "mpirun", "--threads", "1"],
                                 executable: URL(fileURLWithPath: "/bin/bash"), environment: Self.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        #expect(!result.error.contains("still ran"), "\(result.error)")
        var runs: [String: (folder: String, record: [String: Any], image: Tensor)] = [:]
        for run in CLI.runFolders(output) {
            let record = try RunCommandTests.record(run)
            let solver = try #require((record["spec"] as? [String: Any])?["solver_parameters"] as? [String: Any])
            let key = "\(solver["slurm_nodes"] as? Int ?? 1)×\(solver["slurm_ntasks_per_node"] as? Int ?? 1) "
                + "\(solver["distribute_physics"] as? Bool ?? false)"
            runs[key] = (run, record, try NPY.read(path: run + "/reconstruction.npy"))
        }
        let reference = try #require(runs["1×1 false"], "the 1-process run is missing: \(runs.keys)").image
        for (key, bound) in [("2×2 true", Float(1e-5)), ("2×2 false", 0)] {
            let run = try #require(runs[key], "run \(key) missing: \(result.output)")
            #expect(run.record["status"] as? String == "finished", "\(key): \(run.record["error"] ?? "")")
            #expect(run.record["processes"] as? Int == 4 && run.record["launcher"] as? String == "mpirun")
            // The phantom's range is [0, 1]: the bound is relative to it.
            let difference = zip(run.image.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference <= bound, "\(key): max difference \(difference) against 1 process")
            for rank in 0..<4 {
                let rows = try String(contentsOfFile: run.folder + "/metrics_rank\(rank).csv", encoding: .utf8).split(separator: "\n")
                #expect(rows.count == 3, "\(key) rank \(rank): \(rows.count) lines")
                // Ranks 0 and 1 on n1, 2 and 3 on n2: the host each rank recorded with its pid.
                let words = try String(contentsOfFile: run.folder + "/rank\(rank).pid", encoding: .utf8).split(whereSeparator: \.isWhitespace)
                #expect(words.count == 2 && words[1] == Self.prefix + (rank < 2 ? "n1" : "n2"), "\(key) rank \(rank): \(words)")
            }
        }
        // The harness took its namespaces down.
        let list = try CLI.run(["-c", "PATH=$PATH:/usr/sbin:/sbin ip netns list"], executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(!list.output.split(separator: "\n").contains { $0.hasPrefix(Self.prefix) }, "\(list.output)")
    }

    /// `invscale run` of `config` inside the harness, in the background; the harness's messages go
    /// to `log`.
    static func start(_ config: String, output: String, cluster: String, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [harness, "run", cluster, CLI.binary.path, "run", config, "--output", output, "--launcher", "mpirun",
                             "--threads", "1"]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        return process
    }

    @Test("node n2 killed in the middle of a 2 × 2 run: the run fails naming the host within 30 s, no process stays, the grid goes on, a rerun finishes it",
          .timeLimit(.minutes(10)))
    func nodeFailure() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results", cluster = folder + "/cluster"
        let config = try RunCommandTests.write(Self.experiment(iterations: 24, rows: ["[2, 2, true, true]", "[1, 1, false, true]"]),
                                               in: folder)
        let process = try Self.start(config, output: output, cluster: cluster, log: folder + "/harness.log")
        // The 2 × 2 run is the one whose ranks write metrics_rank3.csv.
        var run = "", rows = 0
        while rows < 3 && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            run = (try? FileManager.default.contentsOfDirectory(atPath: output))?.map { output + "/" + $0 }
                .first { FileManager.default.fileExists(atPath: $0 + "/metrics_rank3.csv") } ?? ""
            rows = ((try? RunCommandTests.csvLines(run).count) ?? 1) - 1
        }
        try #require(rows >= 3, "the 2 × 2 run did not write 3 rows")
        let ranks = try (0..<4).map { rank in
            try #require(Int32(try String(contentsOfFile: run + "/rank\(rank).pid", encoding: .utf8).split(whereSeparator: \.isWhitespace).first ?? ""))
        }
        // The node goes away: every process in n2 (OpenMPI's daemon and both ranks) killed at once.
        let killed = Date()
        #expect(system("PATH=$PATH:/usr/sbin:/sbin; ip netns pids \(Self.prefix)n2 | xargs -r kill -9") == 0)
        var status = ""
        while status != "failed" && Date().timeIntervalSince(killed) < 60 {
            Thread.sleep(forTimeInterval: 0.1)
            status = (try? RunCommandTests.record(run))?["status"] as? String ?? ""
        }
        let seconds = Date().timeIntervalSince(killed)
        print("node failure: run marked failed \(String(format: "%.1f", seconds)) s after n2 was killed")
        #expect(status == "failed" && seconds <= 30, "status \(status) after \(seconds) s")
        let error = try RunCommandTests.record(run)["error"] as? String ?? ""
        // OpenMPI's words depend on what it saw first ("lost communication with a remote daemon",
        // "unable to reliably start one or more daemons"); the hosts come from the ranks' records.
        #expect(error.contains("daemon") && error.contains("ranks by host: \(Self.prefix)n1 (0, 1), \(Self.prefix)n2 (2, 3)"), "\(error)")
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "the grid ends with a failed run")
        for pid in ranks { #expect(HardeningTests.gone(pid), "rank process \(pid) is still there") }
        // Nothing else either (OpenMPI's daemons): the harness names what still ran in a namespace
        // when the command ended, before it kills it.
        let harnessLog = try String(contentsOfFile: folder + "/harness.log", encoding: .utf8)
        #expect(!harnessLog.contains("still ran"), "\(harnessLog)")
        // The grid went on: the 1-process row finished after the failure.
        let others = CLI.runFolders(output).filter { $0 != run }
        #expect(others.count == 1 && (try? RunCommandTests.record(others[0]))?["status"] as? String == "finished")

        // A rerun runs the failed row again and skips the finished one (its record is left as it was).
        let finishedBefore = try String(contentsOfFile: others[0] + "/run.json", encoding: .utf8)
        let rerun = try Self.start(config, output: output, cluster: cluster, log: folder + "/rerun.log")
        rerun.waitUntilExit()
        #expect(rerun.terminationStatus == 0)
        let record = try RunCommandTests.record(run)
        #expect(record["status"] as? String == "finished" && record["iterations"] as? Int == 24, "\(record["error"] ?? "")")
        #expect(try String(contentsOfFile: others[0] + "/run.json", encoding: .utf8) == finishedBefore)
    }
}
