import Denoisers
import Solvers
import Tensor

/// `f(x) = ½‖d∘x − y‖²` with a diagonal operator d: every solver step has a closed form
/// elementwise, so the tests can compute iterates by hand.
struct DiagonalFidelity: DataFidelity {
    let weights: [Float]
    let data: [Float]
    let imageShape: [Int]

    init(weights: [Float], data: [Float]) {
        (self.weights, self.data, imageShape) = (weights, data, [1, 1, 1, weights.count])
    }

    func gradient(_ x: Tensor) throws -> Tensor {
        let v = x.scalars
        return Tensor(shape: imageShape, values: v.indices.map { weights[$0] * (weights[$0] * v[$0] - data[$0]) })
    }

    func adjointOfMeasurements() throws -> Tensor {
        Tensor(shape: imageShape, values: weights.indices.map { weights[$0] * data[$0] })
    }

    func normal(_ x: Tensor) throws -> Tensor {
        let v = x.scalars
        return Tensor(shape: imageShape, values: v.indices.map { weights[$0] * weights[$0] * v[$0] })
    }
}

/// `D(x) = factor·x` (identity with factor 1), whatever σ: a denoiser whose steps tests can
/// follow by hand; it records the σ of each call.
final class ScalingDenoiser: Denoiser, @unchecked Sendable {
    let factor: Float
    private(set) var sigmas: [Float] = []
    init(factor: Float = 1) { self.factor = factor }

    func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        sigmas.append(sigma[0])
        return factor * x
    }
}

/// An observer that runs every step, keeps each iterate and never stops the solver.
struct KeepingObserver: IterationObserver {
    var iterates: [Tensor] = []
    var steps: [SolverStep] = []

    mutating func run(_ step: SolverStep, iteration: Int, _ body: () throws -> Void) throws {
        steps.append(step)
        try body()
    }

    mutating func shouldContinue(after iteration: Int, iterate: Tensor) throws -> Bool {
        iterates.append(iterate)
        return true
    }
}
