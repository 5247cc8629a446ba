import Tensor
import Testing

@Suite("Elementwise ops, reductions and GEMM")
struct ArithmeticTests {
    /// Sizes that exercise the SIMD tail and several parallel chunks.
    static let sizes = [1, 15, 16, 17, 1000, 65_536, 200_003]

    @Test("axpy, scale, add, subtract, multiply, clamp agree with scalar loops", arguments: sizes)
    func elementwise(count: Int) {
        var random = TestRandom(state: UInt64(count))
        let x = random.tensor([count]), y = random.tensor([count])
        var z = y
        z.axpy(0.5, x)
        z.scale(by: -2)
        z.add(x)
        z.multiply(by: y)
        z.subtract(x)
        z.clamp(to: -0.25...0.5)
        let xs = x.scalars, ys = y.scalars
        for i in 0..<count {
            var expected = ys[i] + 0.5 * xs[i]
            expected *= -2
            expected += xs[i]
            expected *= ys[i]
            expected -= xs[i]
            expected = min(max(expected, -0.25), 0.5)
            #expect(z.scalars[i] == expected)
        }
    }

    @Test("sum, dot, norm, min, max against Double loops", arguments: sizes)
    func reductions(count: Int) {
        var random = TestRandom(state: 100 + UInt64(count))
        let x = random.tensor([count]), y = random.tensor([count])
        var sum = 0.0, dot = 0.0
        for (a, b) in zip(x.scalars, y.scalars) {
            sum += Double(a)
            dot += Double(a) * Double(b)
        }
        #expect(abs(x.sum() - sum) <= 1e-9 * max(1, abs(sum)))
        #expect(abs(x.dot(y) - dot) <= 1e-9 * max(1, abs(dot)))
        #expect(abs(x.norm() - x.dot(x).squareRoot()) <= 1e-12)
        #expect(x.min() == x.scalars.min())
        #expect(x.max() == x.scalars.max())
    }

    @Test("reductions do not depend on the thread count")
    func threadIndependence() {
        var random = TestRandom(state: 77)
        let x = random.tensor([1_000_003])
        var results: [[Double]] = []
        for threads in [1, 3, 2] {
            let pool = ThreadPool(threadCount: threads)
            defer { pool.shutdown() }
            var partial = [Double](repeating: 0, count: 8)
            partial.withUnsafeMutableBufferPointer { out in
                x.withUnsafeBufferPointer { values in
                    pool.parallelFor(8) { task in
                        var total = 0.0
                        for i in stride(from: task, to: values.count, by: 8) { total += Double(values[i]) }
                        out[task] = total
                    }
                }
            }
            results.append(partial + [x.sum(), x.dot(x)])
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
    }

    @Test("the pool runs every index exactly once, also when nested")
    func poolCoverage() {
        let pool = ThreadPool(threadCount: 3)
        defer { pool.shutdown() }
        var hits = [Int](repeating: 0, count: 64 * 5)
        hits.withUnsafeMutableBufferPointer { counts in
            pool.parallelFor(64) { i in
                pool.parallelFor(5) { j in counts[i * 5 + j] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    @Test("thread counts from users are validated")
    func threadCounts() throws {
        #expect(try ThreadPool.parseThreadCount(" 4 ", source: "x") == 4)
        for bad in ["0", "-2", "two", "1 2", ""] {
            #expect(throws: TensorError.self) { try ThreadPool.parseThreadCount(bad, source: "INVSCALE_THREADS") }
        }
    }

    @Test("matmul through OpenBLAS agrees with a Double triple loop")
    func matmul() throws {
        var random = TestRandom(state: 9)
        let (m, k, n) = (37, 65, 29)
        let a = random.tensor([m, k]), b = random.tensor([k, n])
        let c = try a.matmul(b)
        for i in 0..<m {
            for j in 0..<n {
                var expected = 0.0
                for l in 0..<k { expected += Double(a[i, l]) * Double(b[l, j]) }
                #expect(abs(Double(c[i, j]) - expected) <= 1e-4)
            }
        }
        #expect(throws: TensorError.self) { try a.matmul(a) }
    }
}
