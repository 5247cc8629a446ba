import Formats
import Testing

@Suite("Checkpoint readers on damaged files")
struct CheckpointFuzzTests {
    static let fixtures = ["tiny_module.pt", "views.pt", "tiny_module_deflated_zip64.pt", "tiny_module_protocol4.pt",
                           "float16.safetensors", "bfloat16.safetensors"]

    /// Decodes `bytes`, which must either succeed or throw a `FormatError` naming the file.
    static func decodeOrFormatError(_ bytes: [UInt8], _ note: @autoclosure () -> String) {
        do {
            _ = try NamedTensors.decode(bytes, name: "fuzz")
        } catch let error as FormatError {
            #expect(error.file == "fuzz")
        } catch {
            Issue.record("\(note()): not a FormatError: \(error)")
        }
    }

    @Test("every truncation throws a FormatError", arguments: fixtures)
    func truncations(name: String) throws {
        let bytes = try CheckpointFixtures.bytes(name)
        for length in 0..<bytes.count {
            #expect(throws: FormatError.self, "\(name) cut to \(length)") {
                _ = try NamedTensors.decode(Array(bytes.prefix(length)), name: "fuzz")
            }
        }
    }

    @Test("random byte changes throw a FormatError or decode, and never trap", arguments: fixtures)
    func byteFlips(name: String) throws {
        let bytes = try CheckpointFixtures.bytes(name)
        var generator = SplitMix64(seed: UInt64(bytes.count))
        for trial in 0..<1500 {
            var damaged = bytes
            for _ in 0..<(1 + trial % 4) {
                let position = Int(generator.next() % UInt64(bytes.count))
                damaged[position] = trial % 3 == 0 ? UInt8(truncatingIfNeeded: generator.next())
                    : damaged[position] ^ UInt8(1 << (generator.next() % 8))
            }
            Self.decodeOrFormatError(damaged, "\(name) trial \(trial)")
        }
    }

    @Test("random changes to torch's data.pkl, re-zipped with valid CRCs, throw a FormatError or decode",
          arguments: ["tiny_module.pt", "views.pt", "wrapped.pt", "tiny_module_protocol4.pt", "dtypes.pt"])
    func pickleChanges(name: String) throws {
        let entries = storedEntries(try CheckpointFixtures.bytes(name))
        let index = try #require(entries.firstIndex { $0.0.hasSuffix("/data.pkl") })
        #expect(try NamedTensors.decode(storedZip(entries), name: name).count > 0)
        var generator = SplitMix64(seed: 7)
        for trial in 0..<1500 {
            var damaged = entries
            for _ in 0..<(1 + trial % 3) {
                let position = Int(generator.next() % UInt64(damaged[index].1.count))
                damaged[index].1[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            Self.decodeOrFormatError(storedZip(damaged), "\(name) trial \(trial)")
        }
    }
}

/// A small seeded generator (SplitMix64), so that failures reproduce.
struct SplitMix64: RandomNumberGenerator {
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
