import Formats
import Tensor
import Testing

@Suite("NPY and PNG readers on damaged files and declared sizes")
struct ReaderFuzzTests {
    /// Valid files to damage: float32 and float64 NPY arrays, and PNGs of every kind we write.
    static func validFiles() throws -> [(name: String, bytes: [UInt8])] {
        let values = (0..<60).map { Float($0) / 7 }
        let npy = NPY.encode(Tensor(shape: [3, 4, 5], values: values))
        let doubles = npyFile(header: numpyHeader(descr: "<f8", shape: "(2, 3)", firstExtentDigits: 1),
                              data: (0..<6).flatMap { withUnsafeBytes(of: Double($0).bitPattern.littleEndian, Array.init) })
        let grey = try PNG.encode(width: 9, height: 5, channels: 1, bitDepth: 8, samples: (0..<45).map { UInt16($0 * 5) })
        let rgb = try PNG.encode(width: 4, height: 3, channels: 3, bitDepth: 16, samples: (0..<36).map { UInt16($0 * 1800) })
        return [("a.npy", npy), ("b.npy", doubles), ("c.png", grey), ("d.png", rgb)]
    }

    /// Decodes `bytes` as the kind its name says; it must decode or throw a `FormatError` naming the file.
    static func decodeOrFormatError(_ bytes: [UInt8], name: String, _ note: @autoclosure () -> String) {
        do {
            _ = name.hasSuffix(".png") ? try PNG.decode(bytes, name: name) : try NPY.decode(bytes, name: name)
        } catch let error as FormatError {
            #expect(error.file == name, "\(note())")
        } catch {
            Issue.record("\(note()): not a FormatError: \(error)")
        }
    }

    @Test("every truncation and random byte changes decode or throw a FormatError")
    func mutations() throws {
        var generator = SplitMix64(seed: 2024)
        for (name, bytes) in try Self.validFiles() {
            for length in 0..<bytes.count {
                Self.decodeOrFormatError(Array(bytes.prefix(length)), name: name, "\(name) cut to \(length)")
            }
            for trial in 0..<1500 {
                var damaged = bytes
                for _ in 0..<(1 + trial % 4) {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    damaged[position] = trial % 2 == 0 ? UInt8(truncatingIfNeeded: generator.next())
                        : damaged[position] ^ UInt8(1 << (generator.next() % 8))
                }
                Self.decodeOrFormatError(damaged, name: name, "\(name) trial \(trial)")
            }
        }
    }

    @Test("NPY shapes whose byte count overflows or disagrees with the file, or exceeds the budget, are refused")
    func npyShapes() throws {
        for shape in ["(4611686018427387904, 4)", "(9223372036854775807,)", "(3037000500, 3037000500)", "(100000, 100000)"] {
            let bytes = npyFile(header: numpyHeader(shape: shape, firstExtentDigits: 6), data: [0, 0, 0, 0])
            #expect(throws: FormatError.self, "\(shape)") { try NPY.decode(bytes, name: "big.npy") }
        }
        let array = NPY.encode(Tensor(shape: [256, 256]))
        #expect { try NPY.decode(array, name: "a.npy", memory: MemoryBudget(availableBytes: 1000, source: "test")) } throws: { error in
            (error as? FormatError)?.description == "a.npy: an array of shape [256, 256]: needs 256.0 KiB of memory, more than the 1000 B available (test)"
        }
        #expect(try NPY.decode(array, name: "a.npy", memory: MemoryBudget(availableBytes: 1 << 20, source: "test")).shape == [256, 256])
    }

    @Test("a PNG whose declared size exceeds the memory budget is refused before inflating")
    func pngBudget() throws {
        let bytes = try PNG.encode(width: 1024, height: 512, channels: 1, bitDepth: 8, samples: Array(repeating: 0, count: 1024 * 512))
        #expect { try PNG.decode(bytes, name: "wide.png", memory: MemoryBudget(availableBytes: 1 << 20, source: "test")) } throws: { error in
            let text = (error as? FormatError)?.description ?? ""
            return text.hasPrefix("wide.png: IHDR declares 1024×512 pixels of 1 channel: needs 2.5 MiB of memory, more than the 1.0 MiB")
        }
        #expect(try PNG.decode(bytes, name: "wide.png", memory: MemoryBudget(availableBytes: 1 << 22, source: "test")).shape == [1, 1, 512, 1024])
    }
}
