import Foundation
import Solvers
import Tensor
import Testing

@Suite("conjugate gradients for the data step")
struct ConjugateGradientTests {
    /// A symmetric positive semi-definite N = BᵀB (B 12×16 from a formula: rank 12 of 16, so the
    /// shift μ is what makes the system solvable), as a function on [1, 1, 1, 16] tensors.
    static let size = 16
    static let matrix: [[Double]] = {
        let b: [[Double]] = (0..<12).map { i in
            (0..<size).map { j -> Double in
                let angle = Double(3 * i + 7 * j + 1)
                return sin(angle) + (i == j ? 2.0 : 0.0)
            }
        }
        return (0..<size).map { r in (0..<size).map { c -> Double in (0..<12).reduce(0.0) { $0 + b[$1][r] * b[$1][c] } } }
    }()

    static func normal(_ x: Tensor) -> Tensor {
        let v = x.scalars
        return Tensor(shape: x.shape, values: matrix.map { row in Float(zip(row, v).reduce(0) { $0 + $1.0 * Double($1.1) }) })
    }

    /// The solution of `(N + μI)x = b` by Gaussian elimination in double.
    static func direct(_ b: [Float], shift: Double) -> [Double] {
        var a = matrix.enumerated().map { r, row in row.enumerated().map { $0 == r ? $1 + shift : $1 } + [Double(b[r])] }
        for column in 0..<size {
            let pivot = (column..<size).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            for row in 0..<size where row != column {
                let factor = a[row][column] / a[column][column]
                for k in column...size { a[row][k] -= factor * a[column][k] }
            }
        }
        return (0..<size).map { a[$0][size] / a[$0][$0] }
    }

    static let rightSide = Tensor(shape: [1, 1, 1, size], values: (0..<size).map { Float(cos(Double($0) * 1.3)) })

    @Test("solves (N + μI)x = b to its tolerance, and the result is the direct solution")
    func solvesToTolerance() throws {
        // Float32 data: the true residual cannot go much below 1e-5 of ‖b‖.
        for (tolerance, shift) in [(1e-3, 0.5), (1e-4, 0.05)] {
            let solver = try ConjugateGradient(maxIterations: 200, tolerance: tolerance)
            var x = Tensor(shape: Self.rightSide.shape), nx: Tensor? = nil
            let outcome = try solver.solve(&x, normalOfX: &nx, rightHandSide: Self.rightSide, shift: shift) { Self.normal($0) }
            // The true residual, not the recurrence's.
            var residual = Self.rightSide
            residual.subtract(Self.normal(x))
            residual.axpy(-Float(shift), x)
            let relative = residual.norm() / Self.rightSide.norm()
            #expect(outcome.relativeResidual <= tolerance && outcome.iterations < 200)
            #expect(relative <= tolerance * 1.5, "true relative residual \(relative) at tolerance \(tolerance)")
            let exact = Self.direct(Self.rightSide.scalars, shift: shift)
            let error = zip(x.scalars, exact).map { abs(Double($0) - $1) }.max()!
            let scale = exact.map(abs).max()!
            // κ(N + μI) bounds the error by κ times the residual.
            #expect(error <= scale * tolerance * 2000, "max error \(error) against \(scale)")
            // The recurrence's N x is N of the returned x.
            let nxError = zip(try #require(nx).scalars, Self.normal(x).scalars).map { abs($0 - $1) }.max()!
            #expect(nxError <= 1e-3 * Float(Self.normal(x).norm()))
        }
    }

    @Test("a warm start at the solution costs no iteration; a fixed count stops early; bad settings are refused")
    func warmStartAndLimits() throws {
        let shift = 0.5
        let exact = Tensor(shape: Self.rightSide.shape, values: Self.direct(Self.rightSide.scalars, shift: shift).map { Float($0) })
        var x = exact, nx: Tensor? = nil
        let warm = try ConjugateGradient(maxIterations: 50, tolerance: 1e-4)
            .solve(&x, normalOfX: &nx, rightHandSide: Self.rightSide, shift: shift) { Self.normal($0) }
        #expect(warm.iterations == 0)
        var y = Tensor(shape: Self.rightSide.shape), ny: Tensor? = nil
        var applications = 0
        let capped = try ConjugateGradient(maxIterations: 3, tolerance: 0)
            .solve(&y, normalOfX: &ny, rightHandSide: Self.rightSide, shift: shift) { applications += 1; return Self.normal($0) }
        #expect(capped.iterations == 3 && applications == 4, "3 iterations and one first N x")
        #expect(capped.relativeResidual > 1e-4)
        #expect(throws: SolverError.self) { try ConjugateGradient(maxIterations: 0, tolerance: 1e-4) }
        #expect(throws: SolverError.self) { try ConjugateGradient(maxIterations: 5, tolerance: -1) }
        #expect(throws: SolverError.self) {
            try ConjugateGradient(maxIterations: 5, tolerance: 0).solve(&y, normalOfX: &ny, rightHandSide: Self.rightSide, shift: 0) { $0 }
        }
    }
}
