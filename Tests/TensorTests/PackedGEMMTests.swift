import Tensor
import Testing

/// `PackedGEMM` against an independent reference: each element as one chain of fused
/// multiply-adds in k order (`Float.addingProduct`), which every instruction set must give bit for
/// bit, at shapes with partial row blocks and partial panels, with and without accumulation.
@Suite("packed GEMM: every instruction set gives the fused chain's bits", .serialized)
struct PackedGEMMTests {
    /// Values with a wide spread of magnitudes and signs, so that a different order of the sums
    /// would round differently.
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { i in
            let x = Float((i &* 2_654_435_761 &+ seed &* 40_503) % 10_007) / 10_007 - 0.5
            return x * Float(1 << ((i + seed) % 9))
        }
    }

    @Test("m × n × k with partial blocks and panels (n not always a multiple of 8), C = A·B and C += A·B, ldc wider than n",
          arguments: [(1, 8, 8), (12, 32, 64), (13, 16, 40), (13, 40, 24), (7, 13, 16), (25, 45, 8), (37, 72, 136), (5, 8, 512)])
    func allInstructionSets(m: Int, n: Int, k: Int) throws {
        let ldc = n + 8
        let a = Self.values(m * k, seed: 1), b = Self.values(k * n, seed: 2), start = Self.values(m * ldc, seed: 3)
        var packedA = [Float](repeating: .nan, count: PackedGEMM.paddedRows(m) * k)
        var packedB = [Float](repeating: .nan, count: k * PackedGEMM.paddedColumns(n))
        for i in 0..<m { for p in 0..<k { packedA[PackedGEMM.offsetInA(row: i, column: p, k: k)] = a[i * k + p] } }
        for p in 0..<k { for j in 0..<n { packedB[PackedGEMM.offsetInB(row: p, column: j, k: k)] = b[p * n + j] } }
        for accumulate in [false, true] {
            var expected = start
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = accumulate ? start[i * ldc + j] : 0
                    for p in 0..<k { sum = sum.addingProduct(a[i * k + p], b[p * n + j]) }
                    expected[i * ldc + j] = sum
                }
            }
            let available = PackedGEMM.InstructionSet.allCases.filter { $0.rawValue <= PackedGEMM.best.rawValue }
            defer { try? PackedGEMM.use(PackedGEMM.best) }
            for instructionSet in available {
                try PackedGEMM.use(instructionSet)
                var c = start
                packedA.withUnsafeBufferPointer { pa in
                    packedB.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            PackedGEMM.multiply(m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!,
                                                ldc: ldc, accumulate: accumulate)
                        }
                    }
                }
                // Bit for bit (NaN rows and columns of the padding must not leak), and the columns
                // past n untouched.
                #expect(c.map(\.bitPattern) == expected.map(\.bitPattern), "\(instructionSet), accumulate \(accumulate)")
            }
        }
    }

    @Test("an instruction set the CPU lacks is refused, naming the best one",
          .enabled(if: PackedGEMM.best != .avx512, "this CPU has AVX-512, the highest instruction set: nothing to refuse"))
    func refusal() throws {
        #expect(throws: TensorError.invalidArgument("packed GEMM: this CPU has no avx512 (best: \(PackedGEMM.best))")) {
            try PackedGEMM.use(.avx512)
        }
        #expect(PackedGEMM.instructionSet == PackedGEMM.best)
    }
}
