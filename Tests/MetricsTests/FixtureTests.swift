import Metrics
import Testing

@Suite("Metrics against the torch / torchmetrics fixture")
struct FixtureTests {
    @Test("fixture holds 2-D, colour, 3-D, multi-block and non-unit-range cases")
    func coverage() {
        #expect(MetricsFixture.cases.map(\.name) == ["gray2d", "colour2d", "volume3d", "tall2d", "range2"])
        #expect(MetricsFixture.shared.versions["torchmetrics"] == "1.9.0")
    }

    @Test("MSE within 1e-5 relative", arguments: MetricsFixture.cases)
    func meanSquared(_ entry: MetricsFixture.Case) throws {
        let values = try meanSquaredError(entry.estimateTensor, entry.referenceTensor)
        #expect(values.count == entry.mse.count)
        for (value, expected) in zip(values, entry.mse) {
            #expect(abs(value - expected) <= 1e-5 * expected, "\(entry.name): \(value) vs \(expected)")
        }
    }

    @Test("PSNR within 1e-3 dB", arguments: MetricsFixture.cases)
    func psnr(_ entry: MetricsFixture.Case) throws {
        let values = try peakSignalToNoiseRatio(entry.estimateTensor, entry.referenceTensor,
                                                maxPixel: entry.maxPixel, minPixel: entry.minPixel)
        #expect(values.count == entry.psnr.count)
        for (value, expected) in zip(values, entry.psnr) {
            #expect(abs(value - expected) <= 1e-3, "\(entry.name): \(value) vs \(expected)")
        }
    }

    @Test("SSIM within 1e-9 of torchmetrics in float64 and 1e-5 of its float32 run", arguments: MetricsFixture.cases)
    func ssim(_ entry: MetricsFixture.Case) throws {
        let values = try structuralSimilarity(entry.estimateTensor, entry.referenceTensor,
                                              maxPixel: entry.maxPixel, minPixel: entry.minPixel)
        #expect(values.count == entry.ssim.count)
        for (index, value) in values.enumerated() {
            #expect(abs(value - entry.ssim[index]) <= 1e-9, "\(entry.name): \(value) vs \(entry.ssim[index])")
            #expect(abs(value - entry.ssimTorchmetricsFloat32[index]) <= 1e-5,
                    "\(entry.name): \(value) vs float32 \(entry.ssimTorchmetricsFloat32[index])")
        }
    }
}
