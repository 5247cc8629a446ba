#if canImport(Glibc)
import Glibc
#endif

/// A fault injected for the fault-tolerance tests, from the hidden environment variable
/// `INVSCALE_DEBUG_FAIL=RANK:ITERATION:MODE` (MODE `throw`: the rank throws an error after that
/// iteration's steps; `crash`: the process kills itself with SIGKILL, as an out-of-memory kill would;
/// `stop`: it stops itself with SIGSTOP, as a frozen or hung rank would look; `trap`: a Swift runtime
/// trap, as a failed allocation ends).
struct DebugFault: Sendable {
    /// The variable's name.
    static let variable = "INVSCALE_DEBUG_FAIL"

    let rank: Int
    let iteration: Int
    let mode: String

    /// The fault the environment asks for, if any (a malformed value is ignored: this is a test hook).
    static var current: DebugFault? {
        guard let text = getenv(variable).map({ String(cString: $0) }) else { return nil }
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 3, let rank = Int(parts[0]), let iteration = Int(parts[1]), ["throw", "crash", "stop", "trap"].contains(parts[2]) else {
            return nil
        }
        return DebugFault(rank: rank, iteration: iteration, mode: parts[2])
    }

    /// Fails when `rank` and `iteration` are the configured ones.
    func trigger(rank: Int, iteration: Int) throws {
        guard rank == self.rank, iteration == self.iteration else { return }
        if mode == "crash" { kill(getpid(), SIGKILL) }
        if mode == "trap" { fatalError("injected trap (\(DebugFault.variable)) on rank \(rank) at iteration \(iteration)") }
        if mode == "stop" {
            kill(getpid(), SIGSTOP)
            return
        }
        throw InjectedFault(rank: rank, iteration: iteration)
    }
}

/// The error `DebugFault` throws.
struct InjectedFault: Error, CustomStringConvertible {
    let rank: Int
    let iteration: Int
    var description: String { "injected fault (\(DebugFault.variable)) on rank \(rank) at iteration \(iteration)" }
}
