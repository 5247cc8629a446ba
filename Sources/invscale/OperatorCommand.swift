import ArgumentParser
import Formats
import Physics
import Tensor

/// Options that define a 2-D parallel-beam scan on the command line.
struct ScanOptions: ParsableArguments {
    @Option(help: "Image side N.") var size: Int
    @Option(help: "Number of angles, uniform in [0°, 180°).") var angles: Int
    @Flag(help: "Full detector (ceil(√2·N) cells) instead of circle mode.") var full = false

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard angles > 0 else { throw ValidationError("--angles: expected a positive integer, got \(angles)") }
    }

    /// The projector, once its memory fits in the budget (checked before its angles are made).
    func projector() throws -> ParallelBeam2D {
        try MemoryBudget.current().require(bytes: ScanMemory.parallelBeam2D(size: size, angles: angles, circle: !full),
                                           for: "--size \(size), --angles \(angles)")
        return try ParallelBeam2D(size: size, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: angles), circle: !full)
    }
}

/// `invscale op …`: apply an operator to an array file.
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "op", abstract: "Apply a forward operator or its adjoint to an NPY file.",
        subcommands: [Parallel2DCommand.self, ConeBeamCommand.self, BlurCommand.self])
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
            let sinogram = try ArrayLayout.read(input, trailing: [scan.angles, g], expected: "A, G")
            try NPY.write(try sinogram.restore(op.adjoint(sinogram.tensor)), to: output)
        } else {
            let image = try ArrayLayout.read(input, trailing: [n, n], expected: "N, N")
            try NPY.write(try image.restore(op.apply(image.tensor)), to: output)
        }
    }
}

/// `invscale op conebeam`.
struct ConeBeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conebeam",
        abstract: "3-D cone- or parallel-beam projection: volume [D, H, W] or [B, C, D, H, W] → projections [R, V, U] or [B, C, R, V, U] (detector rows, views, detector columns).")

    @Option(help: "Volume D,H,W (slices, rows, columns).") var volume: String
    @Option(help: "Views, evenly over 360° (cone) or 180° (parallel); with --vectors, their count.") var views: Int?
    @Option(help: "Detector rows,columns.") var detector: String
    @Option(help: "Source–axis distance (cone).") var sod: Double = 0
    @Option(help: "Source–detector distance (cone).") var sdd: Double = 0
    @Option(help: "Voxel size (all axes).") var voxelSize: Double = 1
    @Option(help: "Detector cell size (both directions).") var pitch: Double = 1
    @Option(help: "Beam: cone or parallel.") var beam: String = "cone"
    @Option(help: "Per-view geometry [V, 12] .npy (ASTRA cone_vec / parallel3d_vec rows); replaces the circular orbit.")
    var vectors: String?
    @Flag(help: "Apply the adjoint (back projection) to projections instead.") var adjoint = false
    @Argument(help: "Input .npy file (float32 or float64).") var input: String
    @Argument(help: "Output .npy file (float32).") var output: String
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        _ = try IntegerList.parse(volume, count: 3, option: "--volume")
        _ = try IntegerList.parse(detector, count: 2, option: "--detector")
        guard let kind = ConeBeamGeometry.Beam(rawValue: beam) else {
            throw ValidationError("--beam: expected cone or parallel, got '\(beam)'")
        }
        guard voxelSize > 0, pitch > 0 else { throw ValidationError("--voxel-size and --pitch: expected positive sizes, got \(voxelSize), \(pitch)") }
        if vectors == nil {
            guard let views, views > 0 else { throw ValidationError("--views: expected a positive integer (or --vectors FILE)") }
            if kind == .cone, !(sod > 0 && sdd > sod) {
                throw ValidationError("--sod, --sdd: expected 0 < source–axis distance < source–detector distance, got \(sod), \(sdd)")
            }
        }
    }

    func geometry() throws -> ConeBeamGeometry {
        let shape = try IntegerList.parse(volume, count: 3, option: "--volume")
        let cells = try IntegerList.parse(detector, count: 2, option: "--detector")
        let kind = ConeBeamGeometry.Beam(rawValue: beam) ?? .cone
        try MemoryBudget.current().require(bytes: ScanMemory.volumeScan(volume: shape, views: views ?? 1, rows: cells[0], columns: cells[1]),
                                           for: "--volume \(volume), --views \(views ?? 1), --detector \(detector)")
        let box = try VolumeGeometry(depth: shape[0], height: shape[1], width: shape[2], voxelSize: SIMD3(repeating: voxelSize))
        if let vectors {
            let table = try NPY.read(path: vectors)
            guard table.rank == 2, table.shape[1] == 12, views == nil || views == table.shape[0] else {
                throw FormatError(file: vectors, "expected geometry vectors [V, 12]\(views.map { " with V = \($0) (--views)" } ?? ""), got shape \(table.shape)")
            }
            let numbers = table.withUnsafeBufferPointer { $0.map(Double.init) }
            let list = try (0..<table.shape[0]).map { try DetectorView(vector: Array(numbers[(12 * $0)..<(12 * $0 + 12)])) }
            return try ConeBeamGeometry(beam: kind, volume: box, detectorRows: cells[0], detectorColumns: cells[1], views: list)
        }
        let count = views ?? 1
        if kind == .parallel {
            return try .circularParallel(volume: box, detectorRows: cells[0], detectorColumns: cells[1], pixelPitch: (pitch, pitch),
                                         anglesDegrees: (0..<count).map { 180 * Double($0) / Double(count) })
        }
        return try .circularCone(volume: box, detectorRows: cells[0], detectorColumns: cells[1], pixelPitch: (pitch, pitch),
                                 sourceToAxis: sod, sourceToDetector: sdd, anglesDegrees: (0..<count).map { 360 * Double($0) / Double(count) })
    }

    func run() throws {
        try runtime.configure()
        let op = ConeBeam3D(geometry: try geometry())
        let range = Array(op.rangeShape(batch: 1, channels: 1).dropFirst(2)), domain = Array(op.domainShape(batch: 1, channels: 1).dropFirst(2))
        if adjoint {
            let projections = try ArrayLayout.read(input, trailing: range, expected: "R, V, U")
            try NPY.write(try projections.restore(op.adjoint(projections.tensor)), to: output)
        } else {
            let volume = try ArrayLayout.read(input, trailing: domain, expected: "D, H, W")
            try NPY.write(try volume.restore(op.apply(volume.tensor)), to: output)
        }
    }
}

/// `invscale op blur`.
struct BlurCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blur",
        abstract: "Circular blur by a kernel [k, k] (k odd), the same on every channel: image [H, W] or [B, C, H, W] → same shape; y[i,j] = Σ K[a,b]·x[(i−a+c) mod H, (j−b+c) mod W], c = k/2.")

    @Option(help: "Kernel .npy file [k, k], k odd (e.g. kernel_0.npy of `invscale dataset highres_color_image`).") var kernel: String
    @Flag(help: "Apply the adjoint (the correlation) instead.") var adjoint = false
    @Argument(help: "Input .npy file (float32 or float64).") var input: String
    @Argument(help: "Output .npy file (float32).") var output: String
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        try runtime.configure()
        let size = try NPY.read(path: kernel).shape
        guard size.count == 2, size[0] == size[1], size[0] % 2 == 1 else {
            throw FormatError(file: kernel, "expected a square kernel [k, k] with k odd, got shape \(size)")
        }
        let taps = try ArrayLayout.read(kernel, trailing: size, expected: "k, k").tensor.reshaped(size)
        let shape = try NPY.read(path: input).shape
        guard shape.count == 2 || shape.count == 4 else {
            throw FormatError(file: input, "expected an image [H, W] or [B, C, H, W], got shape \(shape)")
        }
        let image = try ArrayLayout.read(input, trailing: Array(shape.suffix(2)), expected: "H, W")
        let blur = try CircularBlur(kernel: taps, height: shape[shape.count - 2], width: shape[shape.count - 1])
        try NPY.write(try image.restore(adjoint ? blur.adjoint(image.tensor) : blur.apply(image.tensor)), to: output)
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
        let sinogram = try ArrayLayout.read(input, trailing: [scan.angles, fbp.projector.geometry.detectorCount],
                                                  expected: "A, G")
        try NPY.write(try sinogram.restore(fbp.reconstruct(sinogram.tensor)), to: output)
    }
}
