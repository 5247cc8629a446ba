import Solvers
import Tensor
import Testing

@Suite("PnP-FISTA")
struct PnPFISTATests {
    static let weights: [Float] = [1, 0.5, 0.25, 0.1, 2, 1.5, 0.05, 0.8]
    static let data: [Float] = [0.9, 0.2, 0.4, 0.1, 1.1, 0.3, 0.05, 0.7]

    /// FISTA by hand in double: x_k = y_k − γ d∘(d∘y_k − b), with the t-sequence and t reset to 1
    /// whenever (gradient restart) (y_k − x_k)·(x_k − x_{k−1}) > 0, or (residual restart)
    /// ‖x_k − y_k‖ > ‖x_{k−1} − y_{k−1}‖.
    static func byHand(step: Double, iterations: Int, restart: FISTARestart) -> [[Double]] {
        let d = weights.map(Double.init), b = data.map(Double.init)
        var x = [Double](repeating: 0, count: d.count), previous = x, y = x, t = 1.0
        var result: [[Double]] = [], residuals: [Double] = []
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        for k in 1...iterations {
            if k > 1 {
                let direction = zip(x, previous).map { $0 - $1 }
                if restart == .gradient, zip(zip(y, x).map { $0 - $1 }, direction).reduce(0, { $0 + $1.0 * $1.1 }) > 0 { t = 1 }
                if restart == .residual, residuals.count >= 2, residuals[residuals.count - 1] > residuals[residuals.count - 2] { t = 1 }
                let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
                y = zip(x, direction).map { $0 + (t - 1) / next * $1 }
                t = next
            }
            previous = x
            x = y.indices.map { y[$0] - step * d[$0] * (d[$0] * y[$0] - b[$0]) }
            residuals.append(norm(zip(x, y).map { $0 - $1 }))
            result.append(x)
        }
        return result
    }

    @Test("with the identity denoiser, FISTA is gradient descent with momentum computed by hand (no, gradient and residual restart)")
    func identityDenoiserIsMomentumDescent() throws {
        let fidelity = DiagonalFidelity(weights: Self.weights, data: Self.data)
        for restart in FISTARestart.allCases {
            let solver = try PnPFISTA(fidelity: fidelity, denoiser: ScalingDenoiser(), settings: PnPSettings(), restart: restart)
            // ‖A‖² = max d² = 4: the power iteration finds it, the step is 0.99/4.
            #expect(abs(try #require(solver.normSquared) - 4) < 4e-3)
            var x = try solver.initialImage(.zeros, fbp: nil), observer = KeepingObserver()
            #expect(try solver.solve(&x, maxIterations: 40, observer: &observer) == 40)
            let expected = Self.byHand(step: solver.step, iterations: 40, restart: restart)
            for (iterate, hand) in zip(observer.iterates, expected) {
                let error = zip(iterate.scalars, hand).map { abs(Double($0) - $1) }.max()!
                #expect(error < 2e-5, "restart \(restart): max error \(error)")
            }
            #expect(observer.steps == Array(repeating: [SolverStep.gradient, .denoise], count: 40).flatMap { $0 })
            #expect(x == observer.iterates.last!)
        }
        // Both restarts fire on this problem: their iterates leave plain FISTA's.
        for restart in [FISTARestart.gradient, .residual] {
            #expect(Self.byHand(step: 0.2475, iterations: 40, restart: restart).last! != Self.byHand(step: 0.2475, iterations: 40, restart: .none).last!)
        }
        // Momentum makes a difference: FISTA and plain PnP differ after a few iterations, and
        // FISTA is nearer the least-squares solution b/d on this ill-conditioned problem (1.03 against
        // 1.58 after 40 iterations).
        let pnp = try PnP(fidelity: fidelity, denoiser: ScalingDenoiser(), settings: PnPSettings())
        var plain = try pnp.initialImage(.zeros), observer = KeepingObserver()
        try pnp.solve(&plain, maxIterations: 40, observer: &observer)
        let solution = zip(Self.data, Self.weights).map { Double($0 / $1) }
        let fista = Self.byHand(step: pnp.step, iterations: 40, restart: .none).last!
        func distance(_ v: [Double]) -> Double { zip(v, solution).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        #expect(distance(fista) < 0.7 * distance(plain.scalars.map(Double.init)))
    }
}
