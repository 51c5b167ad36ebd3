// swift-tools-version: 6.1
// MixupLab's speed benchmarks (ordo-one/package-benchmark). A package of its own, so the main
// `swift build` / `swift test` never compile the benchmark framework.
// Run: `cd Benchmarks && swift package benchmark` (see README.md).
import PackageDescription

let package = Package(
    name: "MixupLabBenchmarks",
    dependencies: [
        .package(name: "MixupLab", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Raw OpenBLAS, so the benchmarks can time `cblas_sgemm` next to the same product through
        // `Tensor` (the root package's own CBLAS target is not exported as a product).
        .systemLibrary(name: "CBLASRaw", path: "Sources/CBLASRaw", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                "CBLASRaw",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MixupCore", package: "MixupLab"),
                .product(name: "MixupNN", package: "MixupLab"),
                .product(name: "MixupTraining", package: "MixupLab"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
