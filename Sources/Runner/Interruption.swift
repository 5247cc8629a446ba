import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP handling for runs. The first signal only raises a flag, which the
/// solver loop checks after writing each iteration (it then marks the run `interrupted` and
/// stops) and the launchers forward to the ranks. A second signal ends the process at once, but
/// first writes the run's `EmergencyRecord` (status `interrupted`), so a double Ctrl-C never
/// leaves `run.json` saying `running`.
public enum Interruption {
    /// The signals handled (a closed terminal, SIGHUP, counts as a request to stop).
    public static let signals = [SIGINT, SIGTERM, SIGHUP]
    private static let flag = Atomic<Int32>(0)
    private static let count = Atomic<Int>(0)

    /// Installs the handlers (and `EmergencyRecord`'s crash handlers) and unblocks the signals (a
    /// parent, e.g. a test runner, may hand down a mask that blocks them, which would leave them
    /// pending forever).
    public static func install() {
        EmergencyRecord.installCrashHandlers()
        #if canImport(Glibc)
        var mask = sigset_t()
        sigemptyset(&mask)
        for signalNumber in signals { sigaddset(&mask, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        for signalNumber in signals {
            signal(signalNumber) { received in
                if Interruption.count.add(1, ordering: .relaxed).newValue >= 2 {
                    EmergencyRecord.writeAndExit(code: 128 + received)
                }
                Interruption.flag.store(received, ordering: .relaxed)
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
