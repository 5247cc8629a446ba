@testable import Denoisers
import Formats
import Foundation
import Tensor
import Testing

/// The PyTorch reference cases written by `tools/reference/drunet3d_fixture.py`: model `converted`
/// (the reduced grey 2-D fixture network, converted) and model `random` (a natively 3-D network).
struct DRUNet3DFixture: Decodable {
    struct Model: Decodable {
        let file: String
    }
    let models: [String: Model]
    let cases: [DRUNetFixture.Case]

    static func load() throws -> DRUNet3DFixture {
        try JSONDecoder().decode(DRUNet3DFixture.self,
                                 from: Data(contentsOf: URL(fileURLWithPath: "\(DRUNetFixture.folder)/cases3d.json")))
    }
}

/// The benchmark's rule on one PyTorch kernel, written independently of the library's (which works
/// on GEMM matrices): `[a, b, k, k]` → `[a, b, k, k, k]`, 1e-8 everywhere, the kernel in the centre
/// slice (odd k) or divided by k in every slice (even k).
func benchmarkKernel3D(_ weight: Tensor) -> Tensor {
    let (a, b, k) = (weight.shape[0], weight.shape[1], weight.shape[2])
    var values = [Float](repeating: 1e-8, count: a * b * k * k * k)
    for outer in 0..<(a * b) { for z in 0..<k { for yx in 0..<(k * k) where k % 2 == 0 || z == k / 2 {
        let value = weight.scalars[outer * k * k + yx]
        values[(outer * k + z) * k * k + yx] = k % 2 == 0 ? value / Float(k) : value
    } } }
    return Tensor(shape: [a, b, k, k, k], values: values)
}

/// A 3-D network with seeded random weights in every tap (unlike a converted one).
func randomDRUNet3D(seed: UInt64, channels: [Int] = [8, 8, 16, 16]) throws -> DRUNet3D {
    let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: channels, blocks: 1)
    let generator = NormalGenerator(seed: seed)
    var parameters: [String: Tensor] = [:]
    for (stream, (name, shape)) in configuration.volumeParameterShapes.enumerated() {
        var weights = generator.tensor(shape: shape, stream: UInt64(stream))
        weights.scale(by: 0.5 * (2 / Float(shape.dropFirst().reduce(1, *))).squareRoot())
        parameters[name] = weights
    }
    return try DRUNet3D(configuration: configuration, parameters: parameters, source: "random")
}

func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    (a - b).withUnsafeBufferPointer { $0.map(abs).max() ?? 0 }
}

@Suite("3-D DRUNet against the PyTorch fixture (the reduced grey model converted, a natively 3-D network)")
struct DRUNet3DFixtureTests {
    @Test("every case within 1e-4: 2-D .pth and safetensors converted on loading, a converted DRUNet, a 3-D file (…weight_3d)",
          arguments: ["pth", "safetensors", "converting", "3-D file"])
    func cases(source: String) throws {
        let fixture = try DRUNet3DFixture.load()
        let (model, file) = source == "3-D file" ? ("random", fixture.models["random"]!.file) : ("converted", fixture.models["converted"]!.file)
        #expect(fixture.cases.filter { $0.model == model }.count >= 2)
        let path = "\(DRUNetFixture.folder)/\(file)"
        let network = switch source {
        case "safetensors": try DRUNet3D(contentsOf: path.replacingOccurrences(of: ".pth", with: ".safetensors"))
        case "converting": DRUNet3D(converting: try DRUNet(contentsOf: path))
        default: try DRUNet3D(contentsOf: path)
        }
        for testCase in fixture.cases where testCase.model == model {
            let input = try NPY.read(path: "\(DRUNetFixture.folder)/\(testCase.input)")
            let expected = try NPY.read(path: "\(DRUNetFixture.folder)/\(testCase.output)")
            let output = try network.denoise(input, sigma: testCase.sigma)
            #expect(output.shape == expected.shape)
            let error = maxAbsDifference(output, expected)
            print("DRUNet3D fixture \(testCase.name) (\(source)): max abs error \(error)")
            #expect(error <= 1e-4, "\(testCase.name) (\(source)): max abs error \(error)")
        }
    }
}

@Suite("3-D DRUNet weights")
struct DRUNet3DWeightTests {
    static let model2D = "\(DRUNetFixture.folder)/drunet_small_gray.safetensors"

    @Test("conversion: 3×3 kernels in the centre slice with 1e-8 around, 2×2 kernels halved in both slices")
    func conversionRule() throws {
        let flat = try DRUNet(contentsOf: Self.model2D)
        #expect(DRUNet3D(converting: flat).configuration == flat.configuration)
        let volume = flat.layers.extendedToDepth()
        for (two, three) in [(flat.layers.head, volume.head), (flat.layers.body[0].first, volume.body[0].first),
                             (flat.layers.tail, volume.tail)] {
            let n = two.matrix.count
            #expect(three.kernelDepth == 3 && three.matrix.count == 3 * n && three.algorithm == two.algorithm)
            #expect(Array(three.matrix[n..<(2 * n)]) == two.matrix)
            #expect((three.matrix[..<n] + three.matrix[(2 * n)...]).allSatisfy { $0 == Float(1e-8) })
        }
        let (down2, down3) = (flat.layers.down[0].resample, volume.down[0].resample)
        let halved = down2.matrix.map { $0 / 2 }
        #expect(down3.kernelDepth == 2 && down3.matrix == halved + halved)
        let (up2, up3) = (flat.layers.up[2].resample, volume.up[2].resample)
        let row = 4 * up2.outputChannels
        #expect(up3.kernelDepth == 2 && up3.matrix.count == 2 * up2.matrix.count)
        for ci in 0..<up2.inputChannels {
            let half = up2.matrix[(ci * row)..<((ci + 1) * row)].map { $0 / 2 }
            #expect(Array(up3.matrix[(2 * ci * row)..<((2 * ci + 2) * row)]) == half + half)
        }
    }

    @Test("3-D state dicts (…weight_3d in a safetensors file, …weight in memory) load into the converted network")
    func stateDict3D() throws {
        let converted = try DRUNet3D(contentsOf: Self.model2D)
        let flat = try NamedTensors.read(path: Self.model2D)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("drunet3d-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try SafeTensors.write(NamedTensors(flat.map { ("\($0.0)_3d", benchmarkKernel3D($0.1)) }), to: file)
        let loaded = try DRUNet3D(contentsOf: file)
        let plain = try DRUNet3D(parameters: Dictionary(uniqueKeysWithValues: flat.map { ($0.0, benchmarkKernel3D($0.1)) }),
                                 source: "memory")
        let x = Tensor(shape: [1, 1, 8, 8, 16], values: randomValues(8 * 8 * 16, seed: 31).map { $0 * 0.2 + 0.5 })
        let reference = try converted.denoise(x, sigma: [0.05])
        #expect(try loaded.denoise(x, sigma: [0.05]) == reference)
        #expect(try plain.denoise(x, sigma: [0.05]) == reference)
        #expect(loaded.configuration == converted.configuration)
    }

    @Test("strict 3-D loading names the file, the key and the expected shape")
    func strictLoading() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [4, 4, 4, 4], blocks: 1)
        var parameters = Dictionary(uniqueKeysWithValues: configuration.volumeParameterShapes.map { ($0.name + "_3d", Tensor(shape: $0.shape)) })
        #expect(throws: Never.self) { try DRUNet3D(configuration: configuration, parameters: parameters, source: "v.pth") }
        #expect(throws: Never.self) { try DRUNet3D(parameters: parameters, source: "v.pth") }
        parameters["m_tail.weight_3d"] = Tensor(shape: [1, 4, 3, 3])
        #expect { try DRUNet3D(configuration: configuration, parameters: parameters, source: "v.pth") } throws: {
            "\($0)".contains("v.pth") && "\($0)".contains("m_tail.weight_3d") && "\($0)".contains("[1, 4, 3, 3, 3]")
        }
        parameters["m_tail.weight_3d"] = nil
        parameters["m_tail.weight"] = Tensor(shape: [1, 4, 3, 3, 3])
        #expect { try DRUNet3D(configuration: configuration, parameters: parameters, source: "v.pth") } throws: {
            "\($0)".contains("missing key 'm_tail.weight_3d'")
        }
        #expect { try DRUNet3D(parameters: ["conv.weight": Tensor(shape: [4, 1, 3, 3, 3])], source: "other.pth") } throws: {
            "\($0)".contains("other.pth") && "\($0)".contains("m_head.weight")
        }
        #expect { try DRUNet3D(parameters: ["m_head.weight": Tensor(shape: [4, 2, 3])], source: "odd.pth") } throws: {
            "\($0)".contains("odd.pth") && "\($0)".contains("m_head.weight")
        }
        #expect(throws: (any Error).self) { try DRUNet3D(contentsOf: "/nonexistent/drunet3d.pth") }
    }
}

@Suite("3-D DRUNet model")
struct DRUNet3DModelTests {
    @Test("bad volumes and σ lists are refused with an error")
    func badInputs() throws {
        let model = try randomDRUNet3D(seed: 1)
        let cases: [(Tensor, [Float])] = [
            (Tensor(shape: [1, 1, 8, 8]), [0.1]), (Tensor(shape: [1, 2, 4, 8, 8]), [0.1]), (Tensor(shape: [1, 1, 0, 8, 8]), [0.1]),
            (Tensor(shape: [0, 1, 4, 8, 8]), [0.1]), (Tensor(shape: [2, 1, 4, 8, 8]), [0.1, 0.2, 0.3]), (Tensor(shape: [1, 1, 4, 8, 8]), [-1]),
        ]
        for (x, sigma) in cases {
            #expect(throws: DenoiserError.self, "\(x.shape) σ \(sigma)") { try model.denoise(x, sigma: sigma) }
        }
    }

    @Test("volumes of a batch are denoised independently with their own σ; odd sizes keep their shape")
    func batch() throws {
        let model = try randomDRUNet3D(seed: 2)
        let x = Tensor(shape: [2, 1, 5, 13, 11], values: randomValues(2 * 5 * 13 * 11, seed: 32).map { $0 + 0.5 })
        let both = try model.denoise(x, sigma: [0.05, 0.2])
        #expect(both.shape == x.shape)
        for item in 0..<2 {
            let single = try model.denoise(x.slice(axis: 0, item..<(item + 1)), sigma: [[0.05, 0.2][item]])
            #expect(try both.slice(axis: 0, item..<(item + 1)) == single)
        }
    }

    @Test("positive homogeneity of a bias-free ReLU network: D(αx, σ) = α·D(x, σ/α), Winograd and im2col levels",
          arguments: [[8, 8, 16, 16], [4, 8, 12, 16]])
    func homogeneity(channels: [Int]) throws {
        let model = try randomDRUNet3D(seed: 3, channels: channels)
        let x = Tensor(shape: [1, 1, 6, 9, 16], values: randomValues(6 * 9 * 16, seed: 33).map { $0 + 0.5 })
        let alpha: Float = 2.5
        let scaled = try model.denoise(alpha * x, sigma: [0.1])
        let reference = alpha * (try model.denoise(x, sigma: [0.1 / alpha]))
        #expect((scaled - reference).norm() / reference.norm() < 1e-5)
    }

    @Test("one thread (nested in a busy pool) and all threads give bit-identical volumes")
    func threadIndependence() throws {
        let model = try randomDRUNet3D(seed: 4)
        let x = Tensor(shape: [2, 1, 8, 40, 36], values: randomValues(2 * 8 * 40 * 36, seed: 34).map { $0 + 0.5 })
        let parallel = try model.denoise(x, sigma: [0.05, 0.1])
        var serial: Tensor?
        // Loops started inside a running loop run serially on their caller.
        parallelFor(2) { index in
            if index == 0 { serial = try? model.denoise(x, sigma: [0.05, 0.1]) }
        }
        #expect(serial == parallel)
    }
}
