/// Fixed-size chunking of a flat element range, shared by the elementwise ops and reductions.
///
/// The chunk boundaries depend only on the element count, never on the thread count, so chunked
/// reductions give bit-identical results on any number of threads.
enum Chunks {
    /// Elements per chunk (256 KiB of Float32).
    static let size = 1 << 16

    /// Number of chunks covering `count` elements.
    static func count(for count: Int) -> Int { (count + size - 1) / size }

    /// Calls `body` with each chunk's range, in parallel when there is more than one chunk.
    static func forEach(_ count: Int, _ body: (Range<Int>) -> Void) {
        let chunks = Chunks.count(for: count)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        parallelFor(chunks) { chunk in
            let start = chunk * size
            body(start..<min(start + size, count))
        }
    }
}
