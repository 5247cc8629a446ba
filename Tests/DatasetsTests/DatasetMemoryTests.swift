import Datasets
import Tensor
import Testing

@Suite("Dataset memory checks before allocating")
struct DatasetMemoryTests {
    @Test("an image side of 10⁷ is refused before anything is allocated, naming the parameters")
    func hugeImage() throws {
        let dataset = try Tomography2D(imgSize: 10_000_000)
        #expect { try dataset.makeProblem() } throws: { error in
            let text = "\(error)"
            return error is MemoryLimitError && text.hasPrefix("tomography_2d img_size 10000000, num_angles 100: needs")
        }
        #expect(throws: MemoryLimitError.self) { try dataset.groundTruth() }
    }

    @Test("the estimate covers image and sinogram; a small budget refuses, a large one accepts")
    func budget() throws {
        let dataset = try Tomography2D(imgSize: 256, numOperators: 4, numAngles: 1000)
        let estimate = try #require(dataset.memoryEstimate)
        #expect(estimate >= 4 * (256 * 256 + 1000 * 256))
        #expect(throws: MemoryLimitError.self) {
            try dataset.requireMemory(budget: MemoryBudget(availableBytes: estimate - 1, source: "test"))
        }
        try dataset.requireMemory(budget: MemoryBudget(availableBytes: estimate, source: "test"))
        #expect(try Tomography2D(imgSize: .max).memoryEstimate == nil)
    }

    @Test("a synthetic volume larger than the budget is refused, naming its size")
    func volume() throws {
        let dataset = try Tomography3D(imgSize: [100_000], numProjections: 10)
        #expect { try dataset.requireSyntheticMemory(budget: MemoryBudget(availableBytes: 1 << 40, source: "test")) } throws: { error in
            "\(error)".hasPrefix("tomography_3d img_size 100000×100000×100000, num_projections 10: needs")
        }
        #expect(try Tomography3D(imgSize: [1 << 40]).syntheticMemoryEstimate == nil)
    }
}
