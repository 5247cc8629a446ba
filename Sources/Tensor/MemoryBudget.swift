#if canImport(Glibc)
import Glibc
#endif

/// The memory this process may still allocate, checked before allocations whose size comes from
/// input (image sides, angle counts, file headers), so that an absurd size gives an error naming
/// what asked for it instead of a failed allocation or the kernel's OOM killer.
///
/// The bytes available are the smaller of `/proc/meminfo`'s MemAvailable and, under a cgroup v2
/// limit, `memory.max − memory.current`; the environment variable `INVSCALE_MEMORY_LIMIT_MB`
/// (whole MiB) replaces both, e.g. to test the checks with a small budget.
public struct MemoryBudget: Sendable, Equatable {
    /// The variable that replaces the machine's figure, in MiB.
    public static let environmentVariable = "INVSCALE_MEMORY_LIMIT_MB"

    /// Bytes that may still be allocated.
    public let availableBytes: Int
    /// Where the figure comes from, for messages (e.g. "MemAvailable in /proc/meminfo").
    public let source: String

    /// A budget of `availableBytes`, described as coming from `source`.
    public init(availableBytes: Int, source: String) {
        self.availableBytes = max(0, availableBytes)
        self.source = source
    }

    /// The budget of this process now: `INVSCALE_MEMORY_LIMIT_MB` when set (an error when it is not
    /// a positive whole number of MiB), else the machine's and the cgroup's figures; unlimited when
    /// neither can be read.
    public static func current() throws -> MemoryBudget {
        if let text = getenv(environmentVariable).map({ String(cString: $0) }) {
            return try fromEnvironment(text)
        }
        var budget = MemoryBudget(availableBytes: Int.max, source: "no memory figure could be read")
        if let available = meminfoAvailable() {
            budget = MemoryBudget(availableBytes: available, source: "MemAvailable in /proc/meminfo")
        }
        if let limit = cgroupLimit(), limit < budget.availableBytes {
            budget = MemoryBudget(availableBytes: limit, source: "the cgroup's memory.max − memory.current")
        }
        return budget
    }

    /// The budget that `INVSCALE_MEMORY_LIMIT_MB` = `text` sets.
    static func fromEnvironment(_ text: String) throws -> MemoryBudget {
        let trimmed = text.filter { !$0.isWhitespace }
        guard let megabytes = Int(trimmed), megabytes > 0,
              case let (bytes, overflow) = megabytes.multipliedReportingOverflow(by: 1 << 20), !overflow else {
            throw TensorError.invalidArgument("\(environmentVariable): expected a positive whole number of MiB, got '\(text.escapingControlCharacters)'")
        }
        return MemoryBudget(availableBytes: bytes, source: environmentVariable)
    }

    /// Throws when `bytes` (nil: a size that overflowed) exceed the budget; `what` names what needs
    /// them, e.g. "tomography_2d img_size 10000000, num_angles 100" or "--angles 1000000000".
    public func require(bytes: Int?, for what: String) throws(MemoryLimitError) {
        guard let bytes, bytes <= availableBytes else {
            throw MemoryLimitError(what: what, bytes: bytes, budget: self)
        }
    }

    /// `factors` multiplied, or nil when the product overflows or a factor is negative.
    public static func product(_ factors: Int...) -> Int? { product(factors) }

    /// `factors` multiplied, or nil when the product overflows or a factor is negative.
    public static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = total.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// `terms` added, or nil when one is nil or the sum overflows.
    public static func sum(_ terms: Int?...) -> Int? {
        var total = 0
        for term in terms {
            guard let term else { return nil }
            let (next, overflow) = total.addingReportingOverflow(term)
            if overflow { return nil }
            total = next
        }
        return total
    }

    /// `bytes` in B, KiB, MiB, GiB, TiB or PiB with one decimal ("1.5 GiB").
    public static func format(bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// MemAvailable of `/proc/meminfo`, in bytes.
    private static func meminfoAvailable() -> Int? {
        guard let text = readSmallFile("/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return product(kilobytes, 1024)
        }
        return nil
    }

    /// `memory.max − memory.current` of this process's cgroup (v2), when it has a limit.
    private static func cgroupLimit() -> Int? {
        guard let membership = readSmallFile("/proc/self/cgroup"),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
        let folder = "/sys/fs/cgroup" + line.dropFirst(3)
        guard let maximum = readSmallFile(folder + "/memory.max").flatMap({ Int($0.filter { !$0.isWhitespace }) }),
              let used = readSmallFile(folder + "/memory.current").flatMap({ Int($0.filter { !$0.isWhitespace }) }) else {
            return nil  // "max" (no limit) or no memory controller
        }
        return max(0, maximum - used)
    }

    /// The text of a small file (at most 64 KiB), or nil when it cannot be read.
    private static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let count = fread(&bytes, 1, bytes.count, file)
        return String(decoding: bytes.prefix(count), as: UTF8.self)
    }
}

/// An allocation refused by `MemoryBudget.require(bytes:for:)`, e.g.
/// `--angles 1000000000: needs 14.9 GiB of memory, more than the 11.2 GiB available (MemAvailable in /proc/meminfo)`.
public struct MemoryLimitError: Error, CustomStringConvertible, Equatable {
    /// What needs the memory (the parameters or the file).
    public let what: String
    /// Bytes needed; nil when the size overflows.
    public let bytes: Int?
    /// The budget exceeded.
    public let budget: MemoryBudget

    /// One line: what, the bytes needed and available, and where the figure comes from.
    public var description: String {
        let needed = bytes.map { "needs \(MemoryBudget.format(bytes: $0)) of memory" } ?? "needs more memory than a 64-bit size can count"
        return "\(what): \(needed), more than the \(MemoryBudget.format(bytes: budget.availableBytes)) available (\(budget.source))"
    }
}
