// swift-tools-version: 6.1
// One user-defined regularizer (`logit-l2`), built both ways MixupLab supports:
//  - `custom-mixuplab`: an executable with the regularizer compiled in (links MixupLab statically);
//  - `LogitPenaltyPlugin`: a dynamic library that `mixuplab --plugin PATH` loads (links the
//    MixupLabDynamic product, so it shares the host's RegularizerRegistry).
import PackageDescription

let package = Package(
    name: "CustomRegularizer",
    products: [
        .executable(name: "custom-mixuplab", targets: ["custom-mixuplab"]),
        .library(name: "LogitPenaltyPlugin", type: .dynamic, targets: ["LogitPenaltyPlugin"]),
    ],
    dependencies: [
        // `name:` pins the identity used below, whatever the checkout directory is called.
        .package(name: "MixupLab", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "custom-mixuplab",
                          dependencies: [.product(name: "MixupLab", package: "MixupLab")]),
        // Sources/LogitPenaltyPlugin/LogitPenalty.swift is a symlink to the executable's copy:
        // one regularizer, compiled into each product.
        .target(name: "LogitPenaltyPlugin",
                dependencies: [.product(name: "MixupLabDynamic", package: "MixupLab")]),
    ],
    swiftLanguageModes: [.v5]
)
