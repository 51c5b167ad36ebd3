// swift-tools-version: 6.1
// MixupLab: Mixup and MixupE as a research toolkit on Linux (CPU, OpenBLAS).
import PackageDescription



let package = Package(
    name: "MixupLab",
    products: [
        .library(name: "MixupCore", targets: ["MixupCore"]),
        .library(name: "MixupNN", targets: ["MixupNN"]),
        .library(name: "MixupRegularizers", targets: ["MixupRegularizers"]),
        .library(name: "MixupTraining", targets: ["MixupTraining"]),
        .library(name: "MixupExperiments", targets: ["MixupExperiments"]),
        .library(name: "MixupLabCLI", targets: ["MixupLabCLI"]),
        // `import MixupLab` gives every user-facing module (engine, layers, regularizers, training,
        // experiments, data adapters, the command line) in one line.
        .library(name: "MixupLab", targets: ["MixupLab"]),
        // The same umbrella as a shared library, for regularizer plugins loaded with
        // `mixuplab --plugin PATH`: a plugin links it so its references to MixupLab bind to the
        // host's definitions (one registry), see README "Your own regularizer".
        .library(name: "MixupLabDynamic", type: .dynamic, targets: ["MixupLab"]),
        .executable(name: "mixuplab", targets: ["mixuplab"]),
        .plugin(name: "CompareQPlugin", targets: ["CompareQPlugin"]),
        .plugin(name: "AblatePlugin", targets: ["AblatePlugin"]),
        .library(name: "TabularData", targets: ["TabularData"]),
        .library(name: "GraphData", targets: ["GraphData"]),
        .library(name: "ImageData", targets: ["ImageData"]),
        .library(name: "SpeechData", targets: ["SpeechData"]),
        .library(name: "SafeTensors", targets: ["SafeTensors"]),
        // The seeded generators (SplitMix64, xoshiro256**), e.g. for the fuzz harnesses' replayable draws.
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (the MixupLab.docc catalog); a command plugin only, never linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Sweep grids are written in YAML (`mixuplab sweep GRID`).
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev liblapacke-dev libfftw3-dev zlib1g-dev).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        // Version-stable seeded draws shared by the engine and every dataset adapter.
        .target(name: "SeededRandom"),

        // Hand-vectorised C kernels (direct small-channel convolution, 2×2 max pooling), compiled
        // per instruction set and chosen at load time.
        .target(name: "CKernels"),

        // Engine and layers.
        .target(name: "MixupCore", dependencies: [
            "CBLAS", "CKernels", "SeededRandom", .product(name: "RealModule", package: "swift-numerics"),
        ]),
        .target(name: "SafeTensors", dependencies: ["DataFiles"]),
        .target(name: "MixupNN", dependencies: ["MixupCore", "CKernels", "SafeTensors", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "MixupRegularizers", dependencies: ["MixupNN"]),
        .target(name: "MixupTraining", dependencies: ["MixupRegularizers", "SafeTensors", "DataFiles"]),
        .target(name: "MixupExperiments", dependencies: [
            "MixupTraining", "TabularData", "GraphData", "ImageData", "SpeechData", "DataFiles", .product(name: "Yams", package: "Yams"),
        ]),
        // The command line as a library (so user packages can add regularizers and reuse it) …
        .target(name: "MixupLabCLI", dependencies: [
            "MixupExperiments", "DataFiles", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // … the umbrella module that re-exports everything a user package needs …
        .target(name: "MixupLab", dependencies: [
            "MixupCore", "MixupNN", "MixupRegularizers", "MixupTraining", "MixupExperiments",
            "TabularData", "ImageData", "SpeechData", "GraphData", "SafeTensors", "MixupLabCLI",
        ]),
        // … and the `mixuplab` executable, which only calls it. Its symbols are exported
        // (`--export-dynamic`) so that a plugin loaded with `--plugin` binds its references to
        // MixupLab to this executable's copy — one `RegularizerRegistry`, not two.
        .executableTarget(name: "mixuplab", dependencies: ["MixupCore", "MixupLabCLI"],
                          linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]),

        // Times training steps of the peer-comparison workloads (Benchmarks/compare.sh); not a product.
        .executableTarget(name: "mixuplab-step-bench",
                          dependencies: ["MixupCore", "MixupNN", "MixupTraining",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Sources/StepBenchmark"),

        // Dataset adapters: one module per domain, none of them knows about training.
        // Reasons for failed reads, writes, folder creation and listing in the operating system's words, shared by
        // the data adapters, safetensors files, run directories and the command line.
        .target(name: "DataFiles"),
        .target(name: "TabularData", dependencies: ["SeededRandom"]),
        .target(name: "GraphData", dependencies: ["DataFiles", "SeededRandom"]),
        .target(name: "ImageData", dependencies: ["CZlib", "DataFiles", "SeededRandom"]),
        .target(name: "SpeechData", dependencies: ["CFFTW", "CZlib", "DataFiles", "SeededRandom"]),

        // `swift package compare-q …` / `swift package ablate …` run the same code as the command line:
        // they build `mixuplab` in release themselves (a plugin dependency would be a debug build,
        // and a second, "-tool" copy of every module in each release build).
        .plugin(name: "CompareQPlugin",
                capability: .command(intent: .custom(verb: "compare-q", description: "Exact vs approximate q during training (mixuplab compare-q)"),
                                     permissions: [.writeToPackageDirectory(reason: "writes results under runs/")])),
        .plugin(name: "AblatePlugin",
                capability: .command(intent: .custom(verb: "ablate", description: "Four-arm ablation over seeds (mixuplab ablate)"),
                                     permissions: [.writeToPackageDirectory(reason: "writes results under runs/")])),

        // Helpers every test target shares: finite differences, temporary files, the shared-data locator.
        .target(name: "MixupTestSupport", dependencies: ["MixupCore"], path: "Tests/MixupTestSupport"),

        .testTarget(name: "MixupCoreTests", dependencies: ["MixupCore", "CKernels", "CBLAS", "MixupTestSupport"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "MixupTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "MixupNNTests", dependencies: ["MixupNN", "MixupTestSupport"]),
        .testTarget(name: "MixupRegularizersTests", dependencies: ["MixupRegularizers"]),
        .testTarget(name: "MixupTrainingTests", dependencies: ["MixupTraining", "TabularData", "MixupTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "MixupExperimentsTests", dependencies: ["MixupExperiments", "MixupTestSupport"]),
        .testTarget(name: "TabularDataTests", dependencies: ["TabularData", "SeededRandom", "MixupTestSupport"]),
        .testTarget(name: "GraphDataTests", dependencies: ["GraphData", "SeededRandom", "MixupTestSupport"]),
        .testTarget(name: "ImageDataTests", dependencies: ["ImageData", "SeededRandom", "MixupTestSupport"]),
        .testTarget(name: "MixupLabCLITests", dependencies: [
            "MixupLabCLI", "MixupExperiments", "MixupTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SpeechDataTests", dependencies: ["SpeechData", "SeededRandom", "MixupTestSupport"]),
        // Malformed and unusual inputs for every data adapter, each asserting its clear error (file, line/offset,
        // cause), plus the valid variants read correctly; large cases are generated at test time.
        .testTarget(name: "BadInputTests", dependencies: [
            "TabularData", "ImageData", "SpeechData", "GraphData", "MixupExperiments", "MixupLabCLI", "MixupTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    // Swift 5 language mode: the tape's nodes are reference types shared within one thread;
    // strict-concurrency annotations would add ceremony without catching real bugs here.
    swiftLanguageModes: [.v5]
)
