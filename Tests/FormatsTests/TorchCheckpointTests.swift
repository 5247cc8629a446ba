import Foundation
import Formats
import Tensor
import Testing

@Suite("PyTorch checkpoints")
struct TorchCheckpointTests {
    static let loadable = ["tiny_module.pt", "tiny_module_protocol4.pt", "tiny_module_deflated_zip64.pt",
                           "wrapped.pt", "dtypes.pt", "views.pt", "many.pt"]

    @Test("torch.save fixtures load with the expected names, order, shapes and exact values", arguments: loadable)
    func fixture(name: String) throws {
        let expected = try #require(CheckpointFixtures.expected.files[name])
        expectMatches(try TorchCheckpoint.read(path: CheckpointFixtures.path(name)), expected)
        expectMatches(try NamedTensors.read(path: CheckpointFixtures.path(name)), expected)
    }

    @Test("key order is the file's, not sorted")
    func keyOrder() throws {
        let tensors = try NamedTensors.read(path: CheckpointFixtures.path("many.pt"))
        #expect(tensors.count == 40)
        #expect(tensors.names != tensors.names.sorted())
        #expect(tensors.map(\.name) == tensors.names)
        #expect(tensors[0].tensor == tensors[tensors.names[0]])
    }

    @Test("views keep their own offset and strides when they share one storage")
    func sharedStorage() throws {
        let tensors = try NamedTensors.read(path: CheckpointFixtures.path("views.pt"))
        let base = (0..<24).map { Float($0) * 0.5 - 3 }
        #expect(tensors["window"]?.scalars == Array(base[5..<17]))
        #expect(tensors["strided"]?.scalars == [3, 5, 7, 10, 12, 14].map { base[$0] })
        #expect(tensors["column"]?.scalars == [1, 7, 13, 19].map { base[$0] })
        #expect(tensors["expanded"]?.scalars == [1, -2, 4, 1, -2, 4])
        #expect(tensors["empty"]?.shape == [0, 3])
    }

    @Test("zip64 end records are followed when the end record holds 0xFFFF and 0xFFFFFFFF")
    func zip64EndRecord() throws {
        var bytes = try CheckpointFixtures.bytes("tiny_module_deflated_zip64.pt")
        let end = bytes.count - 22
        #expect(bytes[end..<end + 4] == [0x50, 0x4B, 0x05, 0x06])
        bytes.replaceSubrange(end + 8..<end + 20, with: [UInt8](repeating: 0xFF, count: 12))
        expectMatches(try TorchCheckpoint.decode(bytes, name: "zip64.pt"),
                      CheckpointFixtures.expected.files["tiny_module.pt"]!)
    }

    @Test("every supported opcode, in a hand-written pickle")
    func handWrittenPickle() throws {
        var pickle: [UInt8] = [0x80, 0x04, 0x95] + [UInt8](repeating: 0, count: 8)  // PROTO 4, FRAME
        pickle += [0x8C, 11] + Array("collections".utf8) + [0x94, 0x8C, 11] + Array("OrderedDict".utf8) + [0x94, 0x93]
        pickle += [0x72, 0x00, 0x01, 0x00, 0x00, 0x29, 0x52, 0x28]  // LONG_BINPUT 256, (), REDUCE, MARK
        pickle += [0x8D] + [5, 0, 0, 0, 0, 0, 0, 0] + Array("w.ône".utf8).prefix(5)  // BINUNICODE8 key
        pickle += [0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8) + [0x28, 0x28]
        pickle += [0x8C, 7] + Array("storage".utf8) + [0x8C, 5] + Array("torch".utf8) + [0x8C, 11]
            + Array("HalfStorage".utf8) + [0x93, 0x8C, 1, 0x30, 0x8C, 3] + Array("cpu".utf8)
        pickle += [0x4D, 0x2C, 0x01, 0x74, 0x51]  // BININT2 300, TUPLE, BINPERSID
        pickle += [0x8A, 0x01, 0x02]  // LONG1 offset 2
        pickle += [0x4B, 2, 0x4D, 0x03, 0x00, 0x4B, 1, 0x87]  // TUPLE3 shape (2, 3, 1)
        pickle += [0x4A, 3, 0, 0, 0, 0x4B, 1, 0x4B, 1, 0x87]  // TUPLE3 strides (3, 1, 1)
        pickle += [0x88, 0x6A, 0x00, 0x01, 0x00, 0x00, 0x29, 0x52]  // NEWTRUE, LONG_BINGET 256, (), REDUCE: hooks
        pickle += [0x7D, 0x8C, 1, 0x6B, 0x47] + [0x3F, 0xF8, 0, 0, 0, 0, 0, 0] + [0x73]  // metadata {'k': 1.5}
        pickle += [0x74, 0x52, 0x75]  // TUPLE, REDUCE, SETITEMS
        pickle += [0x7D, 0x8C, 4] + Array("list".utf8) + [0x5D, 0x4E, 0x61, 0x28, 0x89, 0x4B, 7, 0x65, 0x73]
        pickle += [0x62, 0x2E]  // BUILD (state dropped), STOP
        let halves: [UInt16] = (0..<300).map { UInt16($0) | 0x3C00 }  // 1 + k/1024
        let storage = halves.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let zip = storedZip([("hand/data.pkl", pickle), ("hand/data/0", storage)])
        let tensors = try TorchCheckpoint.decode(zip, name: "hand.pt")
        #expect(tensors.names == ["w.ôn"])
        #expect(tensors["w.ôn"]?.shape == [2, 3, 1])
        #expect(tensors["w.ôn"]?.scalars == (2..<8).map { 1 + Float($0) / 1024 })
    }

    @Test("a training checkpoint with several wrapper keys is not unwrapped")
    func ambiguousWrapper() {
        let pickle = PickleBytes.stateDict { pickle in
            pickle.string("state_dict")
            pickle.raw([0x7D])
            pickle.string("model")
            pickle.raw([0x7D])
        }
        expectFormatError(file: "two.pt", "entry 'state_dict' is a dict; expected a tensor") {
            _ = try TorchCheckpoint.decode(storedZip([("two/data.pkl", pickle)]), name: "two.pt")
        }
    }

    @Test("legacy (non-zip) torch.save files are refused with a hint")
    func legacy() {
        let path = CheckpointFixtures.path("legacy.pt")
        expectFormatError(file: path, "legacy torch.save format; re-save with torch ≥ 1.6") {
            _ = try NamedTensors.read(path: path)
        }
    }

    @Test("an int64 tensor is an error naming its key and storage type")
    func int64() {
        let path = CheckpointFixtures.path("int64.pt")
        expectFormatError(file: path, "tensor 'step'", "torch.LongStorage", "not supported") {
            _ = try TorchCheckpoint.read(path: path)
        }
    }

    @Test("a float64 tensor (DoubleStorage) becomes Float32 rounded to nearest")
    func float64() throws {
        let values: [Double] = [0.1, -2.5, 1e300, 1 + 0x1p-30]
        let bytes = oneTensorCheckpoint(storageType: "DoubleStorage", storage: float64Bytes(values))
        #expect(try TorchCheckpoint.decode(bytes, name: "d.pt")["w"]?.scalars == [Float(0.1), -2.5, .infinity, 1])
    }

    @Test("a tensor of rank 6 is an error naming its key")
    func rankSix() {
        let path = CheckpointFixtures.path("rank6.pt")
        expectFormatError(file: path, "tensor 'deep'", "rank 6", "expected rank 0 to 5") {
            _ = try TorchCheckpoint.read(path: path)
        }
    }

    @Test("the hand-built checkpoint itself loads")
    func handBuilt() throws {
        #expect(try TorchCheckpoint.decode(oneTensorCheckpoint(), name: "ok.pt")["w"]?.scalars == [1, 2, 3, 4])
        let view = try TorchCheckpoint.decode(oneTensorCheckpoint(offset: 1, shape: [2, 2], strides: [0, 2]), name: "v.pt")
        #expect(view["w"]?.scalars == [2, 4, 2, 4])
    }

    @Test("broken checkpoints are FormatErrors naming the file and what was expected",
          arguments: [
              (oneTensorCheckpoint(storage: float32Bytes([1, 2, 3])), ["tensor 'w'", "12 bytes", "expected 4 elements"]),
              (oneTensorCheckpoint(offset: 2, shape: [3]), ["tensor 'w'", "reach element 4", "storage holds 4"]),
              (oneTensorCheckpoint(shape: [2], strides: [1, 1]), ["tensor 'w'", "2 strides"]),
              (oneTensorCheckpoint(storageType: "DoubleStorage"), ["tensor 'w'", "16 bytes", "expected 4 elements of 8 bytes"]),
              (oneTensorCheckpoint(storageType: "IntStorage"), ["tensor 'w'", "torch.IntStorage", "expected torch.FloatStorage"]),
              (storedZip([("a/data.pkl", PickleBytes.stateDict { $0.string("w"); $0.tensor(key: "7", count: 4, shape: [4], strides: [1]) })]),
               ["tensor 'w'", "storage entry 'a/data/7' is missing"]),
              (storedZip([("a/version", [0x33])]), ["missing data.pkl"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x7D, 0x2E]), ("b/data.pkl", [0x80, 0x02, 0x7D, 0x2E])]),
               ["2 data.pkl entries", "a/data.pkl, b/data.pkl"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x49, 0x31, 0x0A, 0x2E])]), ["unsupported pickle opcode 0x49 ('I')", "byte 2"]),
              (storedZip([("a/data.pkl", [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x2E])]), ["global 'os.system' is not allowed"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x5D, 0x2E])]), ["data.pkl holds a list; expected a dict of tensors"]),
              (storedZip([("a/data.pkl", PickleBytes.stateDict { $0.string("epoch"); $0.raw([0x4B, 3]) })]),
               ["entry 'epoch' is an int; expected a tensor"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x7D, 0x28, 0x4E, 0x4E, 0x75, 0x2E])]), ["dict key of type None"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x7D])]), ["pickle 'a/data.pkl' is truncated"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x68, 0x05, 0x2E])]), ["memo entry 5 is not set"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x74])]), ["no MARK"]),
              (storedZip([("a/data.pkl", [0x80, 0x02, 0x2E])]), ["the stack is empty"]),
              (oneTensorCheckpoint(extra: [("a/byteorder", Array("big".utf8))]), ["byteorder is 'big'; expected 'little'"]),
              (Array("PK\u{3}\u{4}garbage".utf8), ["end-of-central-directory record"]),
              (Array(oneTensorCheckpoint().dropLast(30)), ["no end-of-central-directory record"]),
              ([0x80, 0x02, 0x7D, 0x2E], ["not a PyTorch zip checkpoint", "found 80 02 7d 2e"]),
          ] as [([UInt8], [String])])
    func brokenCheckpoint(bytes: [UInt8], parts: [String]) {
        expectFormatError(file: "broken.pt", parts) { _ = try TorchCheckpoint.decode(bytes, name: "broken.pt") }
    }

    @Test("a broadcast view far larger than its storage is refused")
    func hugeBroadcast() {
        let bytes = oneTensorCheckpoint(shape: [255, 255, 255, 255], strides: [0, 0, 0, 0])
        expectFormatError(file: "huge.pt", "tensor 'w'", "broadcast view of 4228250625 elements", "too large") {
            _ = try TorchCheckpoint.decode(bytes, name: "huge.pt")
        }
    }

    @Test("an entry compressed with another method than STORED or DEFLATED is refused")
    func compressionMethod() throws {
        var bytes = oneTensorCheckpoint()
        let directory = try #require(bytes.firstRange(of: [0x50, 0x4B, 0x01, 0x02]))  // data.pkl's entry
        bytes[directory.lowerBound + 10] = 12  // bzip2
        expectFormatError(file: "bz.pt", "zip entry 'a/data.pkl' uses compression method 12",
                          "expected 0 (stored) or 8 (deflated)") {
            _ = try TorchCheckpoint.decode(bytes, name: "bz.pt")
        }
    }

    @Test("a corrupt entry fails its CRC-32")
    func corruptEntry() throws {
        var bytes = oneTensorCheckpoint()
        let storage = try #require(bytes.firstRange(of: float32Bytes([1, 2, 3, 4])))
        bytes[storage.lowerBound] ^= 1
        expectFormatError(file: "crc.pt", "zip entry 'a/data/0' is corrupt: CRC-32") {
            _ = try TorchCheckpoint.decode(bytes, name: "crc.pt")
        }
    }

    @Test("deep nesting is refused instead of overflowing the stack", arguments: [101, 100_000])
    func deepNesting(levels: Int) {
        let pickle: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: levels) + [0x2E]  // None, TUPLE1…
        expectFormatError(file: "deep.pt", "nested more than 100 deep") {
            _ = try TorchCheckpoint.decode(storedZip([("a/data.pkl", pickle)]), name: "deep.pt")
        }
    }

    @Test("a dict changed after being stored in another one is refused")
    func frozenContainer() {
        // {'a': d} with d memoised, then d['b'] = 1 through the memo.
        let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x8C, 1, 0x61, 0x7D, 0x71, 1, 0x73, 0x68, 1, 0x8C, 1, 0x62, 0x4B, 1, 0x73, 0x2E]
        expectFormatError(file: "frozen.pt", "changing a list or dict after storing it elsewhere") {
            _ = try TorchCheckpoint.decode(storedZip([("a/data.pkl", pickle)]), name: "frozen.pt")
        }
    }
}
