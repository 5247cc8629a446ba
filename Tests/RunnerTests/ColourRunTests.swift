import Datasets
import Experiment
import Foundation
import Metrics
import Results
import Runner
import Testing

/// A small colour deblurring run: highres_color_image at 64 px (42×64×3), 4 blurs, PnP-TV.
private func colourSpec(iterations: Int, solver extra: [String: ParameterValue] = [:]) -> RunSpec {
    RunSpec(index: 0, repetition: 0, objective: "reconstruction_objective", dataset: "highres_color_image",
            datasetParameters: ["image_size": .int(64), "num_operators": .int(4), "noise_level": .double(0.02)],
            solver: "PnP",
            solverParameters: ["denoiser": .string("tv"), "tv_iterations": .int(10), "denoiser_sigma": .double(0.02),
                               "step_size": .double(0.2), "init_method": .string("zeros")].merging(extra) { _, new in new },
            maxIterations: iterations)
}

@Suite("Colour deblurring runs")
struct ColourRunTests {
    @Test("a highres_color_image run deblurs: 3 dB above the first measurement, colour image kept, source named in run.json")
    func deblurs() throws {
        let folder = NSTemporaryDirectory() + "invscale-colour-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let record = try SolverRunner.run(colourSpec(iterations: 12), in: folder)
        #expect(record.status == .finished && record.iterations == 12)
        #expect(record.dataSource?.contains("synthetic colour scene") == true)
        let result = try #require(try RunResult.load(folder: folder))
        let dataset = try HighresColorImage(imageSize: 64, numOperators: 4, noiseLevel: 0.02, dataDirectory: nil)
        let truth = try dataset.groundTruth()
        let measured = try peakSignalToNoiseRatio(dataset.measurement(operator: 0, groundTruth: truth), truth)[0]
        let final = try #require(result.record.finalPSNR)
        #expect(final >= measured + 3, "final \(final) dB, measurement \(measured) dB")
        let files = RunFolder(folder)
        #expect(FileManager.default.fileExists(atPath: files.comparisonFile) && FileManager.default.fileExists(atPath: files.previewFile))
    }

    @Test("init_method fbp is refused on a deblurring problem, naming the dataset and the starts it accepts")
    func refusesFilteredBackProjection() throws {
        let folder = NSTemporaryDirectory() + "invscale-colour-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect { try SolverRunner.run(colourSpec(iterations: 1, solver: ["init_method": .string("fbp")]), in: folder) } throws: {
            "\($0)".contains("highres_color_image") && "\($0)".contains("expected zeros or pseudo_inverse")
        }
    }
}
