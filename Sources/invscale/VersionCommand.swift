import ArgumentParser
import Results
import Tensor

/// `invscale version`: the release, the BLAS with the kernel it picked on this machine (results
/// of the layers that go through it are bit-reproducible for one kernel, not across kernels:
/// docs/determinism.md), and the instruction set of our own Winograd products.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the release and the BLAS kernel in force.")

    func run() {
        print("invscale \(InvScaleVersion.current)")
        print(GEMM.library)
        print("Winograd products: PackedGEMM, \(PackedGEMM.instructionSet) (best on this CPU: \(PackedGEMM.best))")
    }
}
