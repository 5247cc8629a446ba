import Bench
import Datasets
import Formats
import Foundation
import Tensor
import Testing

@Suite("Bench helpers")
struct BenchTests {
    @Test("timing statistics: median of odd and even counts, extremes, CPU median")
    func timingStats() {
        let odd = TimingStats(samples: [3, 1, 2])
        #expect(odd.median_s == 2 && odd.min_s == 1 && odd.max_s == 3 && odd.runs == 3 && odd.cpu_median_s == nil)
        let even = TimingStats(samples: [4, 1, 3, 2], cpuSamples: [8, 2, 6, 4])
        #expect(even.median_s == 2.5 && even.cpu_median_s == 5)
    }

    @Test("the stopwatch warms up for at least its warm-up time, then times the repetitions")
    func stopwatch() throws {
        var calls = 0
        let start = Stopwatch.now()
        let stats = Stopwatch.measure(repetitions: 4) { calls += 1 }
        #expect(Stopwatch.now() - start >= Stopwatch.warmUpSeconds)
        #expect(calls >= 5)
        #expect(stats.runs == 4)
        #expect(stats.min_s >= 0 && stats.min_s <= stats.median_s && stats.median_s <= stats.max_s)
    }

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

    @Test("geometry description lists each operator's angle block")
    func geometry() throws {
        let description = try GeometryDescription(Tomography2D(imgSize: 16, numOperators: 3, numAngles: 8))
        #expect(description.operators.map(\.first_angle_index) == [0, 3, 6])
        #expect(description.operators.map(\.angles_deg.count) == [3, 3, 2])
        #expect(description.operators[2].angles_deg == [135, 157.5])
        #expect(description.detector_count == 16)
    }

    @Test("image scores: means, and per-item lists only for several items")
    func scores() {
        let single = ImageScores(psnr: [30], ssim: [0.9], mse: [0.001])
        #expect(single.per_item == nil && single.psnr == 30)
        let batch = ImageScores(psnr: [30, 20], ssim: [0.9, 0.5], mse: [0.001, 0.003])
        #expect(batch.psnr == 25 && batch.ssim == 0.7 && batch.per_item?.mse == [0.001, 0.003])
    }
}
