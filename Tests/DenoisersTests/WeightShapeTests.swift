import Denoisers
import Testing

@Suite("DRUNet weights of the wrong shape")
struct WeightShapeTests {
    /// The shapes of a grey DRUNet state dict with `name` replaced by `shape`.
    static func shapes(replacing name: String, with shape: [Int]) throws -> [String: [Int]] {
        var shapes = Dictionary(uniqueKeysWithValues: try DRUNetConfiguration(inputChannels: 1, outputChannels: 1).parameterShapes
            .map { ($0.name, $0.shape) })
        shapes[name] = shape
        return shapes
    }

    @Test("a zero channel count names the file, the key and its shape", arguments: [
        ("m_head.weight", [64, 1, 3, 3], "image channels"), ("m_head.weight", [0, 2, 3, 3], "channels at level 1"),
        ("m_tail.weight", [0, 64, 3, 3], "output channels"), ("m_down2.4.weight", [0, 128, 2, 2], "channels at level 3"),
    ])
    func zeroChannels(key: String, shape: [Int], meaning: String) throws {
        let shapes = try Self.shapes(replacing: key, with: shape)
        #expect { try DRUNetConfiguration(inferringFrom: shapes, source: "net.pth") } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("net.pth: key '\(key)' has shape \(shape)") && text.contains(meaning)
        }
    }
}
