// swift-tools-version:6.0
// InvScale: large-scale imaging inverse problems (CT first) with plug-and-play solvers.
// Module layout and dependency direction: see the Architecture section of README.md (arrows point down only).
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
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: kernelSettings),
        .target(name: "Formats", dependencies: ["Tensor", "SafeFiles", "CZlib", "CTIFF"]),
        .target(name: "Physics", dependencies: ["Tensor", "CFFTW"], swiftSettings: kernelSettings),
        .target(name: "Metrics", dependencies: ["Tensor"], swiftSettings: kernelSettings),
        .target(name: "Denoisers", dependencies: ["Tensor", "Formats", "BundledWeights"], swiftSettings: kernelSettings),
        .target(name: "Datasets", dependencies: ["Tensor", "Physics", "Formats"]),
        .target(name: "Distributed", dependencies: ["Tensor", "Denoisers", "CMPI"], swiftSettings: kernelSettings),
        .target(name: "Solvers", dependencies: ["Tensor", "Physics", "Denoisers", "Distributed"], swiftSettings: kernelSettings),
        .target(name: "Report", dependencies: ["SafeFiles"]),
        .target(name: "Bench", dependencies: [
            "Tensor", "Formats", "Physics", "Denoisers", "Datasets", "Metrics", "Solvers", "Distributed", "Report", "SafeFiles", "CProcessControl",
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "invscale", dependencies: [
            "Tensor", "Formats", "Physics", "Metrics", "Denoisers", "Datasets", "Distributed", "Report", "Bench", "SafeFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "Datasets", "Metrics"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Formats"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Formats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DenoisersTests", dependencies: ["Denoisers", "Formats", "Datasets", "Metrics"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["invscale", "Formats"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "Denoisers"]),
        .testTarget(name: "SolversTests", dependencies: ["Solvers", "Datasets", "Metrics", "Distributed"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench"]),
        .testTarget(name: "ReportTests", dependencies: ["Report"]),
        .testTarget(name: "SafeFilesTests", dependencies: ["SafeFiles"]),
    ]
)
