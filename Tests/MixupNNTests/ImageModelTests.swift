import MixupCore
import MixupNN
import XCTest

/// The image models: output shapes at small widths, PyTorch-like parameter names and counts,
/// clear errors for inputs a model cannot take, and batch-statistics flags.
final class ImageModelTests: XCTestCase {
    func images(_ shape: [Int], seed: UInt64 = 1) -> Variable<Float> {
        var rng = SeededGenerator(seed: seed)
        return Variable(constant: .normal(shape: shape, using: &rng))
    }

    func testLeNetFlattenSizeFollowsTheInputShape() throws {
        var rng = SeededGenerator(seed: 1)
        // (H − 4)/2 − 4)/2 per axis, 16 channels; derived by hand for each input.
        for (shape, flat) in [([1, 28, 28], 16 * 4 * 4), ([3, 32, 32], 16 * 5 * 5), ([1, 160, 101], 16 * 37 * 22)] {
            let net = try LeNet5<Float>(inputShape: shape, classCount: 10, using: &rng)
            XCTAssertEqual(net.flattenedSize, flat, "\(shape)")
            XCTAssertEqual(net(images([2] + shape)).shape, [2, 10], "\(shape)")
            XCTAssertEqual(net.fc1.inputSize, flat)
        }
        let padded = try LeNet5<Float>(inputShape: [1, 28, 28], classCount: 10, firstPadding: 2, using: &rng)
        XCTAssertEqual(padded.flattenedSize, 400, "the classic padded 28×28 LeNet matches the 32×32 original")
        XCTAssertEqual(padded.namedParameters.map(\.name),
                       ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                        "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
        XCTAssertEqual(padded.parameterCount, 6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10)
        XCTAssertFalse(padded.usesBatchStatistics)
    }

    func testLeNetRejectsTooSmallInputWithAClearError() {
        var rng = SeededGenerator(seed: 2)
        XCTAssertThrowsError(try LeNet5<Float>(inputShape: [1, 12, 12], classCount: 10, using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("LeNet-5") && "\(error)".contains("12×12"), "\(error)")
        }
        XCTAssertThrowsError(try LeNet5<Float>(inputShape: [28, 28], classCount: 10, using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("[channels, height, width]"), "\(error)")
        }
    }

    func testVGGShapesNamesAndWidthMultiplier() throws {
        var rng = SeededGenerator(seed: 3)
        let vgg11 = try VGG<Float>(depth: .vgg11, inputShape: [3, 32, 32], classCount: 10, widthMultiplier: 0.125, using: &rng)
        XCTAssertEqual(vgg11(images([2, 3, 32, 32])).shape, [2, 10])
        let names = vgg11.namedParameters.map(\.name)
        // torchvision vgg11_bn indices: conv 0, bn 1, relu 2, pool 3, conv 4, bn 5, …
        XCTAssertEqual(Array(names.prefix(8)), ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                                                "features.4.weight", "features.4.bias", "features.5.weight", "features.5.bias"])
        XCTAssertEqual(names.suffix(2), ["classifier.weight", "classifier.bias"])
        XCTAssertEqual(names.filter { $0.hasSuffix(".weight") }.count, 8 * 2 + 1, "8 convs, 8 batch norms, 1 classifier")
        XCTAssertEqual(vgg11.features.compactMap { if case .convolution(let c) = $0 { return c.outputChannels } else { return nil } },
                       [8, 16, 32, 32, 64, 64, 64, 64])
        XCTAssertEqual(vgg11.flattenedSize, 64, "five 2×2 pools take 32×32 to 1×1")
        let vgg13 = try VGG<Float>(depth: .vgg13, inputShape: [1, 40, 36], classCount: 7, widthMultiplier: 0.0625, using: &rng)
        XCTAssertEqual(vgg13(images([3, 1, 40, 36])).shape, [3, 7])
        XCTAssertEqual(vgg13.namedParameters.filter { $0.name.hasSuffix(".weight") }.count, 10 * 2 + 1)
        XCTAssertEqual(vgg13.flattenedSize, 32 * 1 * 1)
        XCTAssertTrue(vgg13.usesBatchStatistics)
        vgg13.setTraining(false)
        XCTAssertFalse(vgg13.usesBatchStatistics)
        XCTAssertThrowsError(try VGG<Float>(depth: .vgg11, inputShape: [1, 28, 28], classCount: 10, using: &rng)) { error in
            XCTAssertTrue("\(error)".contains("VGG-11") && "\(error)".contains("28×28"), "\(error)")
        }
    }

    func testPreActResNetShapesNamesAndBlockStructure() throws {
        var rng = SeededGenerator(seed: 4)
        let r18 = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 10, baseWidth: 4, using: &rng)
        XCTAssertEqual(r18(images([2, 3, 8, 8])).shape, [2, 10])
        XCTAssertEqual([r18.layer1.count, r18.layer2.count, r18.layer3.count, r18.layer4.count], [2, 2, 2, 2])
        let names = r18.namedParameters.map(\.name)
        XCTAssertEqual(names.first, "conv1.weight")
        for expected in ["layer1.0.bn1.weight", "layer1.0.conv1.weight", "layer1.1.conv2.weight",
                         "layer2.0.shortcut.0.weight", "layer4.1.bn2.bias", "bn.weight", "linear.weight", "linear.bias"] {
            XCTAssertTrue(names.contains(expected), "missing \(expected)")
        }
        XCTAssertFalse(names.contains("layer1.0.shortcut.0.weight"), "same shape → identity shortcut")
        XCTAssertEqual(r18.linear.inputSize, 32)
        // 16 convs in blocks + stem + 3 shortcuts (stages 2–4) = 20 conv weights, each bias-free.
        XCTAssertEqual(names.filter { $0.contains("conv") || $0.contains("shortcut") }.count, 20)

        let r34 = try PreActResNet<Float>(depth: .resnet34, inputShape: [1, 6, 5], classCount: 3, baseWidth: 2, using: &rng)
        XCTAssertEqual([r34.layer1.count, r34.layer2.count, r34.layer3.count, r34.layer4.count], [3, 4, 6, 3])
        XCTAssertEqual(r34(images([2, 1, 6, 5])).shape, [2, 3])

        let r50 = try PreActResNet<Float>(depth: .resnet50, inputShape: [3, 8, 8], classCount: 5, baseWidth: 2, using: &rng)
        XCTAssertEqual(r50(images([2, 3, 8, 8])).shape, [2, 5])
        XCTAssertEqual(r50.layer1[0].conv1.kernelSize, 1, "bottleneck starts with a 1×1")
        XCTAssertEqual(r50.layer1[0].conv3?.outputChannels, 8, "expansion 4")
        XCTAssertEqual(r50.linear.inputSize, 2 * 8 * 4)
        XCTAssertTrue(r50.namedParameters.map(\.name).contains("layer1.0.shortcut.0.weight"), "2 → 8 channels needs a projection")
        XCTAssertTrue(r50.usesBatchStatistics)
    }

    func testImageModelsRunAJVPWithTheInputShape() throws {
        var rng = SeededGenerator(seed: 5)
        let lenet = try LeNet5<Float>(inputShape: [1, 28, 28], classCount: 10, activation: .gelu, using: &rng)
        let vgg = try VGG<Float>(depth: .vgg11, inputShape: [3, 32, 32], classCount: 10, widthMultiplier: 0.0625, using: &rng)
        let resnet = try PreActResNet<Float>(depth: .resnet18, inputShape: [3, 8, 8], classCount: 10, baseWidth: 2, using: &rng)
        let x1 = images([2, 1, 28, 28]), x3 = images([2, 3, 32, 32]), x8 = images([2, 3, 8, 8])
        for (name, out, plain) in [("lenet", lenet(Dual(x1, direction: x1)), lenet(x1)),
                                   ("vgg", vgg(Dual(x3, direction: x3)), vgg(x3)),
                                   ("resnet", resnet(Dual(x8, direction: x8)), resnet(x8))] {
            XCTAssertEqual(out.tangent.shape, [2, 10], name)
            XCTAssertTrue(out.tangent.value.isFinite, name)
            // Running statistics moved only on the plain pass; both passes normalise with the same batch statistics.
            let gap = zip(out.primal.value.scalars, plain.value.scalars).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(gap, 1e-5, name)
        }
    }
}

/// Batch-norm running statistics as named buffers, so checkpoints can carry them.
final class LayerBufferTests: XCTestCase {
    func testRunningStatisticsAreNamedLikePyTorchBuffersAndRoundTrip() throws {
        var rng = SeededGenerator(seed: 9)
        let net = try PreActResNet<Double>(depth: .resnet18, inputShape: [3, 4, 4], classCount: 2, baseWidth: 2, using: &rng)
        let names = net.namedBuffers.map(\.name)
        XCTAssertEqual(Array(names.prefix(4)), ["layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
                                                "layer1.0.bn2.running_mean", "layer1.0.bn2.running_var"])
        XCTAssertEqual(names.suffix(2), ["bn.running_mean", "bn.running_var"])
        XCTAssertEqual(names.count, 2 * (8 * 2 + 1), "two batch norms per basic block, one at the end")
        let vgg = try VGG<Double>(depth: .vgg11, inputShape: [1, 32, 32], classCount: 2, widthMultiplier: 0.0625, using: &rng)
        XCTAssertEqual(vgg.namedBuffers.first?.name, "features.1.running_mean")

        // Train-mode pass moves the statistics; loading the saved ones into a fresh twin restores them.
        var data = SeededGenerator(seed: 10)
        _ = net(Variable(constant: .normal(shape: [4, 3, 4, 4], mean: 1, standardDeviation: 2, using: &data)))
        var twinRng = SeededGenerator(seed: 9)
        let twin = try PreActResNet<Double>(depth: .resnet18, inputShape: [3, 4, 4], classCount: 2, baseWidth: 2, using: &twinRng)
        XCTAssertNotEqual(twin.namedBuffers.map(\.value), net.namedBuffers.map(\.value))
        try twin.loadBuffers(Dictionary(uniqueKeysWithValues: net.namedBuffers.map { ($0.name, $0.value) }))
        XCTAssertEqual(twin.namedBuffers.map(\.value), net.namedBuffers.map(\.value))

        var broken = Dictionary(uniqueKeysWithValues: net.namedBuffers.map { ($0.name, $0.value) })
        broken["bn.running_var"] = Tensor(zeros: [3])
        XCTAssertThrowsError(try twin.loadBuffers(broken)) { error in
            XCTAssertEqual("\(error)", "buffer 'bn.running_var': shape [3], model expects [16]")
        }
        broken["bn.running_var"] = nil
        XCTAssertThrowsError(try twin.loadBuffers(broken)) { error in
            XCTAssertEqual("\(error)", "buffer 'bn.running_var': missing")
        }
    }
}
