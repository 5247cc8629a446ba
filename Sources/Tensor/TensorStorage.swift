import Synchronization

/// The heap buffer behind a `Tensor`: 64-byte aligned Float32 elements, freed with the last
/// reference. Every allocation is counted in `TensorMemory`.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        TensorMemory.allocated(bytes: count * 4)
    }

    func copy() -> TensorStorage {
        let result = TensorStorage(count: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    deinit {
        TensorMemory.freed(bytes: count * 4)
        UnsafeMutableRawPointer(pointer).deallocate()
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
