import ArgumentParser
import Results
import Tensor

/// `invscale version`: the release, and the BLAS with the kernel it picked on this machine
/// (results are bit-reproducible for one kernel, not across kernels: docs/determinism.md).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the release and the BLAS kernel in force.")

    func run() {
        print("invscale \(InvScaleVersion.current)")
        print(GEMM.library)
    }
}
