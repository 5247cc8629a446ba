import Experiment
import FoundationEssentials
import Results

/// The launcher's view of the ranks' `RankHeartbeat`s: it fails a run whose rank makes no
/// progress, naming it. A rank is stalled when
/// - its heartbeat file, once it appeared, has not changed for the bound (the process is stopped,
///   frozen or gone), or
/// - once iterations are being done, no rank has completed one for the bound (a rank hangs while
///   the others wait for it in a collective); the rank or ranks furthest behind are named.
///
/// The bound is max(`floor`, 10 × the median iteration so far). Changes are timed on the
/// launcher's clock, so ranks on other hosts need no synchronised clocks, and a job waiting in a
/// queue (no heartbeat yet) is never failed.
struct StallWatch {
    /// The least time without progress that fails a run, seconds.
    static let defaultFloorSeconds = 120.0
    let folder: RunFolder
    let processes: Int
    let floor: Double
    private var beats: [Int: (text: String, changed: Double)] = [:]
    private var iterations: [Int: Int] = [:]
    private var lastIteration: Double?

    /// Follows the heartbeats of `processes` ranks in `folder`.
    init(folder: RunFolder, processes: Int, floor: Double = StallWatch.defaultFloorSeconds) {
        (self.folder, self.processes, self.floor) = (folder, processes, floor)
    }

    /// The bound for a run whose median iteration so far took `medianIteration` seconds.
    func bound(medianIteration: Double?) -> Double { max(floor, 10 * (medianIteration ?? 0)) }

    /// Reads the heartbeats at time `now` (launcher clock); returns why the run is stalled, or nil.
    mutating func check(now: Double, medianIteration: Double?) -> String? {
        let bound = bound(medianIteration: medianIteration)
        for rank in 0..<processes {
            guard let text = try? String(contentsOfFile: folder.heartbeatFile(rank: rank), encoding: .utf8), !text.isEmpty else { continue }
            if beats[rank]?.text != text { beats[rank] = (text, now) }
            let done = text.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            if done > (iterations[rank] ?? 0) { (iterations[rank], lastIteration) = (done, now) }
        }
        if let silent = beats.filter({ now - $0.value.changed > bound }).keys.min() {
            return "rank \(silent)\(pid(silent)) stopped responding: no heartbeat for \(Int(now - beats[silent]!.changed)) s "
                + "(bound \(Int(bound)) s; the process is stopped, frozen or gone)"
        }
        if let last = lastIteration, now - last > bound {
            let fewest = (0..<processes).map { iterations[$0] ?? 0 }.min() ?? 0
            let behind = (0..<processes).filter { (iterations[$0] ?? 0) == fewest }
            let names = behind.prefix(8).map { "\($0)\(pid($0))" }.joined(separator: ", ") + (behind.count > 8 ? ", …" : "")
            return "no rank completed an iteration for \(Int(now - last)) s (bound \(Int(bound)) s); "
                + "rank\(behind.count == 1 ? "" : "s") \(names) stuck after iteration \(fewest)"
        }
        return nil
    }

    private func pid(_ rank: Int) -> String {
        folder.rankProcessID(rank: rank).map { " (pid \($0))" } ?? ""
    }
}
