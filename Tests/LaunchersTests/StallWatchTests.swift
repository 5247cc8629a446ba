@testable import Launchers
import Experiment
import Results
import FoundationEssentials
import SafeFiles
import Testing

/// The launcher's stall rules, on heartbeat files written by hand and times given explicitly.
@Suite("StallWatch")
struct StallWatchTests {
    let folder: RunFolder

    init() throws {
        folder = RunFolder(FileManager.default.temporaryDirectory.path + "/invscale-stall-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
    }

    func beat(_ rank: Int, _ beat: Int, iterations: Int) throws {
        try FileWriter.write(text: "\(beat) \(iterations)\n", to: folder.heartbeatFile(rank: rank))
    }

    @Test("the bound is the floor, or 10 × the median iteration when that is longer")
    func bound() {
        let watch = StallWatch(folder: folder, processes: 2, floor: 120)
        #expect(watch.bound(medianIteration: nil) == 120 && watch.bound(medianIteration: 3) == 120)
        #expect(watch.bound(medianIteration: 30) == 300)
    }

    @Test("a rank whose heartbeat stops changing is named once the bound has passed; ranks not started yet are not")
    func silentRank() throws {
        var watch = StallWatch(folder: folder, processes: 3, floor: 10)
        try beat(0, 1, iterations: 0)
        try beat(1, 1, iterations: 0)
        #expect(watch.check(now: 0, medianIteration: nil) == nil)
        try beat(0, 2, iterations: 0)
        #expect(watch.check(now: 9, medianIteration: nil) == nil)
        try beat(0, 3, iterations: 0)
        let found = watch.check(now: 10.5, medianIteration: nil)
        let reason = try #require(found)
        #expect(reason.hasPrefix("rank 1 stopped responding: no heartbeat for 10 s (bound 10 s"), "\(reason)")
    }

    @Test("beating ranks without a completed iteration for the bound: the ranks furthest behind are named")
    func noProgress() throws {
        var watch = StallWatch(folder: folder, processes: 2, floor: 10)
        try beat(0, 1, iterations: 3)
        try beat(1, 1, iterations: 2)
        #expect(watch.check(now: 0, medianIteration: 0.5) == nil)
        for second in 1...11 {
            try beat(0, 1 + second, iterations: 3)
            try beat(1, 1 + second, iterations: 2)
            let reason = watch.check(now: Double(second), medianIteration: 0.5)
            #expect((reason == nil) == (second <= 10), "second \(second): \(reason ?? "none")")
            if let reason { #expect(reason.contains("rank 1 stuck after iteration 2"), "\(reason)") }
        }
    }
}
