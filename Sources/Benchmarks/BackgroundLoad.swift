import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Copies of a kernel running on threads of their own, each on its own data, while one copy is
/// timed: the node as the ranks of a multi-process run load it (every core busy with the same
/// kind of work), for `MachineCalibration`'s rates on a busy node.
final class BackgroundLoad: @unchecked Sendable {
    private final class Job: @unchecked Sendable {
        let work: () -> Void
        let stop: Atomic<Bool>

        init(work: @escaping () -> Void) {
            self.work = work
            stop = Atomic(false)
        }
    }

    private var jobs: [Job] = []
    private var threads: [pthread_t] = []

    /// Starts `copies` threads, each running its own `make()` kernel until `finish()`.
    init(copies: Int, make: () -> () -> Void) {
        for _ in 0..<copies {
            let job = Job(work: make())
            var thread = pthread_t()
            let context = Unmanaged.passRetained(job).toOpaque()
            let created = pthread_create(&thread, nil, { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                while !job.stop.load(ordering: .relaxed) { job.work() }
                return nil
            }, context)
            if created == 0 {
                jobs.append(job)
                threads.append(thread)
            } else {
                Unmanaged<Job>.fromOpaque(context).release()
            }
        }
    }

    /// Stops the copies (each finishes its current run) and waits for them.
    func finish() {
        for job in jobs { job.stop.store(true, ordering: .relaxed) }
        for thread in threads { pthread_join(thread, nil) }
        jobs = []
        threads = []
    }
}
