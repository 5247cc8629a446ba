import Synchronization
import Glibc
import Tensor

/// Reusable scratch memory for one forward pass at a time: each slot keeps the largest buffer
/// asked of it, so the layers of a network, and successive calls, reuse the same pages instead
/// of faulting fresh ones in (at 256² the Winograd kernels alone would fault in 520 MB per pass).
final class Workspace: @unchecked Sendable {
    private var slots: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    /// Slot `slot` as room for at least `count` values of `type`, 64-byte aligned; the contents are
    /// whatever the last user left.
    func buffer<T>(_ slot: Int, count: Int, of type: T.Type) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        while slots.count <= slot { slots.append((.allocate(byteCount: 64, alignment: 64), 64)) }
        if slots[slot].bytes < bytes {
            slots[slot].pointer.deallocate()
            slots[slot] = (Self.allocate(bytes), bytes)
        }
        return slots[slot].pointer.bindMemory(to: type, capacity: count)
    }

    /// Room for `bytes`, 64-byte aligned; from 2 MiB on, on 2 MiB boundaries and advised for
    /// transparent huge pages (where the system leaves them to `madvise`), so that the Winograd
    /// kernels' 36 matrices and the products walking them do not miss the TLB at every 4 KiB.
    private static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let hugePage = 2 << 20
        guard bytes >= hugePage else { return .allocate(byteCount: bytes, alignment: 64) }
        let rounded = (bytes + hugePage - 1) / hugePage * hugePage
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: hugePage)
        _ = madvise(pointer, rounded, MADV_HUGEPAGE)
        return pointer
    }

    deinit { slots.forEach { $0.pointer.deallocate() } }
}

/// Workspaces shared by the calls of one network: a call takes one (or makes one when all are in
/// use by concurrent calls) and gives it back.
final class WorkspacePool: Sendable {
    private let idle = Mutex<[Workspace]>([])

    /// Runs `body` with a workspace no other call is using.
    func withWorkspace<R>(_ body: (Workspace) throws -> R) rethrows -> R {
        let workspace = idle.withLock { $0.popLast() } ?? Workspace()
        defer { idle.withLock { $0.append(workspace) } }
        return try body(workspace)
    }
}
