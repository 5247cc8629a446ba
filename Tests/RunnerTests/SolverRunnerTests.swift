import Experiment
import Foundation
import Results
import Runner
import Testing

/// A small in-process run: tomography_2d 32², 4 operators, PnP with the TV denoiser.
private func spec(iterations: Int, solver extra: [String: ParameterValue] = [:], name: String = "PnP") -> RunSpec {
    RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "tomography_2d",
            datasetParameters: ["img_size": .int(32), "num_operators": .int(4), "num_angles": .int(16)],
            solver: name, solverParameters: ["denoiser": .string("tv"), "tv_iterations": .int(5)].merging(extra) { _, new in new },
            maxIterations: iterations)
}

private func temporaryFolder() -> String {
    NSTemporaryDirectory() + "invscale-runner-\(UUID().uuidString)"
}

@Suite("Runner core")
struct SolverRunnerTests {
    @Test("a run writes run.json and one CSV row per iteration, read back by the same schema")
    func recordsEveryIteration() throws {
        let folder = temporaryFolder()
        var rows: [IterationRecord] = []
        let record = try SolverRunner.run(spec(iterations: 3), in: folder) { rows.append($0) }
        #expect(record.status == .finished && record.iterations == 3)
        #expect(rows.map(\.iteration) == [1, 2, 3])
        let result = try #require(try RunResult.load(folder: folder))
        #expect(result.record.status == .finished && result.record.iterations == 3)
        #expect(result.rows.count == 3 && result.rows.allSatisfy { $0[.psnr] != nil && $0[.gradientTime] != nil })
        let header = try String(contentsOfFile: RunFolder(folder).metricsFile(rank: 0), encoding: .utf8).split(separator: "\n")[0]
        #expect(header.split(separator: ",").map(String.init) == MetricsColumn.header)
        #expect(result.record.finalPSNR == rows.last?.psnr)
        #expect(FileManager.default.fileExists(atPath: RunFolder(folder).reconstructionFile))
    }

    @Test("every solver runs and records its rows; DPIR ends with its schedule, saying so; a splitting step is the gradient step")
    func everySolver() throws {
        for solver in ["PnP", "PnP-FISTA", "PnP-HQS", "DPIR", "PnP-ADMM"] {
            let folder = temporaryFolder()
            let run = spec(iterations: 5, solver: ["dpir_iterations": .int(3)].filter { _ in solver == "DPIR" }, name: solver)
            #expect(run.plannedIterations == (solver == "DPIR" ? 3 : 5), "\(solver): the progress lines' count")
            let record = try SolverRunner.run(run, in: folder)
            #expect(record.status == .finished, "\(solver): \(record.error ?? "")")
            #expect(record.iterations == (solver == "DPIR" ? 3 : 5), "\(solver)")
            #expect((record.stopReason?.contains("DPIR is 3 iterations long") == true) == (solver == "DPIR"), "\(solver)")
            let rows = try #require(try RunResult.load(folder: folder)).rows
            #expect(rows.count == record.iterations && rows.allSatisfy { ($0[.gradientTime] ?? 0) > 0 && $0[.psnr] != nil })
            #expect(record.normSquared != nil && (record.stepSize ?? 0) > 0)
        }
    }

    @Test("the stopping rule ends the solver's loop early, with the reason recorded")
    func stopsEarly() throws {
        let folder = temporaryFolder()
        let record = try SolverRunner.run(spec(iterations: 5, solver: ["stop_psnr_target": .double(-1000)]), in: folder)
        #expect(record.status == .finished && record.iterations == 1)
        #expect(record.stopReason?.contains("target") == true)
        #expect(try RunResult.load(folder: folder)?.rows.count == 1)
    }

    @Test("a setting the solver refuses fails the run, and run.json says why")
    func recordsFailure() throws {
        let folder = temporaryFolder()
        #expect(throws: (any Error).self) {
            try SolverRunner.run(spec(iterations: 2, solver: ["device": .string("cuda")]), in: folder)
        }
        let record = try #require(RunRecord.read(from: RunFolder(folder).recordFile))
        #expect(record.status == .failed && record.error?.contains("GPU backend") == true)
    }
}
