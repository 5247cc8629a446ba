import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The heap buffer behind a `Tensor`: 64-byte aligned Float32 elements, freed with the last
/// reference. Every allocation is counted in `TensorMemory`.
///
/// Buffers of at least `hugePageBytes` are mapped on their own, aligned to 2 MiB and advised as
/// transparent huge pages, and unmapped when freed: resident memory then follows the live tensors
/// exactly (the planner predicts it), and a fresh buffer costs one page fault per 2 MiB instead of
/// one per 4 KiB, which is what kept large allocations fast when they came back from the heap.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int
    /// Bytes mapped for this buffer on its own; 0 for a heap allocation.
    private let mappedBytes: Int

    /// Size from which a buffer gets its own huge-page mapping, and the huge page size.
    static let hugePageBytes = 2 << 20

    init(count: Int) {
        self.count = count
        let bytes = max(count, 1) * 4
        if bytes >= Self.hugePageBytes, let mapped = Self.mapHugePages(bytes: bytes) {
            pointer = mapped.bindMemory(to: Float.self, capacity: count)
            mappedBytes = Self.rounded(bytes)
        } else {
            pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: max(count, 1))
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
        if mappedBytes > 0 {
            munmap(UnsafeMutableRawPointer(pointer), mappedBytes)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }

    /// `bytes` rounded up to whole huge pages.
    static func rounded(_ bytes: Int) -> Int { (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes }

    /// A private anonymous mapping of `bytes` (rounded up to huge pages) starting on a 2 MiB
    /// boundary, advised for transparent huge pages; nil when the kernel refuses the mapping.
    private static func mapHugePages(bytes: Int) -> UnsafeMutableRawPointer? {
        let size = rounded(bytes), span = size + hugePageBytes
        guard let raw = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            return nil
        }
        let address = Int(bitPattern: raw), aligned = (address + hugePageBytes - 1) / hugePageBytes * hugePageBytes
        // The slack before and after the aligned span goes back at once.
        if aligned > address { munmap(raw, aligned - address) }
        let end = aligned + size, spanEnd = address + span
        if spanEnd > end { munmap(UnsafeMutableRawPointer(bitPattern: end), spanEnd - end) }
        let start = UnsafeMutableRawPointer(bitPattern: aligned)!
        _ = madvise(start, size, MADV_HUGEPAGE)
        return start
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

    /// The resident bytes of a tensor of `bytes`: whole huge pages from `TensorStorage`'s
    /// threshold on (its mapping is faulted in 2 MiB at a time), the bytes themselves below.
    public static func residentBytes(ofTensorBytes bytes: Int) -> Int {
        bytes >= TensorStorage.hugePageBytes ? TensorStorage.rounded(bytes) : bytes
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
