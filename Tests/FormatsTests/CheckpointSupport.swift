import CZlib
import Foundation
import Formats
import Tensor
import Testing

/// The checkpoint fixtures of `tools/reference/checkpoint_fixtures.py` and their expected values.
enum CheckpointFixtures {
    /// Path of the fixture file `name`.
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }

    /// The bytes of the fixture file `name`.
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// `checkpoints_expected.json`.
    static let expected: Expected = {
        let url = URL(fileURLWithPath: path("checkpoints_expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    /// The JSON file: per fixture, its tensors in file order; and torch's 16-bit roundings.
    struct Expected: Decodable {
        let versions: [String: String]
        let files: [String: [ExpectedTensor]]
        /// `[float32 bits, float16 bits]` pairs from `tensor.to(torch.float16)`.
        let float16Rounding: [[UInt32]]
        /// `[float32 bits, bfloat16 bits]` pairs from `tensor.to(torch.bfloat16)`.
        let bfloat16Rounding: [[UInt32]]
    }

    /// One tensor: its torch shape (`[]` for a scalar) and row-major values.
    struct ExpectedTensor: Decodable {
        let name: String
        let shape: [Int]
        let values: [ExpectedValue]
    }

    /// A float32-exact number, or `"nan"`, `"inf"`, `"-inf"`.
    struct ExpectedValue: Decodable {
        let value: Float

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = Float(number)
                #expect(Double(value) == number, "\(number) is not a float32")
                return
            }
            switch try container.decode(String.self) {
            case "nan": value = .nan
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            case let other: throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad value \(other)")
            }
        }
    }
}

/// Expects `tensors` to hold exactly the expected names (in order), shapes and bit-identical
/// values (any NaN matching "nan"); a torch scalar (shape `[]`) is read as shape `[1]`.
func expectMatches(_ tensors: NamedTensors, _ expected: [CheckpointFixtures.ExpectedTensor],
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(tensors.names == expected.map(\.name), sourceLocation: sourceLocation)
    for entry in expected {
        guard let tensor = tensors[entry.name] else { continue }
        #expect(tensor.shape == (entry.shape.isEmpty ? [1] : entry.shape), "\(entry.name)", sourceLocation: sourceLocation)
        let actual = tensor.scalars, wanted = entry.values.map(\.value)
        let same = actual.count == wanted.count && zip(actual, wanted).allSatisfy {
            $0.isNaN ? $1.isNaN : $0.bitPattern == $1.bitPattern
        }
        #expect(same, "\(entry.name): \(actual) != \(wanted)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw a `FormatError` for `file` whose message contains every one of `parts`.
func expectFormatError(file: String, _ parts: String..., sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void) {
    expectFormatError(file: file, parts, sourceLocation: sourceLocation, body)
}

/// Expects `body` to throw a `FormatError` for `file` whose message contains every one of `parts`.
func expectFormatError(file: String, _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a FormatError mentioning \(parts)", sourceLocation: sourceLocation)
    } catch let error as FormatError {
        #expect(error.file == file, sourceLocation: sourceLocation)
        #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        for part in parts {
            #expect(error.problem.contains(part), "'\(error.problem)' lacks '\(part)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a FormatError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// A one-tensor checkpoint `{'w': float32 tensor}` whose pickle and storage can be broken.
func oneTensorCheckpoint(count: Int = 4, offset: Int = 0, shape: [Int] = [4], strides: [Int] = [1],
                         storageType: String = "FloatStorage", storage: [UInt8]? = nil,
                         extra: [(String, [UInt8])] = []) -> [UInt8] {
    let pickle = PickleBytes.stateDict { pickle in
        pickle.string("w")
        pickle.tensor(storageType: storageType, key: "0", count: count, offset: offset, shape: shape, strides: strides)
    }
    return storedZip([("a/data.pkl", pickle), ("a/data/0", storage ?? float32Bytes([1, 2, 3, 4]))] + extra)
}


/// A zip archive of STORED entries, as a minimal writer lays it out (no zip64, no data descriptors).
func storedZip(_ entries: [(String, [UInt8])]) -> [UInt8] {
    func le(_ value: Int, _ size: Int) -> [UInt8] { (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    var file: [UInt8] = [], directory: [UInt8] = []
    for (name, data) in entries {
        let crc = Int(data.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
        let common = le(0, 2) + le(0, 2) + le(0, 4) + le(crc, 4) + le(data.count, 4) + le(data.count, 4)
            + le(name.utf8.count, 2) + le(0, 2)
        directory += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + common + le(0, 10) + le(file.count, 4) + Array(name.utf8)
        file += le(0x0403_4B50, 4) + le(20, 2) + common + Array(name.utf8) + data
    }
    return file + directory + le(0x0605_4B50, 4) + le(0, 4) + le(entries.count, 2) + le(entries.count, 2)
        + le(directory.count, 4) + le(file.count, 4) + le(0, 2)
}

/// The entries of a zip archive of STORED entries (such as `torch.save` writes), found through its
/// central directory; for fixtures only, so it does not validate.
func storedEntries(_ zip: [UInt8]) -> [(String, [UInt8])] {
    func le(_ offset: Int, _ size: Int) -> Int { (0..<size).reduce(0) { $0 | Int(zip[offset + $1]) << (8 * $1) } }
    let end = zip.count - 22
    var entry = le(end + 16, 4), entries: [(String, [UInt8])] = []
    for _ in 0..<le(end + 10, 2) {
        let size = le(entry + 20, 4), nameLength = le(entry + 28, 2), local = le(entry + 42, 4)
        let name = String(decoding: zip[entry + 46..<entry + 46 + nameLength], as: UTF8.self)
        let data = local + 30 + le(local + 26, 2) + le(local + 28, 2)
        entries.append((name, Array(zip[data..<data + size])))
        entry += 46 + nameLength + le(entry + 30, 2) + le(entry + 32, 2)
    }
    return entries
}

/// Pickle bytes in the style of `torch.save` (protocol 2), built opcode by opcode.
struct PickleBytes {
    var bytes: [UInt8] = [0x80, 0x02]

    /// Appends raw opcodes and arguments.
    mutating func raw(_ more: [UInt8]) { bytes += more }
    /// BINUNICODE.
    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes += [0x58] + (0..<4).map { UInt8(truncatingIfNeeded: utf8.count >> (8 * $0)) } + utf8
    }
    /// GLOBAL.
    mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
    /// BININT1 of each value, then TUPLE (after a MARK).
    mutating func intTuple(_ values: [Int]) { bytes += [0x28] + values.flatMap { [0x4B, UInt8($0)] } + [0x74] }

    /// `_rebuild_tensor_v2((storage pid), offset, shape, strides, False, OrderedDict())`.
    mutating func tensor(storageType: String = "FloatStorage", key: String, count: Int, offset: Int = 0,
                         shape: [Int], strides: [Int]) {
        global("torch._utils", "_rebuild_tensor_v2")
        raw([0x28, 0x28])
        string("storage")
        global("torch", storageType)
        string(key)
        string("cpu")
        raw([0x4B, UInt8(count), 0x74, 0x51, 0x4B, UInt8(offset)])
        intTuple(shape)
        intTuple(strides)
        raw([0x89])
        global("collections", "OrderedDict")
        raw([0x29, 0x52, 0x74, 0x52])
    }

    /// A whole pickle of `{name: tensor, …}` (EMPTY_DICT, MARK, pairs, SETITEMS, STOP).
    static func stateDict(_ body: (inout PickleBytes) -> Void) -> [UInt8] {
        var pickle = PickleBytes()
        pickle.raw([0x7D, 0x28])
        body(&pickle)
        pickle.raw([0x75, 0x2E])
        return pickle.bytes
    }
}
