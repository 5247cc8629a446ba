import ArgumentParser
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Options every compute command shares: the size of the thread pool.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .long, help: "Threads for our loops and OpenBLAS (default: $INVSCALE_THREADS, else all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads <= 0 || threads > 4096 {
            throw ValidationError("--threads: expected a positive integer, got \(threads)")
        }
    }

    /// Sizes the shared thread pool from `--threads`, else `INVSCALE_THREADS`, else the core count.
    func configure() throws {
        if let threads {
            ThreadPool.configure(threads: threads)
        } else if let text = getenv("INVSCALE_THREADS").map({ String(cString: $0) }) {
            ThreadPool.configure(threads: try ThreadPool.parseThreadCount(text, source: "INVSCALE_THREADS"))
        } else {
            ThreadPool.configure(threads: ThreadPool.onlineCores())
        }
    }
}
