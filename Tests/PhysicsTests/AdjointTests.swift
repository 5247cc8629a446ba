import Physics
import Tensor
import Testing

/// `|⟨A x, y⟩ − ⟨x, Aᵀ y⟩| / max(|⟨A x, y⟩|, |⟨x, Aᵀ y⟩|)` for seeded normal x and y.
func dotProductError(_ op: any LinearOperator, batch: Int = 1, channels: Int = 1, seed: UInt64 = 1) throws -> Double {
    let noise = try GaussianNoise(sigma: 1, seed: seed)
    let x = noise.standardNormalTensor(shape: op.domainShape(batch: batch, channels: channels), stream: 1)
    let y = noise.standardNormalTensor(shape: op.rangeShape(batch: batch, channels: channels), stream: 2)
    let left = try op.apply(x).dot(y), right = try x.dot(op.adjoint(y))
    if left == 0 && right == 0 { return 0 }
    return abs(left - right) / max(abs(left), abs(right))
}

@Suite("ParallelBeam2D adjoint")
struct ParallelBeamAdjointTests {
    @Test("dot-product test, circle and full, odd and even sizes", arguments: [
        (1, 1), (2, 3), (7, 5), (16, 1), (31, 17), (64, 64), (65, 100), (128, 180), (200, 33),
    ])
    func dotProduct(size: Int, angleCount: Int) throws {
        for circle in [true, false] {
            let op = try ParallelBeam2D(size: size, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: angleCount),
                                        circle: circle)
            let error = try dotProductError(op)
            #expect(error <= 1e-5, "N=\(size) A=\(angleCount) circle=\(circle): relative error \(error)")
        }
    }

    @Test("N=2 in circle mode sees no pixel (the reference's disk mask keeps none)")
    func emptyDisk() throws {
        let op = try ParallelBeam2D(size: 2, anglesDegrees: [0, 45, 90])
        let x = Tensor(shape: [1, 1, 2, 2], repeating: 1)
        #expect(try op.apply(x).max() == 0)
        #expect(try op.adjoint(Tensor(shape: [1, 1, 3, 2], repeating: 1)).max() == 0)
    }

    @Test("dot-product test with arbitrary angles outside [0, 180) and a batch")
    func arbitraryAngles() throws {
        let angles: [Double] = [-90, -45, -30.5, 0.001, 44.999, 45, 45.001, 89.9, 90, 135, 179.9, 180, 270, 400]
        let op = try ParallelBeam2D(size: 48, anglesDegrees: angles, circle: false)
        let error = try dotProductError(op, batch: 2, channels: 3)
        #expect(error <= 1e-5, "relative error \(error)")
    }

    @Test("operator stack: Σ ⟨A_k x, y_k⟩ = ⟨x, Σ A_kᵀ y_k⟩ and blocks as the reference")
    func stack() throws {
        let full = try ParallelBeam2D(size: 40, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 100))
        let stack = try full.split(into: 8)
        #expect(stack.operators.map { $0.rangeShape(batch: 1, channels: 1)[2] } == [13, 13, 13, 13, 12, 12, 12, 12])
        let noise = try GaussianNoise(sigma: 1, seed: 9)
        let x = noise.standardNormalTensor(shape: [1, 1, 40, 40], stream: 1)
        let ys = stack.operators.enumerated().map { k, op in
            noise.standardNormalTensor(shape: op.rangeShape(batch: 1, channels: 1), stream: UInt64(10 + k))
        }
        let left = try zip(stack.apply(x), ys).map { $0.dot($1) }.reduce(0, +)
        let right = try x.dot(stack.adjoint(ys))
        #expect(abs(left - right) / abs(left) <= 1e-5)
        // The stacked forward equals the full forward, angle block by angle block.
        let whole = try full.apply(x)
        let joined = try Tensor.concatenate(stack.apply(x), axis: 2)
        #expect(joined == whole)
    }

    @Test("operator stack rejects zero operators and more operators than angles")
    func stackErrors() throws {
        let op = try ParallelBeam2D(size: 8, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 4))
        #expect(throws: PhysicsError.self) { try op.split(into: 0) }
        #expect(throws: PhysicsError.self) { try op.split(into: 5) }
        #expect(try OperatorStack.blocks(count: 10, parts: 3) == [0..<4, 4..<7, 7..<10])
    }

    @Test("geometry rejects non-positive sizes and empty angle lists")
    func geometryErrors() {
        #expect(throws: PhysicsError.self) { try ParallelBeam2D(size: 0, anglesDegrees: [0]) }
        #expect(throws: PhysicsError.self) { try ParallelBeam2D(size: 8, anglesDegrees: []) }
        #expect(throws: PhysicsError.self) { try ParallelBeam2D(size: 8, anglesDegrees: [.nan]) }
    }

    @Test("wrong input shapes are reported, not trapped")
    func shapeErrors() throws {
        let op = try ParallelBeam2D(size: 8, anglesDegrees: [0, 90])
        #expect(throws: PhysicsError.self) { try op.apply(Tensor(shape: [1, 1, 8, 9])) }
        #expect(throws: PhysicsError.self) { try op.adjoint(Tensor(shape: [1, 1, 8, 8])) }
    }
}
