// swift-tools-version:6.0
// InvScale: large-scale imaging inverse problems (CT first) with plug-and-play solvers.
// Module layout and dependency direction: docs/architecture.md (arrows point down only).
import PackageDescription

// Release builds compile only the numeric kernels without overflow and bounds checks
// (-Ounchecked); everything that parses input, plans, launches or writes keeps Swift's checks,
// so a wrong size from a file or a config traps or errors instead of wrapping silently.
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "InvScale",
    products: [
        .executable(name: "invscale", targets: ["invscale"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, each behind a small shim header.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CTIFF", path: "Sources/CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi",
                       providers: [.apt(["libopenmpi-dev"])]),

        // The bundled model files assembled into the executable (.incbin of Resources/weights/).
        .target(name: "BundledWeights", cSettings: [.headerSearchPath("../../Resources/weights")]),

        .target(name: "SafeFiles"),
        // prctl (variadic in C, so not callable from Swift) behind one plain function.
        .target(name: "CProcessControl"),
        // Register-blocked matrix products with AVX-512 or AVX2 chosen at run time; optimised in
        // every configuration (debug tests would otherwise run intrinsics at -O0).
        .target(name: "CPackedGEMM", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Tensor", dependencies: ["CBLAS", "CPackedGEMM"], swiftSettings: kernelSettings),
        // Winograd's tile transforms, vectorised for the same instruction sets; no contraction into
        // fused multiply-adds, so that every set gives the same bits.
        .target(name: "CWinogradTransforms", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        .target(name: "Processes"),
        .target(name: "Measurement", dependencies: ["Tensor"]),
        .target(name: "Formats", dependencies: ["Tensor", "SafeFiles", "CZlib", "CTIFF"]),
        .target(name: "Figures", dependencies: ["Tensor", "Formats"]),
        .target(name: "Physics", dependencies: ["Tensor", "CFFTW"], swiftSettings: kernelSettings),
        .target(name: "Metrics", dependencies: ["Tensor"], swiftSettings: kernelSettings),
        .target(name: "Communication", dependencies: ["Tensor"], swiftSettings: kernelSettings),
        .target(name: "MPICommunication", dependencies: ["Communication", "Tensor", "CMPI"], swiftSettings: kernelSettings),
        .target(name: "Denoisers", dependencies: ["Tensor", "Formats", "Communication", "Processes", "BundledWeights", "CWinogradTransforms"],
                swiftSettings: kernelSettings),
        .target(name: "Datasets", dependencies: ["Tensor", "Physics", "Formats", "Figures", "Communication"]),
        .target(name: "Solvers", dependencies: ["Tensor", "Physics", "Denoisers", "Communication"], swiftSettings: kernelSettings),
        .target(name: "Experiment", dependencies: [
            "Tensor", "Physics", "Datasets", "Denoisers", "Solvers", "Communication", "Figures",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Results", dependencies: ["Experiment", "Measurement", "SafeFiles", "Tensor"]),
        .target(name: "Planner", dependencies: ["Experiment", "Results", "Denoisers", "Physics", "Solvers", "SafeFiles", "Tensor"]),
        .target(name: "Runner", dependencies: [
            "Experiment", "Results", "Measurement", "Metrics", "Figures", "Formats", "Solvers", "Denoisers", "Communication", "Tensor",
        ]),
        .target(name: "Launchers", dependencies: [
            "Runner", "Results", "Experiment", "Measurement", "Figures", "Communication", "Processes", "SafeFiles", "CProcessControl", "Tensor",
        ]),
        .target(name: "Benchmarks", dependencies: ["Measurement", "Tensor", "Physics", "Denoisers", "Datasets", "Solvers", "Metrics", "Planner"]),
        .target(name: "Report", dependencies: ["Results", "Experiment", "Figures", "SafeFiles"]),
        .executableTarget(name: "invscale", dependencies: [
            "Tensor", "Formats", "Physics", "Metrics", "Denoisers", "Datasets", "Communication", "MPICommunication", "Experiment",
            "Results", "Runner", "Launchers", "Benchmarks", "Report", "SafeFiles", "Measurement", "Figures", "Planner", "Processes",
            "CProcessControl",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "SafeFilesTests", dependencies: ["SafeFiles"]),
        .testTarget(name: "MeasurementTests", dependencies: ["Measurement"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Tensor", "CZlib"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Formats", "Tensor"]),
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "Datasets", "Metrics", "Tensor"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CommunicationTests", dependencies: ["Communication", "Tensor"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Physics", "Formats", "Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DenoisersTests", dependencies: ["Denoisers", "Communication", "Formats", "Datasets", "Metrics", "Tensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SolversTests", dependencies: ["Solvers", "Datasets", "Denoisers", "Physics", "Formats", "Metrics", "Communication", "Tensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ExperimentTests", dependencies: ["Experiment", "Tensor"]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "Results", "Experiment", "Datasets", "Metrics"]),
        .testTarget(name: "LaunchersTests", dependencies: ["Launchers", "Results", "Experiment", "SafeFiles", "Tensor"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Results"]),
        .testTarget(name: "PlannerTests", dependencies: ["Planner", "Experiment", "Results", "Denoisers", "Communication", "Tensor"]),
        .testTarget(name: "CLITests", dependencies: ["invscale", "Formats", "Planner", "Tensor"]),
    ]
)
