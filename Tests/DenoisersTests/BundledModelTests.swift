import Datasets
import Denoisers
import Foundation
import Metrics
import Tensor
import Testing

@Suite("The bundled grey DRUNet")
struct BundledModelTests {
    static let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/weights/drunet_bundled_gray.safetensors").path

    /// PSNR of the noisy and the denoised held-out Shepp–Logan phantom (128², seeded noise).
    func psnrs(sigma: Float) throws -> (before: Double, after: Double) {
        let model = try DRUNet.bundled()
        let clean = try EllipsePhantom.modifiedSheppLogan.rasterize(size: 128)
        var noisy = NormalGenerator(seed: 2024).tensor(shape: clean.shape)
        noisy.scale(by: sigma)
        noisy.add(clean)
        let before = try peakSignalToNoiseRatio(noisy, clean)[0]
        let after = try peakSignalToNoiseRatio(model.denoise(noisy, sigma: [sigma]), clean)[0]
        print("bundled DRUNet, Shepp–Logan 128², σ = \(sigma): \(before) dB → \(after) dB (gain \(after - before) dB)")
        return (before, after)
    }

    @Test("the executable embeds Resources/weights/drunet_bundled_gray.safetensors byte for byte, and it loads as that file does")
    func embedded() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: Self.weights))
        #expect(DRUNet.bundledBytes().count == file.count)
        #expect(Data(DRUNet.bundledBytes()) == file)
        let (embedded, fromFile) = (try DRUNet.bundled(), try DRUNet(contentsOf: Self.weights))
        #expect(embedded.configuration == fromFile.configuration)
        let x = NormalGenerator(seed: 5).tensor(shape: [1, 1, 24, 24])
        #expect(try embedded.denoise(x, sigma: [0.05]) == fromFile.denoise(x, sigma: [0.05]))
    }

    /// The second training run (75 minutes on 2 cores, identity start, see
    /// Resources/weights/drunet_bundled_gray.json) gained 18.7 dB at σ = 0.05 on 16 held-out random
    /// ellipse phantoms and 12.7 dB on scikit-image's Shepp–Logan at 128² in PyTorch; here the
    /// phantom is our own rasterised one, with our noise, through our engine.
    @Test("improves PSNR on the held-out Shepp–Logan phantom: ≥ 6 dB at σ = 0.05, and at σ = 0.01 and 0.1")
    func gain() throws {
        let medium = try psnrs(sigma: 0.05)
        #expect(medium.after > medium.before + 6)
        for sigma: Float in [0.01, 0.1] {
            let result = try psnrs(sigma: sigma)
            #expect(result.after > result.before + 1, "σ = \(sigma)")
        }
    }
}

@Suite("The bundled colour DRUNet")
struct BundledColourModelTests {
    static let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/weights/drunet_bundled_color.safetensors").path

    @Test("the executable embeds Resources/weights/drunet_bundled_color.safetensors byte for byte: 3 channels in and out")
    func embedded() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: Self.weights))
        #expect(Data(DRUNet.bundledBytes(channels: 3)) == file)
        let model = try DRUNet.bundled(channels: 3)
        #expect(model.configuration.inputChannels == 3 && model.configuration.outputChannels == 3)
        #expect(throws: DenoiserError.self) { try DRUNet.bundled(channels: 2) }
    }

    /// PSNR of the noisy and the denoised synthetic colour scene (our own, never seen in training:
    /// the training script has its own generator), 321×481, seeded noise, over the three channels.
    func psnrs(sigma: Float) throws -> (before: Double, after: Double) {
        let clean = SyntheticColourScene.image()
        var noisy = NormalGenerator(seed: 2025).tensor(shape: clean.shape)
        noisy.scale(by: sigma)
        noisy.add(clean)
        let before = try peakSignalToNoiseRatio(noisy, clean)[0]
        let after = try peakSignalToNoiseRatio(DRUNet.bundled(channels: 3).denoise(noisy, sigma: [sigma]), clean)[0]
        print("bundled colour DRUNet, synthetic scene 321×481, σ = \(sigma): \(before) dB → \(after) dB (gain \(after - before) dB)")
        return (before, after)
    }

    /// Trained 40 + 30 minutes (Resources/weights/drunet_bundled_color.json): +6.1 / +13.7 / +16.5 dB
    /// at σ = 0.01 / 0.05 / 0.1 on the training script's held-out scenes in PyTorch; here the scene
    /// is our own, with our noise, through our engine.
    @Test("improves PSNR on our synthetic colour scene : ≥ 1, 8 and 10 dB at σ = 0.01, 0.05 and 0.1")
    func gain() throws {
        for (sigma, minimum): (Float, Double) in [(0.01, 1), (0.05, 8), (0.1, 10)] {
            let result = try psnrs(sigma: sigma)
            #expect(result.after > result.before + minimum, "σ = \(sigma)")
        }
    }
}
