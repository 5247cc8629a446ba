import CFFTW
import Synchronization

/// FFTW's planner is not thread-safe: every plan in the program is made and destroyed under this
/// one lock. Executing a plan on new arrays (`fftwf_execute_dft_r2c` with arrays of the planning
/// alignment, from `fftwf_alloc_*`) is thread-safe.
enum FFTWPlanner {
    static let lock = Mutex<Void>(())
}

/// A forward (real to complex) and an inverse (complex to real) FFTW plan, handed across the
/// planner lock.
struct FFTWPlanPair: @unchecked Sendable {
    let forward: fftwf_plan
    let inverse: fftwf_plan

    init(forward: fftwf_plan?, inverse: fftwf_plan?) {
        self.forward = forward!
        self.inverse = inverse!
    }

    /// Destroys both plans under the planner lock.
    func destroy() {
        FFTWPlanner.lock.withLock { _ in
            fftwf_destroy_plan(forward)
            fftwf_destroy_plan(inverse)
        }
    }
}
