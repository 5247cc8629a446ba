import ArgumentParser
import Datasets
import Physics

/// `invscale dataset …`: build a dataset and export it as files.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Build a dataset and export it (NPY arrays, geometry.json, preview.png).",
        subcommands: [Tomography2DCommand.self, Tomography3DCommand.self, HighresColorImageCommand.self])
}

/// `invscale dataset tomography_2d`.
struct Tomography2DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tomography_2d",
        abstract: "Modified Shepp–Logan phantom, 2-D parallel-beam scan split into operators, Gaussian noise.")

    @Option(help: "Image side N.") var imgSize: Int = 512
    @Option(help: "Number of angles, uniform in [0°, 180°).") var numAngles: Int = 100
    @Option(help: "Number of operators (contiguous angle blocks).") var numOperators: Int = 1
    @Option(help: "Standard deviation of the additive noise (sinogram units).") var noiseLevel: Double = 0.01
    @Option(help: "Seed of the noise generator.") var seed: UInt64 = 42
    @Flag(help: "Full detector (ceil(√2·N) cells) instead of circle mode.") var full = false
    @Option(help: "Folder to write the dataset to.") var export: String
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        try runtime.configure()
        let dataset = try Tomography2D(imgSize: imgSize, numOperators: numOperators, numAngles: numAngles,
                                       noiseLevel: noiseLevel, circle: !full, seed: seed)
        let problem = try DatasetExport.export(dataset, to: export)
        print("tomography_2d N=\(imgSize) angles=\(numAngles) operators=\(numOperators) detectors=\(dataset.geometry.detectorCount) noise=\(noiseLevel) seed=\(seed)")
        print("wrote \(export)/ground_truth.npy, measurement_0…\(problem.measurements.count - 1).npy, geometry.json, preview.png")
    }
}

/// `invscale dataset tomography_3d`.
struct Tomography3DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tomography_3d",
        abstract: "The walnut cone-beam scan (real data from --data-dir) or a 3-D Shepp–Logan-type phantom on a walnut-like orbit, views split into operators.")

    @Option(help: "Synthetic phantom: volume side N (N³ voxels), or D,N,N for its middle D slices; the walnut's size comes from its data.")
    var imgSize: String = "128"
    @Option(help: "Views picked from the 1200 of the full scan (linspace indices).") var numProjections: Int = 50
    @Option(help: "Folder with the walnut data (default $INVSCALE_DATA; see `invscale data fetch walnut`); without it, the synthetic phantom.")
    var dataDir: String?
    @Option(help: "Number of operators (contiguous view blocks).") var numOperators: Int = 1
    @Option(help: "Beam: conebeam or parallel3d.") var geometryType: String = "conebeam"
    @Option(help: "true: exact line integrals of the phantom (like measured data); false: the model's projections of its voxels.")
    var useDatasetSinogram: Bool = true
    @Option(help: "Folder to write the dataset to.") var export: String
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        try runtime.configure()
        guard let beam = ["conebeam": ConeBeamGeometry.Beam.cone, "parallel3d": .parallel][geometryType] else {
            throw ValidationError("--geometry-type: expected conebeam or parallel3d, got '\(geometryType)'")
        }
        let size = try IntegerList.parse(imgSize, counts: [1, 3], minimum: 1, option: "--img-size")
        let dataset = try Tomography3D(imgSize: size, numOperators: numOperators, numProjections: numProjections,
                                       geometryType: beam, useDatasetSinogram: useDatasetSinogram, dataDirectory: dataDir)
        print("source: \(dataset.source)")
        let problem = try VolumeExport.export(dataset, to: export)
        let scan = try dataset.geometry()
        let volume = "\(scan.volume.depth)×\(scan.volume.height)×\(scan.volume.width)"
        print("tomography_3d volume=\(volume) views=\(numProjections) operators=\(numOperators) \(geometryType) detector=\(scan.detectorRows)×\(scan.detectorColumns)")
        print("wrote \(export)/ground_truth.npy, measurement_0…\(problem.measurements.count - 1).npy, vectors.npy, geometry.json, preview.png")
    }
}

/// `invscale dataset highres_color_image`.
struct HighresColorImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "highres_color_image",
        abstract: "A colour photograph (CBSD_0010.png from --data-dir, else a synthetic scene) resized to --image-size, blurred by anisotropic Gaussian kernels (circular), noisy, clamped to [0, 1].")

    @Option(help: "Longest image side S (the 481×321 source resized, bicubic).") var imageSize: Int = 2048
    @Option(help: "Number of blurs, kernels at angles linspace(0, 180, n).") var numOperators: Int = 1
    @Option(help: "Standard deviation of the additive noise.") var noiseLevel: Double = 0.1
    @Option(help: "Seed of the noise generator.") var seed: UInt64 = 42
    @Option(help: "Folder with CBSD_0010.png (default $INVSCALE_DATA; see `invscale data fetch highres`); without it, the synthetic scene.")
    var dataDir: String?
    @Option(help: "Folder to write the dataset to.") var export: String
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        try runtime.configure()
        let dataset = try HighresColorImage(imageSize: imageSize, numOperators: numOperators, noiseLevel: noiseLevel, seed: seed,
                                            dataDirectory: DataFolder.resolve(dataDir))
        print("source: \(dataset.source)")
        let problem = try ColourExport.export(dataset, to: export)
        let shape = problem.groundTruth.shape
        print("highres_color_image S=\(imageSize) image=\(shape[2])×\(shape[3])×3 blurs=\(numOperators) σ=(\(dataset.sigma.0), \(dataset.sigma.1)) noise=\(noiseLevel) seed=\(seed)")
        print("wrote \(export)/ground_truth.npy, measurement_0…\(numOperators - 1).npy, kernel_0…\(numOperators - 1).npy, dataset.json, preview.png")
    }
}
