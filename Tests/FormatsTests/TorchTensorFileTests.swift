import Foundation
import Formats
import Tensor
import Testing

@Suite("PyTorch files read tensor by tensor")
struct TorchTensorFileTests {
    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func file(_ bytes: [UInt8], name: String = "t.pt") throws -> String {
        let path = try makeTemporaryDirectory() + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("every tensor of the fixtures reads as TorchCheckpoint reads it; items along the first axis pick rows of it",
          arguments: ["views.pt", "dtypes.pt", "tiny_module.pt", "tiny_module_deflated_zip64.pt"])
    func sameAsCheckpoint(name: String) throws {
        let path = CheckpointFixtures.path(name)
        let whole = try TorchCheckpoint.read(path: path), file = try TorchTensorFile(path: path)
        #expect(file.names == whole.names)
        for (key, tensor) in whole {
            let read = try file.tensor(key)
            #expect(read.shape == tensor.shape && read.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name) \(key)")
            #expect(try file.doubles(key).map { Float($0) }.elementsEqual(tensor.scalars) { $0.bitPattern == $1.bitPattern || $0.isNaN && $1.isNaN })
            let shape = try file.shape(of: key)
            guard let extent = shape.first, extent > 0 else { continue }
            let picks = [extent - 1, 0, extent - 1]
            let rowLength = tensor.count / extent, values = tensor.scalars
            let expected = picks.flatMap { values[$0 * rowLength..<($0 + 1) * rowLength] }
            let picked = try file.tensor(key, items: picks)
            #expect(picked.shape == [3] + shape.dropFirst())
            #expect(picked.scalars.elementsEqual(expected) { $0.bitPattern == $1.bitPattern }, "\(name) \(key)")
        }
    }

    @Test("float64 storages read as Doubles exactly, and as Float32 rounded")
    func float64() throws {
        let values: [Double] = [0.1, -66.01088, 1e-300, 199.011551]
        let path = try Self.file(oneTensorCheckpoint(shape: [2, 2], strides: [2, 1], storageType: "DoubleStorage",
                                                     storage: float64Bytes(values)))
        let file = try TorchTensorFile(path: path)
        #expect(try file.doubles("w") == values)
        #expect(try file.tensor("w").scalars == values.map { Float($0) })
        #expect(try file.tensor("w", items: [1]).scalars == [Float(values[2]), Float(values[3])])
    }

    @Test("entries that are not tensors are skipped; asking for them, or a missing key, names the file and the key")
    func skippedAndMissing() throws {
        let pickle = PickleBytes.stateDict { pickle in
            pickle.string("epoch")
            pickle.raw([0x4B, 3])
            pickle.string("w")
            pickle.tensor(key: "0", count: 4, shape: [4], strides: [1])
        }
        let path = try Self.file(storedZip([("a/data.pkl", pickle), ("a/data/0", float32Bytes([1, 2, 3, 4]))]))
        let file = try TorchTensorFile(path: path)
        #expect(file.names == ["w"])
        expectFormatError(file: path, "entry 'epoch' is an int; expected a tensor", "tensors: w") { _ = try file.tensor("epoch") }
        expectFormatError(file: path, "no entry 'vecs'", "tensors: w") { _ = try file.shape(of: "vecs") }
        expectFormatError(file: path, "tensor 'w'", "item 4 is out of range", "expected 0…3") { _ = try file.tensor("w", items: [0, 4]) }
    }

    @Test("a missing or broken file is a FormatError naming it")
    func brokenFile() throws {
        let missing = try makeTemporaryDirectory() + "/absent.pt"
        expectFormatError(file: missing, "cannot read file") { _ = try TorchTensorFile(path: missing) }
        let garbage = try Self.file(Array("not a zip".utf8))
        expectFormatError(file: garbage, "not a PyTorch zip checkpoint") { _ = try TorchTensorFile(path: garbage) }
        let empty = try Self.file([])
        expectFormatError(file: empty, "not a PyTorch zip checkpoint") { _ = try TorchTensorFile(path: empty) }
    }
}
