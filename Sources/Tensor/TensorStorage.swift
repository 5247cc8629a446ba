import Synchronization

/// The heap buffer behind a `Tensor`: 64-byte aligned Float32 elements, freed with the last
/// reference. Every allocation is counted in `TensorMemory`.
///
/// Buffers of at least 128 KiB are mapped on their own (`MappingCache`), those of 2 MiB or more
/// aligned to 2 MiB and advised as transparent huge pages, and unmapped when freed (or kept for
/// the next buffers inside a `TensorMemory.reusingMappings` scope): resident memory then follows
/// the live tensors exactly (the planner predicts it), and a fresh large buffer costs one page
/// fault per 2 MiB instead of one per 4 KiB, which is what kept large allocations fast when they
/// came back from the heap.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int
    /// The mappings this buffer comes from, and the bytes mapped for it; nil and 0 for a heap
    /// allocation.
    private let mappings: MappingCache?
    private let mappedBytes: Int

    init(count: Int) {
        self.count = count
        let bytes = max(count, 1) * 4
        let cache = MappingCache.serving(bytes: bytes)
        if let cache, let mapped = cache.allocate(size: cache.rounded(bytes)) {
            pointer = mapped.bindMemory(to: Float.self, capacity: count)
            mappings = cache
            mappedBytes = cache.rounded(bytes)
        } else {
            pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: max(count, 1))
            mappings = nil
            mappedBytes = 0
        }
        TensorMemory.allocated(bytes: count * 4)
    }

    func copy() -> TensorStorage {
        let result = TensorStorage(count: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    deinit {
        TensorMemory.freed(bytes: count * 4)
        if let mappings {
            mappings.free(UnsafeMutableRawPointer(pointer), size: mappedBytes)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }
}

/// Live and peak bytes held by tensor storage in this process (the allocator's high-water mark,
/// as opposed to the peak RSS, which also counts code, libraries and other heaps).
public enum TensorMemory {
    private static let live = Atomic<Int>(0)
    private static let peak = Atomic<Int>(0)

    /// Bytes currently held by tensors.
    public static var liveBytes: Int { live.load(ordering: .relaxed) }
    /// Highest `liveBytes` seen since start or since the last `resetPeak()`.
    public static var peakBytes: Int { peak.load(ordering: .relaxed) }

    /// The resident bytes of a tensor of `bytes`: whole pages of the mapping it gets (2 MiB pages
    /// from 2 MiB on, faulted in 2 MiB at a time), the bytes themselves below 128 KiB.
    public static func residentBytes(ofTensorBytes bytes: Int) -> Int {
        MappingCache.serving(bytes: bytes)?.rounded(bytes) ?? bytes
    }

    /// Bytes of freed tensors' mappings kept for reuse now (`reusingMappings`).
    public static var keptMappingBytes: Int { MappingCache.huge.keptBytes + MappingCache.small.keptBytes }

    /// Runs `body` with freed tensors' mappings kept for the next tensors, without raising either
    /// cache's resident bytes above its live tensors' high-water mark in the scope, or above
    /// `extraBytes` (the resident bytes `body` is known to reach beyond the live ones) when that is
    /// higher (`MappingCache`); they are unmapped when the outermost scope ends.
    public static func reusingMappings<R>(reaching extraBytes: Int = 0, _ body: () throws -> R) rethrows -> R {
        for cache in [MappingCache.huge, MappingCache.small] { cache.open(reaching: extraBytes) }
        defer { for cache in [MappingCache.huge, MappingCache.small] { cache.close() } }
        return try body()
    }

    /// Starts a new peak measurement from the current live bytes.
    public static func resetPeak() { peak.store(live.load(ordering: .relaxed), ordering: .relaxed) }

    static func allocated(bytes: Int) {
        let now = live.wrappingAdd(bytes, ordering: .relaxed).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    static func freed(bytes: Int) { live.wrappingSubtract(bytes, ordering: .relaxed) }
}
