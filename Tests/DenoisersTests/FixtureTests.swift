import Denoisers
import Formats
import Foundation
import Tensor
import Testing

/// The PyTorch/DeepInverse reference outputs written by `tools/reference/drunet_fixture.py`.
struct DRUNetFixture: Decodable {
    struct Model: Decodable {
        let pth: String
        let safetensors: String
    }
    struct Case: Decodable {
        let name: String
        let model: String
        let sigma: [Float]
        let input: String
        let output: String
    }
    let models: [String: Model]
    let cases: [Case]

    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path

    static func load() throws -> DRUNetFixture {
        try JSONDecoder().decode(DRUNetFixture.self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/cases.json")))
    }
}

@Suite("DRUNet against PyTorch/DeepInverse fixtures")
struct DRUNetFixtureTests {
    @Test("every case matches the reference within 1e-4, weights from .pth and from safetensors",
          arguments: ["pth", "safetensors"])
    func cases(format: String) throws {
        let fixture = try DRUNetFixture.load()
        #expect(fixture.cases.count >= 5)
        for (name, model) in fixture.models {
            let file = "\(DRUNetFixture.folder)/\(format == "pth" ? model.pth : model.safetensors)"
            let network = try DRUNet(contentsOf: file)
            for testCase in fixture.cases where testCase.model == name {
                let input = try NPY.read(path: "\(DRUNetFixture.folder)/\(testCase.input)")
                let expected = try NPY.read(path: "\(DRUNetFixture.folder)/\(testCase.output)")
                let output = try network.denoise(input, sigma: testCase.sigma)
                #expect(output.shape == expected.shape)
                let error = (output - expected).withUnsafeBufferPointer { $0.map(abs).max() ?? 0 }
                print("DRUNet fixture \(testCase.name) from \(format): max abs error \(error)")
                #expect(error <= 1e-4, "\(testCase.name) from \(format): max abs error \(error)")
            }
        }
    }

    @Test("the loaded configuration is the reduced one the fixture script built")
    func configuration() throws {
        let network = try DRUNet(contentsOf: "\(DRUNetFixture.folder)/drunet_small_color.safetensors")
        #expect(network.configuration == (try DRUNetConfiguration(inputChannels: 3, outputChannels: 3, channels: [8, 16, 32, 64], blocks: 1)))
    }
}
