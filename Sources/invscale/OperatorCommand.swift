import ArgumentParser
import Bench
import Formats
import Physics

/// Options that define a 2-D parallel-beam scan on the command line.
struct ScanOptions: ParsableArguments {
    @Option(help: "Image side N.") var size: Int
    @Option(help: "Number of angles, uniform in [0°, 180°).") var angles: Int
    @Flag(help: "Full detector (ceil(√2·N) cells) instead of circle mode.") var full = false

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard angles > 0 else { throw ValidationError("--angles: expected a positive integer, got \(angles)") }
    }

    func projector() throws -> ParallelBeam2D {
        try ParallelBeam2D(size: size, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: angles), circle: !full)
    }
}

/// `invscale op …`: apply an operator to an array file.
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "op", abstract: "Apply a forward operator or its adjoint to an NPY file.",
        subcommands: [Parallel2DCommand.self])
}

/// `invscale op parallel2d`.
struct Parallel2DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parallel2d",
        abstract: "2-D parallel-beam projection: image [N, N] or [B, C, N, N] → sinogram [A, G] or [B, C, A, G].")

    @OptionGroup var scan: ScanOptions
    @Flag(help: "Apply the adjoint (back projection) to a sinogram instead.") var adjoint = false
    @Argument(help: "Input .npy file (float32 or float64).") var input: String
    @Argument(help: "Output .npy file (float32).") var output: String
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        try runtime.configure()
        let op = try scan.projector()
        let n = scan.size, g = op.geometry.detectorCount
        if adjoint {
            let sinogram = try ArrayLayout.readPlanar(input, lastTwo: (scan.angles, g), expected: "A, G")
            try NPY.write(try sinogram.restore(op.adjoint(sinogram.tensor)), to: output)
        } else {
            let image = try ArrayLayout.readPlanar(input, lastTwo: (n, n), expected: "N, N")
            try NPY.write(try image.restore(op.apply(image.tensor)), to: output)
        }
    }
}

/// `invscale fbp`.
struct FBPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fbp", abstract: "Filtered back projection of a 2-D parallel-beam sinogram [A, G] or [B, C, A, G].")

    @OptionGroup var scan: ScanOptions
    @Argument(help: "Sinogram .npy file.") var input: String
    @Argument(help: "Output image .npy file.") var output: String
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        try runtime.configure()
        let fbp = FilteredBackProjection(projector: try scan.projector())
        let sinogram = try ArrayLayout.readPlanar(input, lastTwo: (scan.angles, fbp.projector.geometry.detectorCount),
                                                  expected: "A, G")
        try NPY.write(try sinogram.restore(fbp.reconstruct(sinogram.tensor)), to: output)
    }
}
