import Datasets
import Formats
import Foundation
import Physics
import Tensor
import Testing

/// A data folder holding an RGB (or grey) `CBSD_0010.png` of 30×45 that our test draws.
private func dataFolder(channels: Int) throws -> String {
    let folder = NSTemporaryDirectory() + "invscale-highres-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let (h, w) = (30, 45)
    let samples = (0..<(h * w * channels)).map { UInt16(($0 * 7) % 256) }
    let png = try PNG.encode(width: w, height: h, channels: channels, bitDepth: 8, samples: samples, name: "fixture")
    try Data(png).write(to: URL(fileURLWithPath: folder + "/" + HighresColorImage.photographFile))
    return folder
}

@Suite("highres_color_image data")
struct HighresColorImageTests {
    @Test("without the photograph: the synthetic scene resized so its longest side is S; angles linspace(0, 180, n)")
    func syntheticSource() throws {
        let scan = try HighresColorImage(imageSize: 64, numOperators: 8, dataDirectory: nil)
        #expect(scan.source.hasPrefix("synthetic colour scene"))
        #expect(try scan.groundTruth().shape == [1, 3, 42, 64])
        #expect(scan.anglesDegrees.first == 0 && scan.anglesDegrees.last == 180 && scan.anglesDegrees.count == 8)
        #expect(try HighresColorImage(numOperators: 1, dataDirectory: nil).anglesDegrees == [0])
        #expect(try scan.kernel(operator: 0).shape == [7, 7])  // c = int(0.64 / 0.3 + 1) = int(3.13) = 3
    }

    @Test("measurements: clamp(A_k x + σ n_k) in [0, 1], one per operator, the same every time; σ 0 gives the clamped blur")
    func measurements() throws {
        let scan = try HighresColorImage(imageSize: 48, numOperators: 3, noiseLevel: 0.1, seed: 7, dataDirectory: nil)
        let problem = try scan.makeProblem()
        #expect(problem.measurements.count == 3 && problem.operators.operators.count == 3 && problem.valueRange == 0...1)
        for y in problem.measurements {
            #expect(y.shape == problem.groundTruth.shape)
            #expect((y.min() ?? -1) >= 0 && (y.max() ?? 2) <= 1)
        }
        #expect(try scan.makeProblem().measurements[2] == problem.measurements[2])
        let clean = try HighresColorImage(imageSize: 48, numOperators: 3, noiseLevel: 0, dataDirectory: nil)
        let truth = try clean.groundTruth()
        var blurred = try clean.blur(operator: 1, height: truth.shape[2], width: truth.shape[3]).apply(truth)
        blurred.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = min(max($0[i], 0), 1) } }
        #expect(try clean.measurement(operator: 1, groundTruth: truth) == blurred)
        #expect(throws: DatasetError.self) { try clean.kernel(operator: 3) }
        #expect(throws: DatasetError.self) { try HighresColorImage(imageSize: 4) }
    }

    @Test("the photograph in the data folder is used and named; a grey one is refused naming the file")
    func photograph() throws {
        let folder = try dataFolder(channels: 3)
        let scan = try HighresColorImage(imageSize: 90, dataDirectory: folder)
        #expect(scan.source == "photograph \(folder)/\(HighresColorImage.photographFile)")
        #expect(try scan.groundTruth().shape == [1, 3, 60, 90])
        let grey = try HighresColorImage(imageSize: 90, dataDirectory: try dataFolder(channels: 1))
        #expect { try grey.groundTruth() } throws: { "\($0)".contains(HighresColorImage.photographFile) && "\($0)".contains("RGB") }
    }
}
