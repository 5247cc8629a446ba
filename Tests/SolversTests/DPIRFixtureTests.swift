import Denoisers
import Formats
import Foundation
import Physics
import Solvers
import Tensor
import Testing

/// Our DPIR (`PnPHQS` with `SplittingSchedule.dpir`) against DeepInverse 0.5.0's `DPIR` on the
/// fixture of `tools/reference/dpir_fixture.py`: a 48² grey image, a Gaussian blur (σ 1.5, 13×13),
/// noise 0.05, our bundled grey DRUNet loaded into DeepInverse's DRUNet, 8 iterations.
@Suite("DPIR against DeepInverse")
struct DPIRFixtureTests {
    static let folder = Bundle.module.url(forResource: "dpir", withExtension: nil, subdirectory: "Fixtures")!.path

    static func array(_ name: String) throws -> Tensor { try NPY.read(path: "\(folder)/\(name).npy") }

    struct Expected: Decodable {
        struct Schedule: Decodable {
            let sigma: [Float]
            let stepsize: [Double]
        }
        let schedule: Schedule
    }

    @Test("the schedule, Aᵀy, each data step and each denoised iterate match DeepInverse's DPIR")
    func matchesDeepInverse() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: "\(Self.folder)/dpir.json")))
        let schedule = try SplittingSchedule.dpir(start: 49.0 / 255.0, end: 0.05, iterations: 8, scale: 1)
        for k in 1...8 {
            let (sigma, step) = (expected.schedule.sigma[k - 1], expected.schedule.stepsize[k - 1])
            #expect(abs(schedule.sigma(at: k) - sigma) <= 2e-7 * sigma, "σ_\(k)")
            #expect(abs(1 / schedule.penalty(at: k) - step) <= 1e-6 * step, "step_\(k)")
        }
        let truth = try Self.array("ground_truth"), measurement = try Self.array("measurement")
        let blur = try CircularBlur(kernel: Self.array("kernel"), height: 48, width: 48)
        let fidelity = try CircularBlurStack(blurs: [blur], measurements: [measurement])
        // ‖A‖² of a non-negative kernel that sums to 1 is 1 (its spectrum's peak, at frequency 0).
        let solver = PnPHQS(Splitting(fidelity: fidelity, prior: try DenoiserPrior(denoiser: DRUNet.bundled(channels: 1), valueRange: 0...1),
                                      schedule: schedule, conjugateGradient: try ConjugateGradient(maxIterations: 300, tolerance: 1e-7),
                                      normSquared: 1))
        var x = try solver.initialImage(.pseudoInverse, fbp: nil)
        #expect(Self.difference(x, try Self.array("initial")) < 1e-6)
        var observer = KeepingObserver()
        try solver.solve(&x, maxIterations: 8, observer: &observer)
        let iterates = try Self.array("iterates")
        var worst = 0 as Float
        for (k, iterate) in observer.iterates.enumerated() {
            let reference = try iterates.slice(axis: 0, k..<(k + 1)).reshaped([1, 1, 48, 48])
            worst = max(worst, Self.difference(iterate, reference))
        }
        print("DPIR against DeepInverse: largest difference of x_1…x_8 \(worst)")
        #expect(worst < 2e-4)
        let final = try Self.array("dpir_output")
        #expect(abs(try Self.psnr(x, truth) - Self.psnr(final, truth)) < 0.01)
    }

    static func difference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
    }

    static func psnr(_ a: Tensor, _ b: Tensor) throws -> Double {
        let mse = zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(a.count)
        return 10 * log10(1 / mse)
    }
}
