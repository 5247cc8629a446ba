import Tensor
import Testing

/// A small deterministic generator for test data (SplitMix64).
struct TestRandom {
    var state: UInt64
    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Float(Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)) * 2 - 1
    }
    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in next() })
    }
}

@Suite("Tensor storage and shapes")
struct TensorCoreTests {
    @Test("copy-on-write: a copy keeps its values when the original is mutated")
    func copyOnWrite() {
        var a = Tensor(shape: [2, 3], repeating: 1)
        let b = a
        a[1, 2] = 5
        #expect(b[1, 2] == 1)
        #expect(a[1, 2] == 5)
        #expect(a.scalars == [1, 1, 1, 1, 1, 5])
    }

    @Test("row-major strides and multi-index access up to 5-D")
    func strides() throws {
        let t = Tensor(shape: [2, 3, 4, 5, 6], values: (0..<720).map(Float.init))
        #expect(t.strides == [360, 120, 30, 6, 1])
        #expect(t[1, 2, 3, 4, 5] == 719)
        #expect(t[1, 0, 2, 0, 3] == Float(360 + 60 + 3))
        let r = try t.reshaped([720])
        #expect(r[719] == 719)
        #expect(throws: TensorError.self) { try t.reshaped([7, 100]) }
        #expect(!Tensor.isValid(shape: [1, 1, 1, 1, 1, 1]))
        #expect(!Tensor.isValid(shape: [2, -1]))
    }

    @Test("slices along every axis match element-by-element indexing")
    func slicing() throws {
        var random = TestRandom(state: 3)
        let t = random.tensor([3, 4, 5])
        for axis in 0..<3 {
            let s = try t.slice(axis: axis, 1..<3)
            for i in 0..<s.shape[0] { for j in 0..<s.shape[1] { for k in 0..<s.shape[2] {
                var index = [i, j, k]
                index[axis] += 1
                #expect(s[i, j, k] == t[index[0], index[1], index[2]])
            } } }
        }
        #expect(throws: TensorError.self) { try t.slice(axis: 3, 0..<1) }
        #expect(throws: TensorError.self) { try t.slice(axis: 1, 2..<5) }
    }

    @Test("padding: zero, reflect (PyTorch convention) and replicate")
    func padding() throws {
        let t = Tensor(shape: [1, 4], values: [1, 2, 3, 4])
        #expect(try t.padded(axis: 1, before: 2, after: 3, mode: .zero).scalars == [0, 0, 1, 2, 3, 4, 0, 0, 0])
        #expect(try t.padded(axis: 1, before: 3, after: 3, mode: .reflect).scalars == [4, 3, 2, 1, 2, 3, 4, 3, 2, 1])
        #expect(try t.padded(axis: 1, before: 2, after: 1, mode: .replicate).scalars == [1, 1, 1, 2, 3, 4, 4])
        // Reflection longer than the axis keeps folding (period 2·(n−1)).
        #expect(try t.padded(axis: 1, before: 7, after: 0, mode: .reflect).scalars.prefix(7) == [2, 1, 2, 3, 4, 3, 2])
        let column = try Tensor(shape: [3, 1], values: [1, 2, 3]).padded(axis: 0, before: 1, after: 1, mode: .reflect)
        #expect(column.scalars == [2, 1, 2, 3, 2])
        #expect(throws: TensorError.self) { try t.padded(axis: 1, before: -1, after: 0, mode: .zero) }
    }

    @Test("concatenation inverts slicing")
    func concatenation() throws {
        var random = TestRandom(state: 5)
        let t = random.tensor([2, 7, 3])
        let parts = try [0..<2, 2..<3, 3..<7].map { try t.slice(axis: 1, $0) }
        #expect(try Tensor.concatenate(parts, axis: 1) == t)
        #expect(throws: TensorError.self) { try Tensor.concatenate([t, Tensor(shape: [2, 7, 4])], axis: 1) }
    }
}

@Suite("Tensor memory counters", .serialized)
struct TensorMemoryTests {
    @Test("live bytes grow with an allocation and shrink when it is freed; the peak remembers it")
    func counters() {
        // Other suites allocate concurrently: compare with a 32 MiB margin on a 64 MiB tensor.
        let margin = 32 << 20
        let before = TensorMemory.liveBytes
        TensorMemory.resetPeak()
        var during = 0
        do {
            let big = Tensor(shape: [16, 1024, 1024])
            during = TensorMemory.liveBytes
            #expect(during - before >= big.count * 4 - margin)
            #expect(TensorMemory.peakBytes >= during)
        }
        #expect(during - TensorMemory.liveBytes >= (64 << 20) - margin)
    }
}
