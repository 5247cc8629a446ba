import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The mappings behind large tensors: each buffer is a private anonymous mapping of whole pages of
/// the cache's granularity, 4 KiB (`small`, buffers from 128 KiB) or 2 MiB on a 2 MiB boundary,
/// advised for transparent huge pages (`huge`, buffers from 2 MiB).
///
/// While a scope is open (`TensorMemory.reusingMappings`), freed buffers are not unmapped but kept
/// as free ranges (adjacent ones merged), and a new buffer takes the smallest range that holds it
/// (the rest stays free). A network's successive layers and calls then write into pages already
/// faulted in, instead of having the kernel clear fresh ones, and, on a virtual machine that hands
/// freed memory back to its host, the host fault them in again.
///
/// Resident memory never rises above what the live buffers alone reach in the scope: in each
/// cache, live and kept bytes together stay at or below the live bytes' high-water mark since the
/// outermost scope opened, or the peak a scope announces it will reach when higher (a network call
/// knows its feature maps' peak before it starts, `NetworkFootprint`). Kept ranges are unmapped,
/// smallest first, to make room for a buffer no range holds, and all of them when the outermost
/// scope closes.
final class MappingCache: Sendable {
    /// A free range of whole huge pages.
    private struct Range {
        var address: Int
        var bytes: Int
    }

    private struct State {
        var depth = 0
        /// Mapped bytes of live buffers.
        var live = 0
        /// Highest `live` since the outermost scope opened, or a scope's announced peak.
        var highWater = 0
        /// Free ranges, by address.
        var ranges: [Range] = []
        var keptBytes = 0

        /// Takes `bytes` from the front of the smallest range that holds them.
        mutating func take(_ bytes: Int) -> Int? {
            var best: Int?
            for index in ranges.indices where ranges[index].bytes >= bytes && ranges[index].bytes < (best.map { ranges[$0].bytes } ?? .max) {
                best = index
            }
            guard let index = best else { return nil }
            let address = ranges[index].address
            if ranges[index].bytes == bytes {
                ranges.remove(at: index)
            } else {
                ranges[index].address += bytes
                ranges[index].bytes -= bytes
            }
            keptBytes -= bytes
            return address
        }

        /// Keeps a freed range, merged with the free ranges it touches.
        mutating func keep(_ freed: Range) {
            let index = ranges.firstIndex { $0.address > freed.address } ?? ranges.endIndex
            ranges.insert(freed, at: index)
            keptBytes += freed.bytes
            if index + 1 < ranges.count, ranges[index].address + ranges[index].bytes == ranges[index + 1].address {
                ranges[index].bytes += ranges.remove(at: index + 1).bytes
            }
            if index > 0, ranges[index - 1].address + ranges[index - 1].bytes == ranges[index].address {
                ranges[index - 1].bytes += ranges.remove(at: index).bytes
            }
        }

        /// Removes free bytes, smallest ranges first (the tail of the last one only as far as
        /// needed, in whole pages of `granularity`), until live and kept bytes fit under the
        /// high-water mark; returns them.
        mutating func trimToFit(granularity: Int) -> [Range] {
            var trimmed: [Range] = []
            while live + keptBytes > highWater, let index = ranges.indices.min(by: { ranges[$0].bytes < ranges[$1].bytes }) {
                let excess = live + keptBytes - highWater
                let cut = (excess + granularity - 1) / granularity * granularity
                if ranges[index].bytes <= cut {
                    trimmed.append(ranges.remove(at: index))
                } else {
                    ranges[index].bytes -= cut
                    trimmed.append(Range(address: ranges[index].address + ranges[index].bytes, bytes: cut))
                }
                keptBytes -= trimmed.last!.bytes
            }
            return trimmed
        }
    }

    /// The huge page size.
    static let hugePageBytes = 2 << 20
    /// The smallest buffer mapped on its own (glibc's mmap threshold as `invscale` fixes it).
    static let smallMappingBytes = 128 << 10

    /// The page size of this cache's mappings.
    let granularity: Int
    /// Whether the mappings are huge-page aligned and advised.
    let hugePages: Bool
    private let state = Mutex(State())

    /// Mappings of `granularity`-byte pages, huge pages when `hugePages`.
    init(granularity: Int, hugePages: Bool) {
        self.granularity = granularity
        self.hugePages = hugePages
    }

    /// The process's mappings of 2 MiB or more, and of 128 KiB up to 2 MiB.
    static let huge = MappingCache(granularity: hugePageBytes, hugePages: true)
    static let small = MappingCache(granularity: 4096, hugePages: false)

    /// The cache for a buffer of `bytes`, nil below `smallMappingBytes` (the heap's).
    static func serving(bytes: Int) -> MappingCache? {
        bytes >= hugePageBytes ? huge : bytes >= smallMappingBytes ? small : nil
    }

    /// `bytes` rounded up to whole pages of this cache.
    func rounded(_ bytes: Int) -> Int { (bytes + granularity - 1) / granularity * granularity }

    /// Bytes of freed buffers kept for reuse now.
    var keptBytes: Int { state.withLock { $0.keptBytes } }

    /// A buffer of `size` bytes (whole pages): a kept range inside a scope, else a fresh
    /// mapping; nil when the kernel refuses the mapping.
    func allocate(size: Int) -> UnsafeMutableRawPointer? {
        let (reused, trimmed) = state.withLock { state -> (Int?, [Range]) in
            state.live += size
            guard state.depth > 0 else { return (nil, []) }
            if let address = state.take(size) { return (address, []) }
            state.highWater = max(state.highWater, state.live)
            return (nil, state.trimToFit(granularity: granularity))
        }
        for range in trimmed { munmap(UnsafeMutableRawPointer(bitPattern: range.address), range.bytes) }
        if let reused { return UnsafeMutableRawPointer(bitPattern: reused) }
        guard let fresh = map(size: size) else {
            state.withLock { $0.live -= size }
            return nil
        }
        return fresh
    }

    /// Takes back a buffer `allocate` gave: kept inside a scope, unmapped otherwise.
    func free(_ pointer: UnsafeMutableRawPointer, size: Int) {
        let kept = state.withLock { state -> Bool in
            state.live -= size
            guard state.depth > 0 else { return false }
            state.keep(Range(address: Int(bitPattern: pointer), bytes: size))
            return true
        }
        if !kept { munmap(pointer, size) }
    }

    /// Opens a scope whose body is known to reach `extraBytes` of buffers beyond the live ones;
    /// the outermost scope starts the high-water mark from the live bytes.
    func open(reaching extraBytes: Int) {
        state.withLock { state in
            if state.depth == 0 { state.highWater = state.live }
            state.highWater = max(state.highWater, state.live + extraBytes)
            state.depth += 1
        }
    }

    /// Closes a scope; the outermost one unmaps every kept range.
    func close() {
        let released = state.withLock { state -> [Range] in
            state.depth -= 1
            guard state.depth == 0 else { return [] }
            defer { state.ranges = []; state.keptBytes = 0 }
            return state.ranges
        }
        for range in released { munmap(UnsafeMutableRawPointer(bitPattern: range.address), range.bytes) }
    }

    /// A private anonymous mapping of `size` bytes (whole pages); huge pages start on a 2 MiB
    /// boundary and are advised for transparent huge pages. Nil when the kernel refuses it.
    private func map(size: Int) -> UnsafeMutableRawPointer? {
        let span = hugePages ? size + Self.hugePageBytes : size
        guard let raw = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            return nil
        }
        guard hugePages else { return raw }
        let hugePageBytes = Self.hugePageBytes
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
