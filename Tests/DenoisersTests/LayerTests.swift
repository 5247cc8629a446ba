@testable import Denoisers
import Tensor
import Testing

/// Seeded values in [−1, 1).
func randomValues(_ count: Int, seed: UInt64) -> [Float] {
    let generator = NormalGenerator(seed: seed)
    return (0..<count).map { generator.value(stream: 0, element: UInt64($0)) * 0.5 }
}

func randomMap(height: Int, width: Int, channels: Int, seed: UInt64) -> FeatureMap {
    var map = FeatureMap(height: height, width: width, channels: channels)
    map.values = Tensor(shape: [height * width * channels], values: randomValues(height * width * channels, seed: seed))
    return map
}

@Suite("DRUNet layers against direct convolutions")
struct LayerTests {
    @Test("3×3 convolution by im2col, zero padding, with accumulate and ReLU",
          arguments: [(5, 7, 3, 4), (1, 1, 2, 5), (9, 4, 16, 8), (40, 3, 8, 3)])
    func im2col(height: Int, width: Int, cin: Int, cout: Int) {
        convolution3x3(height: height, width: width, cin: cin, cout: cout, algorithm: .im2col)
    }

    @Test("3×3 convolution by Winograd F(4,3): partial tiles, tiny maps, accumulate and ReLU",
          arguments: [(9, 4, 16, 8), (1, 1, 8, 8), (4, 4, 8, 16), (13, 10, 24, 8), (6, 17, 8, 32), (2, 9, 16, 16)])
    func winograd(height: Int, width: Int, cin: Int, cout: Int) {
        convolution3x3(height: height, width: width, cin: cin, cout: cout, algorithm: .winograd)
    }

    @Test("Winograd and im2col agree on a map of many tasks, the last one partial (64 → 64 channels, 301×290)")
    func winogradBands() {
        let (h, w, c) = (301, 290, 64)
        let weights = Tensor(shape: [c, c, 3, 3], values: randomValues(c * c * 9, seed: 11).map { $0 * 0.1 })
        let x = randomMap(height: h, width: w, channels: c, seed: 12)
        var direct = FeatureMap(height: h, width: w, channels: c), fast = direct
        Convolution3x3(weights: weights, algorithm: .im2col).apply(x, into: &direct, workspace: Workspace())
        let winograd = Convolution3x3(weights: weights, algorithm: .winograd)
        let tiles = TileGrid(height: h, width: w).count
        #expect(tiles > 2 * WinogradConvolution3x3.tilesPerTask && tiles % WinogradConvolution3x3.tilesPerTask != 0)
        winograd.apply(x, into: &fast, workspace: Workspace())
        let error = zip(fast.values.scalars, direct.values.scalars).map { abs($0 - $1) }.max()!
        let scale = direct.values.scalars.map(abs).max()!
        #expect(error <= 1e-5 * scale, "max abs error \(error) for values up to \(scale)")
    }

    func convolution3x3(height: Int, width: Int, cin: Int, cout: Int, algorithm: Convolution3x3.Algorithm) {
        let weights = Tensor(shape: [cout, cin, 3, 3], values: randomValues(cout * cin * 9, seed: 1))
        let layer = Convolution3x3(weights: weights, algorithm: algorithm)
        let x = randomMap(height: height, width: width, channels: cin, seed: 2)
        var y = randomMap(height: height, width: width, channels: cout, seed: 3)
        let start = y
        layer.apply(x, into: &y, accumulate: true, relu: true, workspace: Workspace())
        for r in 0..<height { for c in 0..<width { for o in 0..<cout {
            var total = Double(start.values[(r * width + c) * cout + o]), magnitude = 0.0
            for dy in 0..<3 { for dx in 0..<3 {
                let (sr, sc) = (r + dy - 1, c + dx - 1)
                guard sr >= 0, sr < height, sc >= 0, sc < width else { continue }
                for i in 0..<cin {
                    let term = Double(weights[o, i, dy, dx]) * Double(x.values[(sr * width + sc) * cin + i])
                    total += term
                    magnitude += abs(term)
                }
            } }
            // Winograd F(4,3) in float32 rounds to a few 1e-6 of the terms' magnitude
            let tolerance = algorithm == .winograd ? 1e-5 + 4e-6 * magnitude : 1e-5
            #expect(abs(Double(y.values[(r * width + c) * cout + o]) - max(total, 0)) <= tolerance)
        } } }
    }

    @Test("2×2 stride-2 convolution")
    func strided() {
        let (h, w, cin, cout) = (6, 10, 5, 7)
        let weights = Tensor(shape: [cout, cin, 2, 2], values: randomValues(cout * cin * 4, seed: 4))
        let x = randomMap(height: h, width: w, channels: cin, seed: 5)
        let y = StridedConvolution2x2(weights: weights).apply(x)
        #expect(y.height == 3 && y.width == 5 && y.channels == cout)
        for r in 0..<3 { for c in 0..<5 { for o in 0..<cout {
            var total = 0.0
            for dy in 0..<2 { for dx in 0..<2 { for i in 0..<cin {
                total += Double(weights[o, i, dy, dx]) * Double(x.values[((2 * r + dy) * w + 2 * c + dx) * cin + i])
            } } }
            #expect(abs(Double(y.values[(r * 5 + c) * cout + o]) - total) <= 1e-5)
        } } }
    }

    @Test("2×2 stride-2 transposed convolution (weights [in, out, 2, 2])")
    func transposed() {
        let (h, w, cin, cout) = (3, 4, 6, 5)
        let weights = Tensor(shape: [cin, cout, 2, 2], values: randomValues(cout * cin * 4, seed: 6))
        let x = randomMap(height: h, width: w, channels: cin, seed: 7)
        let y = TransposedConvolution2x2(weights: weights).apply(x)
        #expect(y.height == 6 && y.width == 8 && y.channels == cout)
        for r in 0..<6 { for c in 0..<8 { for o in 0..<cout {
            var total = 0.0
            for i in 0..<cin { total += Double(weights[i, o, r % 2, c % 2]) * Double(x.values[((r / 2) * w + c / 2) * cin + i]) }
            #expect(abs(Double(y.values[(r * 8 + c) * cout + o]) - total) <= 1e-5)
        } } }
    }
}

@Suite("DRUNet model")
struct DRUNetModelTests {
    @Test("parameter list: 64 tensors and the reference's parameter counts")
    func parameters() throws {
        let grey = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1)
        let colour = try DRUNetConfiguration(inputChannels: 3, outputChannels: 3)
        #expect(grey.parameterShapes.count == 64)
        #expect(grey.parameterShapes.map { $0.shape.reduce(1, *) }.reduce(0, +) == 32_638_656)
        #expect(colour.parameterShapes.map { $0.shape.reduce(1, *) }.reduce(0, +) == 32_640_960)
        #expect(grey.parameterShapes.first { $0.name == "m_up3.0.weight" }?.shape == [512, 256, 2, 2])
        #expect(abs(grey.flops(height: 512, width: 512) / 1e9 - 1109.0) < 0.01)
    }

    @Test("positive homogeneity of a bias-free ReLU network: D(αx, σ) = α·D(x, σ/α), any size")
    func homogeneity() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [8, 16, 16, 32], blocks: 1)
        let model = try DRUNet.random(configuration: configuration, seed: 3)
        for (h, w) in [(16, 24), (13, 21)] {
            let x = Tensor(shape: [1, 1, h, w], values: randomValues(h * w, seed: 8).map { $0 + 0.5 })
            let alpha: Float = 2.5
            let scaled = try model.denoise(alpha * x, sigma: [0.1])
            let reference = alpha * (try model.denoise(x, sigma: [0.1 / alpha]))
            let error = (scaled - reference).norm() / reference.norm()
            #expect(error < 1e-5, "\(h)×\(w): relative error \(error)")
        }
    }

    @Test("batch items are denoised independently with their own σ")
    func batch() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 3, outputChannels: 3, channels: [8, 8, 16, 16], blocks: 1)
        let model = try DRUNet.random(configuration: configuration, seed: 4)
        let x = Tensor(shape: [2, 3, 16, 16], values: randomValues(2 * 3 * 256, seed: 9))
        let both = try model.denoise(x, sigma: [0.05, 0.2])
        for item in 0..<2 {
            let single = try model.denoise(x.slice(axis: 0, item..<(item + 1)), sigma: [[0.05, 0.2][item]])
            #expect(try both.slice(axis: 0, item..<(item + 1)) == single)
        }
        #expect(throws: DenoiserError.self) { try model.denoise(x, sigma: [0.1, 0.2, 0.3]) }
        #expect(throws: DenoiserError.self) { try model.denoise(x, sigma: [-1]) }
        #expect(throws: DenoiserError.self) { try model.denoise(Tensor(shape: [1, 1, 8, 8]), sigma: [0.1]) }
    }

    @Test("strict loading: missing, misshapen and unknown keys are named")
    func strictLoading() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [4, 4, 4, 4], blocks: 1)
        var parameters = Dictionary(uniqueKeysWithValues: configuration.parameterShapes.map { ($0.name, Tensor(shape: $0.shape)) })
        #expect(throws: Never.self) { try DRUNet(configuration: configuration, parameters: parameters, source: "p.pth") }
        parameters["m_extra.weight"] = Tensor(shape: [1])
        #expect { try DRUNet(configuration: configuration, parameters: parameters, source: "p.pth") } throws: {
            "\($0)".contains("p.pth") && "\($0)".contains("m_extra.weight")
        }
        parameters["m_extra.weight"] = nil
        parameters["m_tail.weight"] = Tensor(shape: [1, 4, 3, 2])
        #expect { try DRUNet(configuration: configuration, parameters: parameters, source: "p.pth") } throws: {
            "\($0)".contains("m_tail.weight") && "\($0)".contains("[1, 4, 3, 3]")
        }
        parameters["m_tail.weight"] = nil
        #expect { try DRUNet(configuration: configuration, parameters: parameters, source: "p.pth") } throws: {
            "\($0)".contains("missing key 'm_tail.weight'")
        }
    }
}

@Suite("DRUNet configuration from shapes")
struct ConfigurationInferenceTests {
    @Test("grey, colour and reduced state dicts give back their configuration", arguments: [
        (1, 1, [64, 128, 256, 512], 4), (3, 3, [64, 128, 256, 512], 4), (1, 1, [8, 16, 32, 64], 1), (3, 3, [4, 6, 8, 10], 2),
    ])
    func roundTrip(input: Int, output: Int, channels: [Int], blocks: Int) throws {
        let configuration = try DRUNetConfiguration(inputChannels: input, outputChannels: output, channels: channels, blocks: blocks)
        let shapes = Dictionary(uniqueKeysWithValues: configuration.parameterShapes.map { ($0.name, $0.shape) })
        #expect(try DRUNetConfiguration(inferringFrom: shapes, source: "x.pth") == configuration)
    }

    @Test("a state dict that is not a DRUNet is reported with the missing key")
    func notDRUNet() {
        #expect { try DRUNetConfiguration(inferringFrom: ["conv.weight": [4, 1, 3, 3]], source: "other.pth") } throws: {
            "\($0)".contains("other.pth") && "\($0)".contains("m_head.weight")
        }
    }
}
