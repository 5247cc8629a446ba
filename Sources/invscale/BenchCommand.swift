import ArgumentParser
import Benchmarks
import Denoisers
import Figures
import FoundationEssentials
import Tensor

/// `invscale bench …`: timings of the building blocks, as text or one JSON object.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time the building blocks (median, min and max of repeated runs).",
        subcommands: [BenchProjector.self, BenchConeBeam.self, BenchDRUNet.self, BenchPnP.self, BenchBlur.self])
}

/// `invscale bench projector`: forward and adjoint of the 2-D parallel-beam projector.
struct BenchProjector: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projector", abstract: "Time ParallelBeam2D forward and adjoint on one N×N image.")

    @Option(help: "Image side N.") var size: Int = 512
    @Option(help: "Number of angles, uniform in [0°, 180°).") var angles: Int = 100
    @Flag(help: "Full detector (ceil(√2·N) cells) instead of circle mode.") var full = false
    @Option(help: "Timed repetitions after one warm-up.") var reps: Int = 5
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard angles > 0 else { throw ValidationError("--angles: expected a positive integer, got \(angles)") }
        guard reps > 0 else { throw ValidationError("--reps: expected a positive integer, got \(reps)") }
    }

    func run() throws {
        try runtime.configure()
        let report = try ProjectorBenchmark.run(size: size, angles: angles, circle: !full, repetitions: reps)
        if json {
            print(try JSONOutput.string(report))
        } else {
            print("projector N=\(report.size) angles=\(report.angles) detectors=\(report.detectors) threads=\(report.threads)")
            for name in ["forward", "adjoint"] {
                if let stats = report.cases[name] { print("  \(name): \(Format.seconds(stats))") }
            }
            if let rss = report.peakRSSMB { print("  peak RSS: \(Int(rss.rounded())) MiB") }
        }
    }
}

/// `invscale bench conebeam`: forward and adjoint of the 3-D cone-beam projector on a walnut-like
/// scan.
struct BenchConeBeam: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conebeam", abstract: "Time ConeBeam3D forward and adjoint on an N³ volume (walnut-like circular scan).")

    @Option(help: "Volume side N.") var size: Int = 256
    @Option(help: "Number of views over 360°.") var views: Int = 100
    @Option(help: "Detector rows,columns.") var detector: String = "384,320"
    @Option(help: "Timed repetitions after the warm-up.") var reps: Int = 3
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard views > 0 else { throw ValidationError("--views: expected a positive integer, got \(views)") }
        guard reps > 0 else { throw ValidationError("--reps: expected a positive integer, got \(reps)") }
        _ = try IntegerList.parse(detector, count: 2, option: "--detector")
    }

    func run() throws {
        try runtime.configure()
        let cells = try IntegerList.parse(detector, count: 2, option: "--detector")
        let report = try ConeBeamBenchmark.run(size: size, views: views, detectorRows: cells[0], detectorColumns: cells[1],
                                               repetitions: reps)
        if json {
            print(try JSONOutput.string(report))
        } else {
            print("conebeam N=\(size) views=\(views) detector=\(cells[0])×\(cells[1]) threads=\(report.threads)")
            for name in ["forward", "adjoint"] {
                guard let stats = report.cases[name], let rate = report.voxelRayUpdatesPerSecond[name] else { continue }
                print("  \(name): \(Format.seconds(stats)), \(NumberText.fixed(rate / 1e9, digits: 3)) × 10⁹ voxel-ray updates/s")
            }
            if let rss = report.peakRSSMB {
                print("  peak RSS: \(Int(rss.rounded())) MiB (volume + projections \(Int(report.dataMB.rounded())) MiB)")
            }
        }
    }
}

/// `invscale bench drunet`: one DRUNet forward pass (random weights of the full architecture by
/// default, as the peers time it).
struct BenchDRUNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drunet", abstract: "Time a DRUNet forward pass on one N×N image (or D×N×N volume).")

    @Option(help: "Image side N.") var size: Int = 256
    @Option(help: "Time the 3-D DRUNet (the model converted by the benchmark's 2-D → 3-D rule) on a D×N×N volume.")
    var depth: Int?
    @Option(help: "Channels per level, 4 comma-separated counts.") var nc: String = "64,128,256,512"
    @Option(help: "Residual blocks per level.") var nb: Int = 4
    @Option(help: "Image channels: 1 (grey) or 3 (colour).") var channels: Int = 1
    @Option(help: "Images (or volumes) per call.") var batch: Int = 1
    @Option(help: "Time this .pth or .safetensors checkpoint instead (its shapes set nc, nb and channels).")
    var weights: String?
    @Option(help: "Timed repetitions after the warm-up.") var reps: Int = 3
    @Option(help: "Instruction set of the Winograd products: avx512, avx2 or portable (default: the best this CPU has; the results are the same bits).")
    var instructionSet: PackedGEMM.InstructionSet?
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard (1...4096).contains(batch) else { throw ValidationError("--batch: expected an integer from 1 to 4096, got \(batch)") }
        guard depth ?? 1 > 0 else { throw ValidationError("--depth: expected a positive integer, got \(depth ?? 0)") }
        guard reps > 0 else { throw ValidationError("--reps: expected a positive integer, got \(reps)") }
        guard channels == 1 || channels == 3 else { throw ValidationError("--channels: expected 1 or 3, got \(channels)") }
    }

    func run() throws {
        try runtime.configure()
        if let instructionSet {
            do { try PackedGEMM.use(instructionSet) } catch { throw ValidationError("--instruction-set: \(error)") }
        }
        let levels = try IntegerList.parse(nc, count: 4, option: "--nc")
        let model = try weights.map { try DRUNet(contentsOf: $0) } ?? DRUNet.random(
            configuration: DRUNetConfiguration(inputChannels: channels, outputChannels: channels, channels: levels, blocks: nb))
        let configuration = model.configuration
        let report = try DRUNetBenchmark.run(model: model, weights: weights ?? "random", size: size, depth: depth,
                                             batch: batch, repetitions: reps)
        if json {
            print(try JSONOutput.string(report))
        } else {
            print("drunet \(depth.map { "3-D D=\($0) " } ?? "")N=\(size) batch \(batch) \(configuration) threads=\(report.threads) \(report.instructionSet)")
            if let stats = report.cases["forward"] { print("  forward: \(Format.seconds(stats))") }
            print("  \(Format.fixed(report.gflop, digits: 1)) GFLOP, \(Format.fixed(report.gflopsPerSecond, digits: 1)) GFLOP/s")
            if let rss = report.peakRSSMB { print("  peak RSS: \(Int(rss.rounded())) MiB") }
            print("  feature maps: \(report.featureMapPeakBytes) bytes at the peak (predicted \(report.predictedFeatureMapBytes))")
        }
    }
}

/// `invscale bench pnp`: PnP iterations on tomography_2d (full-size DRUNet with random weights by
/// default, as the peer benchmark times it), gradient and denoiser steps apart.
struct BenchPnP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pnp", abstract: "Time PnP iterations (gradient step, denoiser step) on tomography_2d or highres_color_image.")

    @Option(help: "tomography_2d or highres_color_image (colour: a 3-channel denoiser, the reference's σ 0.005 and step 0.1).")
    var dataset: String = "tomography_2d"
    @Option(help: "Image side N (highres_color_image: the longest side).") var size: Int = 512
    @Option(help: "Number of operators (angle blocks, or blurs).") var operators: Int = 8
    @Option(help: "Number of projection angles.") var angles: Int = 100
    @Option(help: "Denoiser: random (full-size DRUNet, random weights), bundled, drunet, tv, or a weights file.")
    var denoiser: String = "random"
    @Option(help: "Timed iterations after one warm-up iteration.") var reps: Int = 3
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard PnPBenchmark.datasets.contains(dataset) else {
            throw ValidationError("--dataset: expected \(PnPBenchmark.datasets.joined(separator: " or ")), got '\(dataset)'")
        }
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard operators > 0, operators <= angles || dataset != "tomography_2d" else {
            throw ValidationError("--operators: expected 1…\(angles) (one angle at least per operator), got \(operators)")
        }
        guard angles > 0 else { throw ValidationError("--angles: expected a positive integer, got \(angles)") }
        guard reps > 0 else { throw ValidationError("--reps: expected a positive integer, got \(reps)") }
    }

    func run() throws {
        try runtime.configure()
        let model: any Denoiser, name: String
        if denoiser == "tv" {
            (model, name) = (try TotalVariationDenoiser(), "TV proximal denoiser, 50 dual iterations")
        } else {
            let choice = try DenoiserCatalog.resolve(runWeights: denoiser, channels: dataset == "tomography_2d" ? 1 : 3)
            (model, name) = (choice.model, choice.source)
        }
        let report = try PnPBenchmark.run(dataset: dataset, size: size, operators: operators, angles: angles, denoiser: model,
                                          denoiserName: name, repetitions: reps)
        if json {
            print(try JSONOutput.string(report))
        } else {
            let data = report.angles.map { "\($0) angles over \(operators) operators" } ?? "\(operators) blurs, colour"
            print("pnp \(dataset) N=\(size), \(data), \(name), threads=\(report.threads)")
            for step in ["gradient", "denoise", "iteration"] {
                if let stats = report.cases[step] { print("  \(step): \(Format.seconds(stats))") }
            }
            print("  set-up: \(Format.fixed(report.setupSeconds, digits: 2)) s")
            if let rss = report.peakRSSMB { print("  peak RSS: \(Int(rss.rounded())) MiB") }
        }
    }
}

/// `invscale bench blur`: the gradient step of highres_color_image's blurs, fused in the Fourier
/// domain (what runs use) and operator by operator.
struct BenchBlur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blur", abstract: "Time one gradient step of highres_color_image's circular blurs (fused and per operator) and one blur.")

    @Option(help: "Longest image side S (2048: 1366×2048×3).") var size: Int = 2048
    @Option(help: "Number of blurs.") var operators: Int = 8
    @Option(help: "Timed repetitions after one warm-up.") var reps: Int = 5
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard size >= 8 else { throw ValidationError("--size: expected an integer ≥ 8, got \(size)") }
        guard operators > 0 else { throw ValidationError("--operators: expected a positive integer, got \(operators)") }
        guard reps > 0 else { throw ValidationError("--reps: expected a positive integer, got \(reps)") }
    }

    func run() throws {
        try runtime.configure()
        let report = try BlurBenchmark.run(imageSize: size, operators: operators, repetitions: reps)
        if json { return print(try JSONOutput.string(report)) }
        let shape = report.imageShape
        print("blur S=\(size): \(shape[2])×\(shape[3])×3, \(operators) blurs of \(report.kernelSize)×\(report.kernelSize), threads=\(report.threads)")
        for step in ["gradient", "gradient_per_operator", "blur"] {
            if let stats = report.cases[step] { print("  \(step): \(Format.seconds(stats))") }
        }
        print("  fused vs per-operator gradient: \(report.relativeDifference) relative")
        if let rss = report.peakRSSMB { print("  peak RSS: \(Int(rss.rounded())) MiB") }
    }
}

/// `--instruction-set` by the set's name (avx512, avx2, portable).
extension PackedGEMM.InstructionSet: ExpressibleByArgument {
    public init?(argument: String) {
        guard let named = Self.allCases.first(where: { $0.description == argument }) else { return nil }
        self = named
    }

    public static var allValueStrings: [String] { allCases.map(\.description) }
}
