import Foundation
import Formats
import Tensor
import Testing

@Suite("safetensors")
struct SafeTensorsTests {
    static let fixtures = ["tiny_module.safetensors", "float16.safetensors", "bfloat16.safetensors"]

    @Test("safetensors fixtures load with the expected names, order, shapes and exact values", arguments: fixtures)
    func fixture(name: String) throws {
        let expected = try #require(CheckpointFixtures.expected.files[name])
        expectMatches(try SafeTensors.read(path: CheckpointFixtures.path(name)), expected)
        expectMatches(try NamedTensors.read(path: CheckpointFixtures.path(name)), expected)
    }

    @Test("the writer reproduces the safetensors package's files byte for byte",
          arguments: [("tiny_module.safetensors", SafeTensors.DType.f32), ("float16.safetensors", .f16)])
    func writerMatchesReference(name: String, dtype: SafeTensors.DType) throws {
        let reference = try CheckpointFixtures.bytes(name)
        #expect(SafeTensors.encode(try SafeTensors.decode(reference, name: name), dtype: dtype) == reference)
    }

    @Test("round trip through a file", arguments: SafeTensors.DType.allCases)
    func roundTrip(dtype: SafeTensors.DType) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        // Values exact in all three formats, an empty tensor, a rank-5 tensor and an awkward name.
        let original = NamedTensors([
            ("conv.weight", Tensor(shape: [2, 3], values: [1, -2, 0.5, 0.25, -0, 96])),
            ("empty", Tensor(shape: [0, 4])),
            ("a \"quoted\"\\name\n", Tensor(shape: [1, 2, 1, 2, 1], values: [3, -4, 1.5, 2048])),
            ("after", Tensor(shape: [3], values: [.infinity, -.infinity, 7])),
        ])
        try SafeTensors.write(original, dtype: dtype, to: path)
        let loaded = try NamedTensors.read(path: path)
        #expect(loaded.names == ["conv.weight", "empty", "a \"quoted\"\\name\n", "after"])
        #expect(loaded == original)
    }

    @Test("F16 writing rounds to nearest even and reads back as the rounded values")
    func float16RoundTrip() throws {
        let values: [Float] = [1 + 1.0 / 2048, 1 + 3.0 / 2048, 65519, 65520, 1e-8, 0.1, -.nan]
        let bytes = SafeTensors.encode(NamedTensors([("x", Tensor(shape: [7], values: values))]), dtype: .f16)
        let read = try #require(try SafeTensors.decode(bytes, name: "x.safetensors")["x"]).scalars
        let expected: [Float] = [1, 1 + 4.0 / 2048, 65504, .infinity, 0, Float(Float16(bitPattern: 0x2E66))]
        #expect(Array(read.prefix(6)) == expected)
        #expect(read[6].isNaN)
    }

    /// A safetensors file with the given header text and data.
    static func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) } + json + data
    }

    @Test("broken safetensors files are FormatErrors naming the file, the key and what was expected",
          arguments: [
              (file(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
               ["tensor 'w'", "dtype I64 is not supported; expected F32, F16 or BF16"]),
              (file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
               ["tensor 'w'", "hold 8 bytes, expected 3 elements of F32"]),
              (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 12)),
               ["describes 8 bytes of data, the file has 12"]),
              (file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 4)),
               ["describes 8 bytes of data, the file has 4"]),
              (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                    data: [UInt8](repeating: 0, count: 12)), ["tensor 'b'", "data starts at byte 8, expected 4"]),
              (file(#"{"w":{"dtype":"F32","shape":[1,1,1,1,1,1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
               ["tensor 'w'", "rank 6"]),
              (file(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#), ["tensor 'w'", "negative extent"]),
              (file(#"{"w":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}}"#), ["too large"]),
              (file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#), ["[begin, end]"]),
              (file(#"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), ["invalid JSON header", "shape"]),
              (file(#"{"w": [1, 2"#), ["invalid JSON header"]),
              ([16, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D], ["header length 16 exceeds the 2 bytes after it"]),
              ([1, 2, 3], ["safetensors header is truncated"]),
          ] as [([UInt8], [String])])
    func brokenFile(bytes: [UInt8], parts: [String]) {
        expectFormatError(file: "bad.safetensors", parts) { _ = try SafeTensors.decode(bytes, name: "bad.safetensors") }
    }

    @Test("__metadata__ is ignored and empty tensors may share an offset")
    func metadataAndEmpty() throws {
        let header = #"{"__metadata__":{"format":"pt"},"z":{"dtype":"F16","shape":[0],"data_offsets":[0,0]},"#
            + #""a":{"dtype":"F16","shape":[0,2],"data_offsets":[0,0]}}"#
        let tensors = try SafeTensors.decode(Self.file(header), name: "empty.safetensors")
        #expect(tensors.names == ["a", "z"])
        #expect(tensors["a"]?.shape == [0, 2])
    }

    @Test("unrecognised formats are named as such")
    func unrecognised() {
        expectFormatError(file: "x.bin", "unrecognised format", "found 00 01 02") {
            _ = try NamedTensors.decode([0, 1, 2], name: "x.bin")
        }
        expectFormatError(file: "none.bin", "found no bytes") { _ = try NamedTensors.decode([], name: "none.bin") }
    }
}
