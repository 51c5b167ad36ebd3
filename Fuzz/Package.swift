// swift-tools-version: 6.1
// libFuzzer harnesses for every MixupLab file parser: one executable per parser. A package of its own (like
// Benchmarks/), so the main `swift build` / `swift test` never compile with the fuzzer sanitizer.
// Build and run through `scripts/fuzz.sh` (see CONTRIBUTING.md "Fuzzing"); it builds with
//   swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library \
//               -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
import PackageDescription

/// One harness: an executable whose `<Name>_main` hands control to libFuzzer's driver.
func harness(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name,
                      dependencies: ["FuzzSupport"] + extra + products.map { .product(name: $0, package: "MixupLab") })
}

let package = Package(
    name: "MixupLabFuzz",
    dependencies: [
        .package(name: "MixupLab", path: ".."),
    ],
    targets: [
        // zlib, to gzip fuzz inputs for the IDX harness (the root package's CZlib target is not a product).
        .systemLibrary(name: "CZlibFuzz", path: "Sources/CZlibFuzz", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // The libFuzzer entry, scratch files under /dev/shm, input splitting and invariant checks.
        .target(name: "FuzzSupport", dependencies: ["CZlibFuzz"]),
        // Invariants of a parsed table and of the splits built from it, shared by the CSV and ARFF harnesses.
        .target(name: "FuzzTabularChecks", dependencies: [
            "FuzzSupport", .product(name: "TabularData", package: "MixupLab"), .product(name: "SeededRandom", package: "MixupLab"),
        ]),
        harness("FuzzCSV", ["TabularData"], extra: ["FuzzTabularChecks"]),
        harness("FuzzARFF", ["TabularData"], extra: ["FuzzTabularChecks"]),
        harness("FuzzIDX", ["ImageData"]),
        harness("FuzzCIFAR", ["ImageData"]),
        harness("FuzzWAV", ["SpeechData"]),
        harness("FuzzTU", ["GraphData"]),
        harness("FuzzSafeTensors", ["SafeTensors"]),
        harness("FuzzRunConfig", ["MixupTraining", "SafeTensors"]),
    ],
    swiftLanguageModes: [.v5]
)
