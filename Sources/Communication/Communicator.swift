import Tensor

/// A reduction of an all-reduce.
public enum Reduction: Sendable {
    case sum, max
}

/// The collectives a distributed run needs, over `size` ranks numbered `0..<size`. Every rank
/// must call the same collectives in the same order. The time spent inside them accumulates in
/// `communicationSeconds` (read it with `takeCommunicationSeconds()` once per step).
public protocol Communicator: AnyObject, Sendable {
    /// This process's rank.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }
    /// Waits for every rank.
    func barrier() throws
    /// Every rank ends with `root`'s values (all ranks pass arrays of the same length).
    func broadcast(_ values: inout [Double], root: Int) throws
    /// Element-wise reduction over the ranks, in place, on every rank.
    func allReduce(_ values: UnsafeMutableBufferPointer<Float>, _ reduction: Reduction) throws
    /// Element-wise reduction over the ranks, in place, on every rank.
    func allReduce(_ values: inout [Double], _ reduction: Reduction) throws
    /// Rank r contributes `counts[r]` values; every rank gets them all, rank by rank.
    func allGatherV(_ local: [Float], counts: [Int]) throws -> [Float]
    /// As `allGatherV`, but only `root` gets the result (the others get nil).
    func gatherV(_ local: [Float], counts: [Int], root: Int) throws -> [Float]?
    /// Ends every rank's process at once with `code` (a failing rank must not leave the others waiting).
    func abort(code: Int32) -> Never
    /// Seconds spent in collectives since the last call, and restarts the count.
    func takeCommunicationSeconds() -> Double
}

extension Communicator {
    /// `tensor` summed (or maximised) over the ranks, in place.
    public func allReduce(_ tensor: inout Tensor, _ reduction: Reduction) throws {
        try tensor.withUnsafeMutableBufferPointer { try allReduce($0, reduction) }
    }

    /// Checks the per-rank counts of a v-collective.
    public func check(counts: [Int], local: Int, operation: String) throws {
        guard counts.count == size, counts.allSatisfy({ $0 >= 0 }) else {
            throw CommunicationError("\(operation): expected \(size) non-negative counts, got \(counts)")
        }
        guard counts[rank] == local else {
            throw CommunicationError("\(operation): rank \(rank) passes \(local) values but counts[\(rank)] = \(counts[rank])")
        }
    }
}
