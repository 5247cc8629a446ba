import Formats
import Foundation
import Tensor
import Testing

/// What a user or a failing machine does to `invscale run`, re-run as the hardening issue's probes:
/// two runs on one folder, signals, a stuck rank, a killed parent, a diverging run, writes to
/// devices, unreadable results. Time limits guard against hangs only.
@Suite("hardening of runs, launchers and writers", .serialized)
struct HardeningTests {
    /// PnP-TV on tomography_2d 64²: fast iterations.
    static func experiment(iterations: Int, solverLines: [String] = []) -> String {
        """
        dataset:
          - tomography_2d:
              img_size: 64
              num_angles: 30
              num_operators: 3
        solver:
          - PnP:
              denoiser: tv
              tv_iterations: 10
              denoiser_sigma: 0.001
              init_method: fbp
        \(solverLines.map { "      " + $0 }.joined(separator: "\n"))
        max-runs: \(iterations)
        """
    }

    /// Starts `invscale ARGUMENTS` in the background, its output going to files of `folder`.
    static func start(_ arguments: [String], folder: String, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: folder + "/out.txt", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/err.txt", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out.txt"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err.txt"))
        try process.run()
        return process
    }

    /// Waits until the first run folder of `output` has `rows` CSV rows; returns that folder.
    static func waitForRows(_ rows: Int, in output: String, while process: Process, seconds: Double = 120) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && process.isRunning {
            if let run = CLI.runFolders(output).first, ((try? RunCommandTests.csvLines(run).count) ?? 1) - 1 >= rows { return run }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw HardeningTestError("no run reached \(rows) rows in \(output)")
    }

    /// Whether process `pid` is gone (a zombie counts as gone: it runs nothing).
    static func gone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    static func pids(_ run: String, ranks: Int) throws -> [Int32] {
        try (0..<ranks).map { rank in
            try #require(Int32(try String(contentsOfFile: run + "/rank\(rank).pid", encoding: .utf8)
                .split(whereSeparator: \.isWhitespace).first ?? ""))
        }
    }

    @Test("a second run on the same output folder is refused at once, naming the first one's pid; progress reaches a pipe line by line",
          .timeLimit(.minutes(3)))
    func oneOwnerPerFolder() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 1_000_000), in: folder)
        let first = try Self.start(["run", config, "--output", output, "--threads", "1"], folder: folder)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        _ = try Self.waitForRows(2, in: output, while: first)
        let second = try CLI.run(["run", config, "--output", output, "--threads", "1", "--force"])
        #expect(second.status != 0)
        #expect(second.error.contains("results is in use by invscale pid \(first.processIdentifier) on "), "\(second.error)")
        let progress = try String(contentsOfFile: folder + "/out.txt", encoding: .utf8)
        #expect(progress.contains("[1/1] PnP"), "stdout into a file is line-buffered: \(progress)")
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        let third = try CLI.run(["run", config, "--output", output, "--threads", "1", "--force", "--max-runs", "1"])
        #expect(third.status == 0, "\(third.error)")
    }

    @Test("a reader that goes away (invscale run … | head -n 1) does not kill the run: it finishes and writes its results")
    func closedPipe() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 5), in: folder)
        let script = "set -o pipefail; '\(CLI.binary.path)' run '\(config)' --output '\(output)' --threads 1 | head -n 1 > /dev/null"
        let result = try CLI.run(["-c", script], executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(result.status == 0, "\(result.error)")
        let record = try RunCommandTests.record(try RunCommandTests.runFolder(output))
        #expect(record["status"] as? String == "finished" && record["iterations"] as? Int == 5)
    }

    @Test("SIGHUP stops a run like SIGTERM: rows kept, run.json interrupted, status 130", .timeLimit(.minutes(3)))
    func hangUp() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 1_000_000), in: folder)
        let process = try Self.start(["run", config, "--output", output, "--threads", "1"], folder: folder)
        let run = try Self.waitForRows(3, in: output, while: process)
        kill(process.processIdentifier, SIGHUP)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let record = try RunCommandTests.record(run)
        #expect(record["status"] as? String == "interrupted", "\(record)")
        let iterations = try #require(record["iterations"] as? Int)
        #expect(try RunCommandTests.csvLines(run).count == iterations + 1)
    }

    @Test("a second Ctrl-C during a long iteration ends the run at once, run.json saying interrupted", .timeLimit(.minutes(3)))
    func doubleInterrupt() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(DistributedRunTests.experiment(rows: [(1, false, false)], iterations: 1_000_000), in: folder)
        let process = try Self.start(["run", config, "--output", output, "--threads", "1"], folder: folder)
        let run = try Self.waitForRows(1, in: output, while: process)
        kill(process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.05)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let record = try RunCommandTests.record(run)
        #expect(record["status"] as? String == "interrupted", "\(record)")
        #expect((record["error"] as? String ?? "").contains("ended at once"), "\(record["error"] ?? "")")
    }

    @Test("a diverging run fails as 'diverged at iteration k' with its rows kept, and the grid's exit status is 1",
          .timeLimit(.minutes(2)))
    func diverging() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 20, solverLines: ["step_size: 1.0e+30"]), in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--threads", "1"])
        #expect(result.status == 1)
        let run = try RunCommandTests.runFolder(output)
        let record = try RunCommandTests.record(run)
        #expect(record["status"] as? String == "failed")
        let error = record["error"] as? String ?? ""
        #expect(error.hasPrefix("diverged at iteration "), "\(error)")
        let iterations = try #require(record["iterations"] as? Int)
        let rows = try RunCommandTests.csvLines(run).count - 1
        #expect(iterations < 20 && rows == iterations)
        #expect(result.error.contains("diverged at iteration"), "failures also go to stderr: \(result.error)")
    }

    @Test("a run whose process crashes (a Swift trap) is marked failed in run.json, not left running")
    func crashIsRecorded() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 5), in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--threads", "1"], environment: ["INVSCALE_DEBUG_FAIL": "0:2:trap"])
        #expect([SIGILL, SIGTRAP].contains(result.status), "dies of its signal (Foundation reports the signal number): \(result.status)")
        #expect(result.error.contains("Fatal error: injected trap"))
        let record = try RunCommandTests.record(try RunCommandTests.runFolder(output))
        #expect(record["status"] as? String == "failed")
        #expect((record["error"] as? String ?? "").hasPrefix("crashed (a fatal signal"), "\(record["error"] ?? "")")
        #expect(record["iterations"] as? Int == 1)
    }

    @Test("--launcher local with only multi-process rows runs nothing and says so with status 1; --output on a file is one clear line")
    func nothingRunAndBadOutput() throws {
        let folder = try CLI.temporaryFolder()
        let config = try RunCommandTests.write(Self.experiment(iterations: 2, solverLines: ["slurm_ntasks_per_node: 2"]), in: folder)
        let local = try CLI.run(["run", config, "--output", folder + "/results", "--launcher", "local"])
        #expect(local.status == 1)
        #expect(local.error.contains("nothing was run (needs 2 processes)"), "\(local.error)")
        _ = FileManager.default.createFile(atPath: folder + "/file", contents: Data("x".utf8))
        let onFile = try CLI.run(["run", config, "--output", folder + "/file"])
        #expect(onFile.status != 0)
        #expect(onFile.error.contains("/file: exists and is not a folder") && !onFile.error.contains("NSCocoaErrorDomain"), "\(onFile.error)")
    }

    @Test("writing an image onto a device keeps the device; onto /dev/full is an error naming the path", .enabled(if: geteuid() == 0, "mknod needs root"))
    func devicesAreNotReplaced() throws {
        let folder = try CLI.temporaryFolder()
        try NPY.write(Tensor(shape: [16, 16], values: (0..<256).map { Float($0) / 255 }), to: folder + "/in.npy")
        let null = folder + "/null", full = folder + "/full"
        try #require(mknod(null, S_IFCHR | 0o666, 0x103) == 0 && mknod(full, S_IFCHR | 0o666, 0x107) == 0)
        let written = try CLI.run(["denoise", "--model", "bundled", "--sigma", "0.05", folder + "/in.npy", null])
        #expect(written.status == 0, "\(written.error)")
        let refused = try CLI.run(["denoise", "--model", "bundled", "--sigma", "0.05", folder + "/in.npy", full])
        #expect(refused.status != 0 && refused.error.contains("\(full): cannot write (No space left on device)"), "\(refused.error)")
        for device in [null, full] {
            var status = stat()
            #expect(lstat(device, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR, "\(device) is no longer a device")
        }
    }

    @Test("a result that cannot be written (a full disk: /dev/full in its place) fails the run with the path", .enabled(if: geteuid() == 0, "mknod needs root"))
    func fullDiskFailsTheRun() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 1), in: folder)
        #expect(try CLI.run(["run", config, "--output", output, "--threads", "1"]).status == 0)
        let run = try RunCommandTests.runFolder(output), target = run + "/reconstruction.npy"
        try FileManager.default.removeItem(atPath: target)
        try #require(mknod(target, S_IFCHR | 0o666, 0x107) == 0)
        let again = try CLI.run(["run", config, "--output", output, "--threads", "1", "--force"])
        #expect(again.status == 1)
        let record = try RunCommandTests.record(run)
        #expect(record["status"] as? String == "failed")
        #expect(record["error"] as? String == "\(target): cannot write (No space left on device)", "\(record["error"] ?? "")")
    }

    @Test("report: a run folder with a corrupt run.json is listed on stderr and on the page, not dropped")
    func unreadableRunsAreListed() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(Self.experiment(iterations: 1), in: folder)
        #expect(try CLI.run(["run", config, "--output", output, "--threads", "1"]).status == 0)
        try FileManager.default.createDirectory(atPath: output + "/broken", withIntermediateDirectories: true)
        try Data("{\"status\": 3".utf8).write(to: URL(fileURLWithPath: output + "/broken/run.json"))
        let report = try CLI.run(["report", output])
        #expect(report.status == 0)
        #expect(report.error.contains("left out of the report: \(output)/broken/run.json: not a run record (not valid JSON)"), "\(report.error)")
        let page = try String(contentsOfFile: output + "/report.html", encoding: .utf8)
        #expect(page.contains("Unreadable runs") && page.contains("broken/run.json"))
    }
}

/// Multi-process liveness: a stuck rank fails its run, a killed `invscale run` takes its ranks along.
@Suite("liveness of multi-process runs", .serialized, .enabled(if: mpirunPath != nil, "mpirun not found: scripts/bootstrap.sh installs openmpi-bin"))
struct LivenessTests {
    @Test("a stopped rank (SIGSTOP) fails its run within the stall bound, naming it; no rank is left and the grid goes on",
          .timeLimit(.minutes(3)))
    func stuckRank() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(DistributedFaultTests.experiment(iterations: 6), in: folder)
        let started = Date()
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun", "--threads", "1", "--stall-timeout", "3"],
                                 environment: DistributedRunTests.environment.merging(["INVSCALE_DEBUG_FAIL": "1:2:stop"]) { $1 })
        #expect(result.status == 1, "\(result.output)\n\(result.error)")
        #expect(Date().timeIntervalSince(started) < 90)
        let records = try DistributedFaultTests.records(output)
        let failed = try #require(records[2]), next = try #require(records[1])
        let error = failed["error"] as? String ?? ""
        #expect(failed["status"] as? String == "failed")
        #expect(error.contains("rank 1 (pid ") && error.contains("stopped responding"), "\(error)")
        let run = try #require(CLI.runFolders(output).first { (try? RunCommandTests.record($0)["processes"] as? Int) == 2 })
        // Not even a zombie: ranks that die after mpirun are reparented to invscale run (a
        // subreaper) and reaped.
        for pid in try HardeningTests.pids(run, ranks: 2) {
            #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "rank pid \(pid) is still in the process table")
        }
        #expect(next["status"] as? String == "finished")
    }

    @Test("kill -9 of invscale run: its ranks end within 5 s, rank 0 leaves run.json interrupted, and the folder is free again",
          .timeLimit(.minutes(3)))
    func killedParent() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write(DistributedFaultTests.experiment(iterations: 1_000_000), in: folder)
        let parent = try HardeningTests.start(["run", config, "--output", output, "--launcher", "mpirun", "--threads", "1"],
                                              folder: folder, environment: DistributedRunTests.environment)
        let run = try HardeningTests.waitForRows(2, in: output, while: parent)
        let ranks = try HardeningTests.pids(run, ranks: 2)
        kill(parent.processIdentifier, SIGKILL)
        parent.waitUntilExit()
        let killed = Date()
        while !ranks.allSatisfy(HardeningTests.gone), Date().timeIntervalSince(killed) < 10 { Thread.sleep(forTimeInterval: 0.1) }
        let lasted = Date().timeIntervalSince(killed)
        #expect(ranks.allSatisfy(HardeningTests.gone) && lasted < 5, "ranks outlived their parent by \(lasted) s")
        #expect(try RunCommandTests.record(run)["status"] as? String == "interrupted")
        try FileManager.default.createDirectory(atPath: folder + "/quick", withIntermediateDirectories: true)
        let quick = try RunCommandTests.write(HardeningTests.experiment(iterations: 1), in: folder + "/quick")
        let next = try CLI.run(["run", quick, "--output", output, "--threads", "1"])
        #expect(next.status == 0, "\(next.error)")
    }
}

struct HardeningTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
