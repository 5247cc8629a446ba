import Testing
@testable import Tensor

/// `MappingCache` on instances of its own (the process's caches serve every test running beside
/// these): reuse of freed ranges inside a scope, the bound on live and kept bytes, and the
/// release when the scope closes.
@Suite struct MappingCacheTests {
    let page = MappingCache.hugePageBytes

    /// Writes `value` over `bytes` at `pointer` (the pages must be mapped and writable).
    func fill(_ pointer: UnsafeMutableRawPointer, bytes: Int, with value: UInt8) {
        pointer.initializeMemory(as: UInt8.self, repeating: value, count: bytes)
    }

    /// Maps 2 pages (filled with 2) and 6 pages (filled with 3) and frees both into `cache`.
    func keepTwoBuffers(in cache: MappingCache) throws {
        let small = try #require(cache.allocate(size: 2 * page))
        let large = try #require(cache.allocate(size: 6 * page))
        fill(small, bytes: 2 * page, with: 2)
        fill(large, bytes: 6 * page, with: 3)
        cache.free(small, size: 2 * page)
        cache.free(large, size: 6 * page)
    }

    @Test func freedBuffersAreReusedSplitAndMergedInsideAScope() throws {
        let cache = MappingCache(granularity: MappingCache.hugePageBytes, hugePages: true)
        cache.open(reaching: 0)
        let first = try #require(cache.allocate(size: 4 * page))
        fill(first, bytes: 4 * page, with: 1)
        cache.free(first, size: 4 * page)
        #expect(cache.keptBytes == 4 * page)

        // Two smaller buffers take the front of the kept range, one after the other.
        let front = try #require(cache.allocate(size: page))
        let next = try #require(cache.allocate(size: 3 * page))
        #expect(front == first)
        #expect(next == first + page)
        #expect(cache.keptBytes == 0)
        #expect(next.load(as: UInt8.self) == 1, "a kept range keeps its pages: the contents are the last user's")

        // Freed out of order, the two pieces merge back into one range that holds the whole size.
        cache.free(next, size: 3 * page)
        cache.free(front, size: page)
        let whole = try #require(cache.allocate(size: 4 * page))
        #expect(whole == first)
        cache.free(whole, size: 4 * page)
        cache.close()
        #expect(cache.keptBytes == 0)
    }

    @Test func liveAndKeptBytesStayUnderTheHighWaterMark() throws {
        let cache = MappingCache(granularity: MappingCache.hugePageBytes, hugePages: true)
        cache.open(reaching: 0)
        try keepTwoBuffers(in: cache)
        // The high-water mark is 8 pages: both freed buffers are kept.
        #expect(cache.keptBytes == 8 * page)

        // A buffer larger than all the kept pages together is mapped fresh, and the mark becomes
        // its 9 pages: nothing can stay kept.
        let fresh = try #require(cache.allocate(size: 9 * page))
        #expect(cache.keptBytes == 0)
        cache.free(fresh, size: 9 * page)
        cache.close()
        #expect(cache.keptBytes == 0)
    }

    @Test func keptRangesAreCutOnlyAsFarAsNeeded() throws {
        let cache = MappingCache(granularity: MappingCache.hugePageBytes, hugePages: true)
        cache.open(reaching: 12 * page)
        try keepTwoBuffers(in: cache)

        // 9 pages fit no kept range (8 pages at most, merged or not): they are mapped fresh, and
        // live 9 with kept 8 pass the announced 12 by 5 pages. Those are cut, the smallest range
        // first (whether the two ranges lie apart or were merged): 3 pages stay.
        let fresh = try #require(cache.allocate(size: 9 * page))
        #expect(cache.keptBytes == 3 * page)
        fill(fresh, bytes: 9 * page, with: 4)
        let kept = try #require(cache.allocate(size: 3 * page))
        #expect(cache.keptBytes == 0)
        #expect([2, 3].contains(kept.load(as: UInt8.self)), "what is left of the kept ranges is still mapped, and reused")
        cache.free(kept, size: 3 * page)
        cache.free(fresh, size: 9 * page)
        cache.close()
        #expect(cache.keptBytes == 0)
    }

    @Test func anAnnouncedPeakLetsFreedBuffersStayBeforeTheLiveBytesReachIt() throws {
        let cache = MappingCache(granularity: MappingCache.hugePageBytes, hugePages: true)
        cache.open(reaching: 6 * page)
        let a = try #require(cache.allocate(size: 2 * page))
        cache.free(a, size: 2 * page)
        // Live 4 and kept 2 fit the announced 6 pages, although the live bytes never passed 4.
        let b = try #require(cache.allocate(size: 4 * page))
        #expect(cache.keptBytes == 2 * page)
        // Beyond the announced peak, the kept bytes give way.
        let c = try #require(cache.allocate(size: 3 * page))
        #expect(cache.keptBytes == 0)
        cache.free(b, size: 4 * page)
        cache.free(c, size: 3 * page)
        cache.close()
    }

    @Test func smallPageRangesAreCutInWholeSmallPages() throws {
        let cache = MappingCache(granularity: 4096, hugePages: false)
        let small = 4096
        cache.open(reaching: 14 * small)
        let a = try #require(cache.allocate(size: 6 * small))
        fill(a, bytes: 6 * small, with: 7)
        cache.free(a, size: 6 * small)
        // 10 pages more do not fit the kept 6: live 10 and kept 6 pass the announced 14 by 2
        // pages, which are cut from the range's tail.
        let b = try #require(cache.allocate(size: 10 * small))
        #expect(cache.keptBytes == 4 * small)
        let c = try #require(cache.allocate(size: 4 * small))
        #expect(c == a)
        #expect(c.load(fromByteOffset: 4 * small - 1, as: UInt8.self) == 7)
        cache.free(b, size: 10 * small)
        cache.free(c, size: 4 * small)
        cache.close()
        #expect(cache.keptBytes == 0)
    }

    @Test func withoutAScopeFreedBuffersAreUnmapped() throws {
        let cache = MappingCache(granularity: MappingCache.hugePageBytes, hugePages: true)
        let buffer = try #require(cache.allocate(size: 2 * page))
        fill(buffer, bytes: 2 * page, with: 6)
        cache.free(buffer, size: 2 * page)
        #expect(cache.keptBytes == 0)

        // Nested scopes keep the ranges until the outermost one closes.
        cache.open(reaching: 0)
        cache.open(reaching: 0)
        let inner = try #require(cache.allocate(size: 2 * page))
        cache.free(inner, size: 2 * page)
        cache.close()
        #expect(cache.keptBytes == 2 * page)
        cache.close()
        #expect(cache.keptBytes == 0)
    }

    @Test func tensorsInAScopeStartFromTheirInitialValues() {
        let count = 3 * (1 << 20)
        TensorMemory.reusingMappings {
            var first = Tensor(shape: [count], repeating: 7)
            first.scale(by: 2)
            #expect(first[count - 1] == 14)
            _ = consume first
            let second = Tensor(shape: [count])
            #expect(second.sum() == 0)
        }
    }
}
