import Experiment
import Foundation
import Tensor
import Testing

/// The repository's `configs/` folder.
private let configs = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("configs").path

/// A small seeded generator (SplitMix64), so that failures reproduce.
private struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Experiment files on damaged text")
struct ConfigFuzzTests {
    /// The shipped experiment files (not the parallel configuration).
    static let files = ["tomography_2d", "tomography_3d", "highres_imaging", "demo", "distributed_512", "tomography_2d_cpu"]

    /// Pieces of YAML that mutations insert: aliases, anchors, tags, nesting, odd scalars.
    static let insertions = ["&a [x, x, x]", "*a", "[*a, *a, *a, *a]", "!!int \"7\"", "{", "[[[[[[[[", "]]]]", ": :",
                             "- - -", ".inf", ".nan", "\u{1B}", "\u{FEFF}", "\t", "? *a\n: 1", "!!binary x", "0x7fffffffffffffff",
                             "99999999999999999999", "\n  - ", "'", "\"", "#", "<<: *a", "%YAML 1.1\n---"]

    /// Reads and expands `text`, which must either work or throw a `ConfigError` naming the file.
    static func expandOrConfigError(_ text: String, _ note: @autoclosure () -> String) {
        do {
            let file = try ExperimentFile(yaml: text, path: "fuzz.yml")
            _ = ExperimentPlan(runs: try file.expand(memory: MemoryBudget(availableBytes: 1 << 36, source: "test"))).lines()
        } catch let error as ConfigError {
            #expect(error.file == "fuzz.yml", "\(note())")
            #expect(!error.description.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(note()): \(error)")
        } catch {
            Issue.record("\(note()): not a ConfigError: \(error)")
        }
    }

    @Test("truncations, byte changes, inserted aliases and nesting parse or throw a ConfigError", arguments: files)
    func mutations(name: String) throws {
        let text = try String(contentsOfFile: "\(configs)/\(name).yml", encoding: .utf8)
        let bytes = Array(text.utf8)
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 150)) {
            Self.expandOrConfigError(String(decoding: bytes.prefix(length), as: UTF8.self), "\(name) cut to \(length)")
        }
        var generator = SeededGenerator(seed: UInt64(bytes.count))
        for trial in 0..<300 {
            var damaged = bytes
            for _ in 0..<(1 + trial % 3) {
                let position = Int(generator.next() % UInt64(damaged.count))
                switch generator.next() % 3 {
                case 0: damaged[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: damaged.remove(at: position)
                default:
                    let piece = Self.insertions[Int(generator.next() % UInt64(Self.insertions.count))]
                    damaged.insert(contentsOf: Array(piece.utf8), at: position)
                }
            }
            Self.expandOrConfigError(String(decoding: damaged, as: UTF8.self), "\(name) trial \(trial)")
        }
    }

    @Test("deep nesting and chains of aliases at random places throw a ConfigError or parse")
    func nestingAndAliases() {
        var generator = SeededGenerator(seed: 11)
        for trial in 0..<40 {
            let depth = Int(generator.next() % 2000)
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            Self.expandOrConfigError("dataset: [tomography_2d]\nsolver: [PnP]\nplot: \(nested)\n", "nesting \(depth)")
            var chain = "  l0: &l0 [x, x]\n"
            let links = 1 + Int(generator.next() % 30)
            for link in 1...links {
                chain += "  l\(link): &l\(link) [*l\(link - 1), *l\(link - 1), *l\(link - 1)]\n"
            }
            let place = ["plot:\n", "html:\n", "objective:\n  - reconstruction_objective\n  - "][trial % 3]
            Self.expandOrConfigError("dataset: [tomography_2d]\nsolver: [PnP]\n\(place)\(chain)", "chain of \(links)")
        }
    }
}
