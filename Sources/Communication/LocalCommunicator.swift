import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The communicator of a single process: rank 0 of 1; every collective is the identity.
public final class LocalCommunicator: Communicator {
    public let rank = 0
    public let size = 1

    /// The one-process world.
    public init() {}

    public func barrier() throws {}
    public func broadcast(_ values: inout [Double], root: Int) throws { try checkRoot(root) }
    public func allReduce(_ values: UnsafeMutableBufferPointer<Float>, _ reduction: Reduction) throws {}
    public func allReduce(_ values: inout [Double], _ reduction: Reduction) throws {}

    public func allGatherV(_ local: [Float], counts: [Int]) throws -> [Float] {
        try check(counts: counts, local: local.count, operation: "allGatherV")
        return local
    }

    public func gatherV(_ local: [Float], counts: [Int], root: Int) throws -> [Float]? {
        try checkRoot(root)
        try check(counts: counts, local: local.count, operation: "gatherV")
        return local
    }

    public func abort(code: Int32) -> Never { exit(code) }
    public func takeCommunicationSeconds() -> Double { 0 }

    private func checkRoot(_ root: Int) throws {
        guard root == 0 else { throw CommunicationError("root: expected 0 in a 1-process world, got \(root)") }
    }
}
