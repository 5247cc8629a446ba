import FoundationEssentials
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The machine a result was measured on: CPU model, cores, memory, host name, and the BLAS with
/// the kernel it picked (results are bit-reproducible for one kernel, not across kernels).
public struct MachineDescription: Codable, Sendable, Equatable {
    public let cpu: String
    public let cores: Int
    public let memoryGiB: Double?
    public let host: String
    /// `GEMM.library`; absent in records written before it was recorded.
    public let blas: String?

    private enum CodingKeys: String, CodingKey {
        case cpu, cores, host, blas
        case memoryGiB = "memory_gib"
    }

    /// This machine (from `/proc/cpuinfo` and `/proc/meminfo` on Linux).
    public static var current: MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        func field(_ text: String, _ name: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
        }
        let kibibytes = field(meminfo, "MemTotal").flatMap { Double($0.split(separator: " ").first ?? "") }
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        return MachineDescription(cpu: field(cpuinfo, "model name") ?? "unknown", cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
                                  memoryGiB: kibibytes.map { ($0 / 1_048_576 * 10).rounded() / 10 }, host: host,
                                  blas: GEMM.library)
    }
}
