import CBLAS
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size pool of worker threads that runs `parallelFor` loops.
///
/// The pool has `threadCount - 1` workers; the calling thread takes part in every loop. Loop
/// indices are handed out dynamically, so bodies must write disjoint outputs and compute each
/// output the same way whichever thread runs it: results then do not depend on the thread count.
/// A loop started while the pool is busy (a nested loop, or a second caller thread) runs serially
/// on its caller, so the pool never deadlocks and never oversubscribes the machine.
public final class ThreadPool: @unchecked Sendable {
    /// Number of threads that execute a loop, the caller included.
    public let threadCount: Int

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let done = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var workers: [pthread_t] = []
    private var generation = 0
    private var running = 0
    private var shuttingDown = false
    private var job: LoopJob?
    private let busy = Atomic<Bool>(false)

    /// Creates a pool that runs loops on `threadCount` threads (at least 1).
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(done, nil)
        for participant in 1..<self.threadCount {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(WorkerStart(pool: self, participant: participant)).toOpaque()
            let status = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                start.pool.workerLoop(participant: start.participant)
                return nil
            }, context)
            precondition(status == 0, "ThreadPool: pthread_create failed with status \(status)")
            workers.append(thread)
        }
    }

    /// Waits for a loop in flight, then stops and joins the workers; later loops on this pool run
    /// serially on their caller. A pool must be shut down before it is dropped, because each worker
    /// holds a reference to it.
    public func shutdown() {
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            sched_yield()
        }
        pthread_mutex_lock(mutex)
        shuttingDown = true
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
        for thread in workers { pthread_join(thread, nil) }
        workers.removeAll()
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool's threads.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        parallelFor(count) { index, _ in body(index) }
    }

    /// Runs `body(i, participant)` for every `i` in `0..<count`; `participant` in
    /// `0..<threadCount` identifies the thread (the caller is 0), so a loop can give each thread
    /// its own scratch memory. A loop run serially gets participant 0 throughout.
    public func parallelFor(_ count: Int, _ body: (Int, Int) -> Void) {
        guard count > 0 else { return }
        guard count > 1, threadCount > 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for index in 0..<count { body(index, 0) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { escapable in
            let loop = LoopJob(count: count, body: escapable)
            pthread_mutex_lock(mutex)
            job = loop
            generation &+= 1
            running = workers.count
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
            loop.run(participant: 0)
            pthread_mutex_lock(mutex)
            while running > 0 { pthread_cond_wait(done, mutex) }
            job = nil
            pthread_mutex_unlock(mutex)
        }
    }

    private func workerLoop(participant: Int) {
        var seen = 0
        pthread_mutex_lock(mutex)
        while true {
            while generation == seen && !shuttingDown { pthread_cond_wait(wake, mutex) }
            if shuttingDown { break }
            seen = generation
            let loop = job
            pthread_mutex_unlock(mutex)
            loop?.run(participant: participant)
            pthread_mutex_lock(mutex)
            running -= 1
            if running == 0 { pthread_cond_signal(done) }
        }
        pthread_mutex_unlock(mutex)
    }
}

/// What a new worker thread needs: its pool and its participant number.
private final class WorkerStart {
    let pool: ThreadPool
    let participant: Int

    init(pool: ThreadPool, participant: Int) {
        self.pool = pool
        self.participant = participant
    }
}

/// One `parallelFor` loop: the body and the next index to hand out.
private final class LoopJob: @unchecked Sendable {
    let count: Int
    let body: (Int, Int) -> Void
    let next = Atomic<Int>(0)

    init(count: Int, body: @escaping (Int, Int) -> Void) {
        self.count = count
        self.body = body
    }

    func run(participant: Int) {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { return }
            body(index, participant)
        }
    }
}

extension ThreadPool {
    private static let current = Mutex<ThreadPool?>(nil)

    /// The process-wide pool used by `parallelFor`; created on first use with
    /// `defaultThreadCount()` threads unless `configure(threads:)` ran first.
    public static var shared: ThreadPool {
        current.withLock { pool in
            if let pool { return pool }
            let created = ThreadPool(threadCount: defaultThreadCount())
            setBLASThreads(1)
            pool = created
            return created
        }
    }

    /// Replaces the shared pool with one of `threads` threads. OpenBLAS is kept single-threaded:
    /// all parallelism goes through this pool (see `GEMM`), because OpenBLAS's idle server threads
    /// spin for a while after every call and would take cores from our own loops.
    public static func configure(threads: Int) {
        let old = current.withLock { pool -> ThreadPool? in
            let previous = pool
            pool = ThreadPool(threadCount: threads)
            return previous
        }
        old?.shutdown()
        setBLASThreads(1)
    }

    /// `INVSCALE_THREADS` when it holds a positive integer, otherwise the number of online cores.
    public static func defaultThreadCount() -> Int {
        if let text = getenv("INVSCALE_THREADS").map({ String(cString: $0) }),
           let value = try? parseThreadCount(text, source: "INVSCALE_THREADS") {
            return value
        }
        return onlineCores()
    }

    /// Parses a thread count given by a user; `source` names the flag or variable in the error.
    public static func parseThreadCount(_ text: String, source: String) throws -> Int {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard words.count == 1, let value = Int(words[0]), value > 0, value <= 4096 else {
            throw TensorError.invalidArgument("\(source): expected a positive integer thread count, got '\(text)'")
        }
        return value
    }

    /// Number of cores the process can run on.
    public static func onlineCores() -> Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    private static func setBLASThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }
}

/// Runs `body(i)` for `i` in `0..<count` on the shared pool (see `ThreadPool`).
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    ThreadPool.shared.parallelFor(count, body)
}

/// Runs `body(i, participant)` for `i` in `0..<count` on the shared pool; `participant` in
/// `0..<ThreadPool.shared.threadCount` names the thread (see `ThreadPool`).
public func parallelFor(_ count: Int, _ body: (Int, Int) -> Void) {
    ThreadPool.shared.parallelFor(count, body)
}
