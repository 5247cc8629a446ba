import Formats
import Foundation
import Tensor
import Testing

@Suite("Array layouts")
struct ArrayLayoutTests {
    @Test("array layouts: [H, W] gains and loses its [1, 1] prefix; other ranks are refused")
    func layouts() throws {
        let folder = NSTemporaryDirectory() + "invscale-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try NPY.write(Tensor(shape: [3, 4], repeating: 2), to: "\(folder)/a.npy")
        let planar = try ArrayLayout.read("\(folder)/a.npy", trailing: [3, 4], expected: "A, G")
        #expect(planar.tensor.shape == [1, 1, 3, 4])
        #expect(try planar.restore(Tensor(shape: [1, 1, 5, 6])).shape == [5, 6])
        #expect(throws: FormatError.self) { try ArrayLayout.read("\(folder)/a.npy", trailing: [4, 4], expected: "N, N") }
        try NPY.write(Tensor(shape: [2, 3, 4]), to: "\(folder)/b.npy")
        #expect(try ArrayLayout.readImage("\(folder)/b.npy").shape == [1, 1, 2, 3, 4])
        #expect(throws: FormatError.self) { try ArrayLayout.read("\(folder)/b.npy", trailing: [3, 4], expected: "A, G") }
        try NPY.write(Tensor(shape: [7]), to: "\(folder)/c.npy")
        #expect(throws: FormatError.self) { try ArrayLayout.readImage("\(folder)/c.npy") }
    }
}
