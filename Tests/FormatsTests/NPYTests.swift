import Foundation
import Formats
import Tensor
import Testing

@Suite("NPY")
struct NPYTests {
    /// A tensor whose elements are distinct, non-integer and include a negative zero.
    static func sample(shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, values: (0..<count).map { $0 == 1 ? -0.0 : Float($0) * 0.37 - 5 })
    }

    @Test("float32 round trip through a file", arguments: [[7], [2, 3], [2, 3, 4], [2, 1, 3, 2], [1, 2, 3, 1, 2],
                                                           [0], [3, 0, 2], [1, 1, 1, 1, 0]])
    func roundTrip(shape: [Int]) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/tensor.npy"
        let original = Self.sample(shape: shape)
        try NPY.write(original, to: path)
        let loaded = try NPY.read(path: path)
        #expect(loaded.shape == shape)
        #expect(loaded.scalars.map(\.bitPattern) == original.scalars.map(\.bitPattern))
    }

    @Test("encode writes exactly the bytes numpy.save writes")
    func encodeMatchesNumpy() {
        let values: [Float] = [1, -2.5, 3.25, 0, 1e-3, 65504]
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
            + String(repeating: " ", count: 20 + 38) + "\n"
        let expected = [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + Array(header.utf8) + float32Bytes(values)
        #expect(NPY.encode(Tensor(shape: [2, 3], values: values)) == expected)
    }

    @Test("encoded data starts on a 64-byte boundary", arguments: [[5], [123_456, 2], [1, 2, 3, 4, 5], [0, 4]])
    func encodeAlignsData(shape: [Int]) {
        let bytes = NPY.encode(Tensor(shape: shape))
        let dataStart = 10 + Int(bytes[8]) + Int(bytes[9]) << 8
        #expect(Array(bytes[6..<8]) == [1, 0])
        #expect(dataStart % 64 == 0)
        #expect(bytes[dataStart - 1] == UInt8(ascii: "\n"))
        #expect(bytes.count - dataStart == 4 * shape.reduce(1, *))
    }

    @Test("decodes a hand-built numpy version 1.0 float32 file")
    func decodeNumpyFloat32() throws {
        let values: [Float] = [0.5, -1, 2, .infinity, 1e-30, 7]
        let file = npyFile(header: numpyHeader(shape: "(2, 3)", firstExtentDigits: 1), data: float32Bytes(values))
        let tensor = try NPY.decode(file, name: "a.npy")
        #expect(tensor.shape == [2, 3])
        #expect(tensor.scalars == values)
    }

    @Test("decodes version 2.0 and 3.0 headers", arguments: [UInt8(2), 3])
    func decodeLaterVersions(version: UInt8) throws {
        let header = numpyHeader(shape: "(3,)", firstExtentDigits: 1, preambleLength: 12)
        let file = npyFile(version: version, header: header, data: float32Bytes([1, 2, 3]))
        #expect(try NPY.decode(file, name: "v.npy") == Tensor(shape: [3], values: [1, 2, 3]))
    }

    @Test("decodes a float64 file to Float32")
    func decodeFloat64() throws {
        let values: [Double] = [0.1, -2, 1e300, 3.5, -1e-300, 0]
        let header = numpyHeader(descr: "<f8", shape: "(1, 2, 1, 3, 1)", firstExtentDigits: 1)
        let tensor = try NPY.decode(npyFile(header: header, data: float64Bytes(values)), name: "d.npy")
        #expect(tensor.shape == [1, 2, 1, 3, 1])
        #expect(tensor.scalars == values.map(Float.init))
    }

    @Test("decodes hand-written headers: data at an unaligned offset (71), double quotes, other key order")
    func decodeOlderHeaders() throws {
        let header = "{\"shape\": (2,2), 'fortran_order': False,'descr': '<f4'}     \n"
        let tensor = try NPY.decode(npyFile(header: header, data: float32Bytes([1, 2, 3, 4])), name: "old.npy")
        #expect(tensor == Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
    }

    /// A malformed file and a fragment its error message must contain.
    struct Malformed: CustomTestStringConvertible, Sendable {
        let bytes: [UInt8]
        let message: String
        var testDescription: String { "\(bytes.count) bytes → \(message)" }
    }

    static let malformed: [Malformed] = {
        let good = numpyHeader(shape: "(2, 3)", firstExtentDigits: 1)
        let data = float32Bytes([Float](repeating: 1, count: 6))
        func file(_ dict: String) -> [UInt8] { npyFile(header: dict + "\n", data: data) }
        let cases: [([UInt8], String)] = [
            ([], "not an NPY file (bad magic)"),
            (Array("PK\u{3}\u{4} zip file, not npy".utf8), "not an NPY file (bad magic)"),
            ([0x93] + Array("NUMPY".utf8) + [1], "file ends inside the NPY preamble"),
            ([0x93] + Array("NUMPY".utf8) + [1, 0, 5], "file ends inside the NPY preamble"),
            ([0x93] + Array("NUMPY".utf8) + [2, 0, 5, 0], "file ends inside the NPY preamble"),
            (npyFile(version: 4, header: good, data: data), "unsupported NPY version 4.0"),
            (Array(npyFile(header: good, data: data).prefix(50)), "header says it is 118 bytes long, file has 40"),
            (npyFile(header: good, data: Array(data.prefix(10))), "header says 24 bytes of data, file has 10"),
            (npyFile(header: good, data: data + [0]), "header says 24 bytes of data, file has 25"),
            (file("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }"),
             "expected dtype '<f4' or '<f8', got '<i8'"),
            (file("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }"), "big-endian dtype '>f4'"),
            (file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"), "Fortran-order"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"), "got a scalar (shape ())"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 2, 3), }"), "got rank 6"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, -3), }"), "negative extent"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"), "too large"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }"), "'shape' is not a tuple"),
            (file("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }"), "'fortran_order' is not True or False"),
            (file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }"), "malformed header dict"),
            (file("{'descr': '<f4', 'shape': (2, 3), }"), "header dict has keys [\"descr\", \"shape\"]"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}"), "header dict has keys"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "), "malformed header dict"),
            (file("{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}"), "malformed header dict"),
            (file("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}"), "malformed header dict"),
            (file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk"), "malformed header dict"),
        ]
        return cases.map { Malformed(bytes: $0.0, message: $0.1) }
    }()

    @Test("malformed files produce one-line errors naming the file", arguments: malformed)
    func rejectsMalformed(file: Malformed) throws {
        let error = try #require(throws: FormatError.self) { try NPY.decode(file.bytes, name: "bad/x.npy") }
        #expect(error.description.hasPrefix("bad/x.npy: "))
        #expect(error.description.contains(file.message), "\(error)")
        #expect(!error.description.contains("\n"))
    }

    @Test("reading a missing file names it and the reason")
    func readMissingFile() throws {
        let error = try #require(throws: FormatError.self) { try NPY.read(path: "/nonexistent-dir/missing.npy") }
        #expect(error.description == "/nonexistent-dir/missing.npy: cannot read file (No such file or directory)")
    }

    @Test("writing into a missing directory names the file")
    func writeIntoMissingDirectory() throws {
        let error = try #require(throws: FormatError.self) {
            try NPY.write(Tensor(shape: [2]), to: "/nonexistent-dir/out.npy")
        }
        #expect(error.description == "/nonexistent-dir/out.npy: cannot create a file in its folder (No such file or directory)")
    }

    @Test("garbage, truncations and corruptions of a valid file never crash")
    func survivesGarbage() {
        let valid = NPY.encode(Self.sample(shape: [3, 4]))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for length in 0...valid.count {
            _ = try? NPY.decode(Array(valid.prefix(length)), name: "t.npy")
        }
        for _ in 0..<3000 {
            var corrupted = valid
            for _ in 0...(next() % 4) { corrupted[next() % 140] = UInt8(truncatingIfNeeded: next()) }
            _ = try? NPY.decode(corrupted, name: "c.npy")
            _ = try? NPY.decode((0..<(next() % 200)).map { _ in UInt8(truncatingIfNeeded: next()) }, name: "g.npy")
        }
    }
}
