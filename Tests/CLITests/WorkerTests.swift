import Foundation
import Testing

/// mpirun on PATH (scripts/bootstrap.sh installs openmpi-bin).
let mpirunPath: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    .map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("invscale worker under mpirun", .enabled(if: mpirunPath != nil, "mpirun not found: scripts/bootstrap.sh installs openmpi-bin"))
struct WorkerTests {
    /// `mpirun -np ranks invscale worker --check-world expected`, as root if need be, with settings
    /// that work in containers (no ssh needed for local ranks, no cross-memory attach).
    func mpirun(ranks: Int, expected: Int) throws -> CLI.Result {
        var arguments = ["-np", "\(ranks)"]
        if ranks > ProcessInfo.processInfo.activeProcessorCount { arguments.append("--oversubscribe") }
        arguments += [CLI.binary.path, "worker", "--check-world", "\(expected)"]
        return try CLI.run(arguments, executable: URL(fileURLWithPath: mpirunPath!),
                           environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                                         "OMPI_MCA_plm_rsh_agent": "false",
                                         "OMPI_MCA_btl_vader_single_copy_mechanism": "none"])
    }

    @Test("every collective gives the predicted values on every rank", arguments: [2, 3])
    func collectives(ranks: Int) throws {
        let result = try mpirun(ranks: ranks, expected: ranks)
        #expect(result.status == 0, "\(result.error)")
        let reports = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(Set(reports.compactMap { $0["rank"] as? Int }) == Set(0..<ranks))
        let gathered = (0..<ranks).flatMap { rank in [Double](repeating: Double(rank), count: rank + 1) }
        for report in reports {
            #expect(report["size"] as? Int == ranks)
            #expect(report["sum"] as? Double == Double(ranks * (ranks + 1) / 2))
            #expect(report["doubleSum"] as? Double == Double(ranks * (ranks + 1) / 2))
            #expect(report["max"] as? Double == Double(ranks))
            #expect(report["broadcast"] as? Double == 42)
            #expect((report["gathered"] as? [Double]) == gathered)
            #expect((report["gatheredAtRoot"] as? [Double]) == (report["rank"] as? Int == 0 ? gathered : nil))
        }
    }

    @Test("a world of the wrong size is refused loudly, not run")
    func wrongSize() throws {
        let result = try mpirun(ranks: 2, expected: 3)
        #expect(result.status != 0)
        #expect(result.error.contains("expected 3"), "\(result.error)")
    }
}
