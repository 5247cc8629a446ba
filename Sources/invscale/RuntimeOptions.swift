import ArgumentParser
import CProcessControl
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

    /// Sizes the shared thread pool from `--threads`, else `INVSCALE_THREADS`, else the core count,
    /// and fixes the allocator's thresholds (`fixAllocatorThresholds`), so that a run's resident
    /// memory is what it holds, not what runs before it left in the heap (the planner predicts
    /// the former).
    func configure() throws {
        Self.fixAllocatorThresholds()
        if let threads {
            ThreadPool.configure(threads: threads)
        } else if let text = getenv("INVSCALE_THREADS").map({ String(cString: $0) }) {
            ThreadPool.configure(threads: try ThreadPool.parseThreadCount(text, source: "INVSCALE_THREADS"))
        } else {
            ThreadPool.configure(threads: ThreadPool.onlineCores())
        }
    }

    /// Blocks of 128 KiB or more mapped alone and given back when freed (tensors of 2 MiB or more
    /// map their own huge pages, `TensorStorage`); free heap over 1 MiB at the top returned.
    /// glibc's dynamic thresholds, which rise with every large block freed and leave later blocks
    /// of that size in the heap, are off: with them a run's resident memory depended on the
    /// allocations before it (up to 30 % apart between runs of one configuration).
    static func fixAllocatorThresholds() {
        _ = invscale_fix_allocator_thresholds(128 << 10, 1 << 20)
    }
}
