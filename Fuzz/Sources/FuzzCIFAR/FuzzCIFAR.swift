import FuzzSupport
import ImageData

/// CIFAR harness: the body is split at `|CIFAR|` into up to three batch files, read by `readCIFAR10` (mode bit 0
/// clear) or `readCIFAR100` with coarse/fine labels (bits 1). On success: 3×32×32 images, one label per record in
/// range, pixels in [0, 1] equal to byte/255, and exactly as many records as the file sizes hold.
@_cdecl("FuzzCIFAR_main")
func fuzzCIFARMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let scratch = FuzzScratch("cifar")
    return runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        let parts = input.parts(separator: Array("|CIFAR|".utf8), maxParts: 3)
        let urls = parts.enumerated().map { scratch.write($0.element, to: "data_batch_\($0.offset + 1).bin") }
        let hundred = input.mode & 1 == 1
        let labelKind: CIFARLabelKind = input.mode & 2 == 0 ? .coarse : .fine
        let dataset: ImageDataset
        do {
            dataset = hundred ? try CIFARLoader.readCIFAR100(files: urls, labels: labelKind)
                              : try CIFARLoader.readCIFAR10(files: urls)
        } catch {
            checkErrorMessage(error)
            return
        }
        let labelBytes = hundred ? 2 : 1
        let recordSize = labelBytes + 3 * 32 * 32
        invariant(dataset.channels == 3 && dataset.height == 32 && dataset.width == 32, "shape \(dataset.shape)")
        let records = parts.map { $0.count / recordSize }.reduce(0, +)
        invariant(parts.allSatisfy { $0.count % recordSize == 0 && !$0.isEmpty }, "accepted a partial record")
        invariant(dataset.count == records, "\(dataset.count) images from \(records) records")
        invariant(dataset.pixels.count == dataset.count * 3072, "\(dataset.pixels.count) pixels for \(dataset.count) images")
        let classCount = hundred ? labelKind.classCount : 10
        invariant(dataset.classCount == classCount, "class count \(dataset.classCount)")
        for label in dataset.labels { invariant(label >= 0 && label < classCount, "label \(label)") }
        var image = 0
        for part in parts {
            for r in 0..<(part.count / recordSize) {
                let record = part.startIndex + r * recordSize
                let label = Int(part[record + (hundred && labelKind == .fine ? 1 : 0)])
                invariant(dataset.labels[image] == label, "image \(image): label \(dataset.labels[image]), byte \(label)")
                for i in stride(from: 0, to: 3072, by: 97) {
                    invariant(dataset.pixels[image * 3072 + i] == Float(part[record + labelBytes + i]) / 255,
                              "image \(image) pixel \(i) differs from its byte")
                }
                image += 1
            }
        }
    }
}
