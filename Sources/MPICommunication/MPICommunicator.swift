import CMPI
import Synchronization
import Communication
import Tensor

/// The world communicator of an MPI job (OpenMPI), initialised with MPI_THREAD_FUNNELED: only the
/// thread that creates it calls MPI; our thread pool never does. Errors abort the job (MPI's
/// default handler), so a failing collective never hangs the other ranks.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    private let seconds = Mutex<Double>(0)

    /// Initialises MPI (once per process) and joins the world.
    public init() throws {
        var initialised: Int32 = 0
        MPI_Initialized(&initialised)
        if initialised == 0 {
            var provided: Int32 = 0
            guard MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided) == MPI_SUCCESS else {
                throw CommunicationError("MPI_Init_thread failed")
            }
        }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(invscale_mpi_comm_world(), &rank)
        MPI_Comm_size(invscale_mpi_comm_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Ends MPI in this process (call once, after the last collective).
    public func finalize() { MPI_Finalize() }

    /// Runs a collective, adding its duration to the communication time; a non-success code throws.
    private func timed(_ name: String, _ body: () -> Int32) throws {
        let start = MPI_Wtime()
        let code = body()
        let elapsed = MPI_Wtime() - start
        seconds.withLock { $0 += elapsed }
        guard code == MPI_SUCCESS else { throw CommunicationError("\(name) failed on rank \(rank) with MPI error \(code)") }
    }

    private static func count(_ value: Int, _ name: String) throws -> Int32 {
        guard let count = Int32(exactly: value) else { throw CommunicationError("\(name): \(value) values exceed MPI's Int32 count") }
        return count
    }

    public func barrier() throws { try timed("MPI_Barrier") { MPI_Barrier(invscale_mpi_comm_world()) } }

    public func broadcast(_ values: inout [Double], root: Int) throws {
        let n = try Self.count(values.count, "broadcast")
        try values.withUnsafeMutableBufferPointer { buffer in
            try timed("MPI_Bcast") { MPI_Bcast(buffer.baseAddress, n, invscale_mpi_double(), Int32(root), invscale_mpi_comm_world()) }
        }
    }

    public func allReduce(_ values: UnsafeMutableBufferPointer<Float>, _ reduction: Reduction) throws {
        let n = try Self.count(values.count, "allReduce")
        try timed("MPI_Allreduce") {
            MPI_Allreduce(invscale_mpi_in_place(), values.baseAddress, n, invscale_mpi_float(), Self.operation(reduction),
                          invscale_mpi_comm_world())
        }
    }

    public func allReduce(_ values: inout [Double], _ reduction: Reduction) throws {
        let n = try Self.count(values.count, "allReduce")
        try values.withUnsafeMutableBufferPointer { buffer in
            try timed("MPI_Allreduce") {
                MPI_Allreduce(invscale_mpi_in_place(), buffer.baseAddress, n, invscale_mpi_double(), Self.operation(reduction),
                              invscale_mpi_comm_world())
            }
        }
    }

    public func allGatherV(_ local: [Float], counts: [Int]) throws -> [Float] {
        try check(counts: counts, local: local.count, operation: "allGatherV")
        let (counts32, displacements, total) = try Self.layout(counts)
        var result = [Float](repeating: 0, count: total)
        try result.withUnsafeMutableBufferPointer { output in
            try timed("MPI_Allgatherv") {
                MPI_Allgatherv(local, counts32[rank], invscale_mpi_float(), output.baseAddress, counts32, displacements,
                               invscale_mpi_float(), invscale_mpi_comm_world())
            }
        }
        return result
    }

    public func gatherV(_ local: [Float], counts: [Int], root: Int) throws -> [Float]? {
        try check(counts: counts, local: local.count, operation: "gatherV")
        let (counts32, displacements, total) = try Self.layout(counts)
        var result = [Float](repeating: 0, count: rank == root ? total : 0)
        try result.withUnsafeMutableBufferPointer { output in
            try timed("MPI_Gatherv") {
                MPI_Gatherv(local, counts32[rank], invscale_mpi_float(), output.baseAddress, counts32, displacements,
                            invscale_mpi_float(), Int32(root), invscale_mpi_comm_world())
            }
        }
        return rank == root ? result : nil
    }

    public func abort(code: Int32) -> Never {
        MPI_Abort(invscale_mpi_comm_world(), code)
        fatalError("MPI_Abort returned")
    }

    public func takeCommunicationSeconds() -> Double {
        seconds.withLock { value in
            defer { value = 0 }
            return value
        }
    }

    private static func operation(_ reduction: Reduction) -> MPI_Op {
        switch reduction {
        case .sum: invscale_mpi_sum()
        case .max: invscale_mpi_max()
        }
    }

    /// Int32 counts, their displacements and their total.
    private static func layout(_ counts: [Int]) throws -> ([Int32], [Int32], Int) {
        let counts32 = try counts.map { try count($0, "gather counts") }
        var displacements: [Int32] = [], offset = 0
        for value in counts {
            displacements.append(try count(offset, "gather displacement"))
            offset += value
        }
        return (counts32, displacements, offset)
    }
}
