import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT/SIGTERM handling for runs: the first signal only raises a flag, which the solver loop
/// checks after writing each iteration (it then marks the run `interrupted` and stops); the
/// handlers are reset to the default, so a second signal ends the process at once.
public enum Interruption {
    private static let flag = Atomic<Int32>(0)

    /// Installs the handlers and unblocks the two signals (a parent, e.g. a test runner, may hand
    /// down a mask that blocks them, which would leave them pending forever).
    public static func install() {
        #if canImport(Glibc)
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigaddset(&mask, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                Interruption.flag.store(received, ordering: .relaxed)
                signal(received, SIG_DFL)
            }
        }
        #endif
    }

    /// The signal received, if any.
    public static var received: Int32? {
        let value = flag.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
