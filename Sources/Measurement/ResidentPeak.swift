import Synchronization

/// The peak resident set size of a whole run, although steps reset the kernel's `VmHWM` to measure
/// their own peaks: every reset first folds the peak so far into a running maximum.
public enum ResidentPeak {
    private static let folded = Atomic<Int>(0)

    /// Starts a run's measurement: forgets earlier peaks (an earlier run in this process, the
    /// process's start-up) and resets `VmHWM` to the current resident size.
    public static func startRun() {
        folded.store(0, ordering: .relaxed)
        ProcessMemory.resetPeakResident()
    }

    /// Folds the current `VmHWM` into the running maximum; call before resetting it.
    public static func fold() {
        guard let bytes = ProcessMemory.peakResidentBytes() else { return }
        var seen = folded.load(ordering: .relaxed)
        while bytes > seen {
            let (exchanged, original) = folded.compareExchange(expected: seen, desired: bytes, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    /// The highest resident size since `startRun()`, in bytes (nil where `VmHWM` cannot be read).
    public static var bytes: Int? {
        guard let now = ProcessMemory.peakResidentBytes() else { return nil }
        return max(now, folded.load(ordering: .relaxed))
    }
}
