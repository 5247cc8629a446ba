import Communication
import Tensor
import Testing

@Suite("Local communicator")
struct LocalCommunicatorTests {
    @Test("one rank: collectives are the identity, counts and roots are checked")
    func identity() throws {
        let world = LocalCommunicator()
        #expect(world.rank == 0 && world.size == 1)
        var tensor = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let before = tensor
        try world.allReduce(&tensor, .sum)
        #expect(tensor == before)
        var doubles = [1.5, -2]
        try world.allReduce(&doubles, .max)
        try world.broadcast(&doubles, root: 0)
        #expect(doubles == [1.5, -2])
        #expect(try world.allGatherV([1, 2], counts: [2]) == [1, 2])
        #expect(try world.gatherV([3], counts: [1], root: 0) == [3])
        #expect(throws: CommunicationError.self) { try world.allGatherV([1, 2], counts: [3]) }
        #expect(throws: CommunicationError.self) { try world.allGatherV([1], counts: [1, 1]) }
        #expect(throws: CommunicationError.self) { try world.gatherV([1], counts: [1], root: 1) }
        #expect(world.takeCommunicationSeconds() == 0)
        try world.barrier()
    }
}
