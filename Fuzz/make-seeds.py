#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses: a few small valid (and nearly valid) inputs per parser.

Usage: python3 Fuzz/make-seeds.py OUTPUT_DIR   (scripts/fuzz.sh calls it; nothing here is committed as data)

Every input starts with the harness's mode byte (see each harness's doc comment), except WAV, whose input is the
file itself.
"""
import gzip
import json
import os
import struct
import sys


def write(root, harness, name, data):
    folder = os.path.join(root, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def csv_seeds(root):
    iris = b"5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n" \
           b"6.4,3.2,4.5,1.5,versicolor\n6.3,3.3,6.0,2.5,virginica\n5.8,2.7,5.1,1.9,virginica\n"
    write(root, "csv", "comma", b"\x00" + iris)
    write(root, "csv", "semicolon", b"\x01" + iris.replace(b",", b";"))
    write(root, "csv", "tab-crlf", b"\x02" + iris.replace(b",", b"\t").replace(b"\n", b"\r\n"))
    write(root, "csv", "class-first", b"\x04" + b"a,1,x\nb,2,y\na,3,x\nb,?,y\n")
    write(root, "csv", "categorical", b"\x20" + b"1, red, 0.5, yes\n2, blue, ?, no\n3, red, 1.5, yes\n4, green, 2, no\n")
    write(root, "csv", "declared", b"\x40" + b"a,1,p\nb,2,q\nc,3,p\na,4,q\n")
    write(root, "csv", "keel", b"\x00" + b"@relation iris\n@attribute a real [4.3, 7.9]\n@attribute b integer [0, 9]\n"
          b"@attribute class {x, y}\n@inputs a, b\n@outputs class\n@data\n5.0, 3, x\n6.1, 4, y\n5.5, 2, x\n6.0, 1, y\n")
    write(root, "csv", "quoted", b"\x00" + b'1,"two, words",a\n2,"say ""hi""",b\n3,plain,a\n4,"x",b\n')
    write(root, "csv", "missing-empty", b"\x10" + b"1,,a\n,2,b\n3,4,a\n5,6,b\n")


def arff_seeds(root):
    write(root, "arff", "iris", b"\x00" + b"% comment\n@RELATION iris\n@ATTRIBUTE sl NUMERIC\n@ATTRIBUTE sw REAL\n"
          b"@ATTRIBUTE color {red, 'dark blue', green}\n@ATTRIBUTE class {Iris-setosa,Iris-versicolor}\n@DATA\n"
          b"5.1,3.5,red,Iris-setosa\n4.9,?,'dark blue',Iris-setosa\n7.0,3.2,green,Iris-versicolor\n"
          b"6.4,3.2,red,Iris-versicolor\n")
    write(root, "arff", "named-class", b"\x01" + b"@relation r\n@attribute class {a,b}\n@attribute x integer\n"
          b"@attribute y numeric\n@data\na,1,2.5\nb,2,3.5\na,3,4.5\nb,4,5.5\n")
    write(root, "arff", "quoted", b"\x00" + b"@relation 'q r'\n@attribute 'f 1' real\n@attribute \"g\" string\n"
          b"@attribute class {'c 1',\"c,2\"}\n@data\n1.0,'x y','c 1'\n2.0,\"z\",\"c,2\"\n")


def idx(dims, payload):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def idx_seeds(root):
    images = idx([2, 3, 4], bytes(range(24)))
    labels = idx([3], bytes([1, 2, 9]))
    write(root, "idx", "images", b"\x00" + images)
    write(root, "idx", "labels", b"\x00" + labels)
    write(root, "idx", "images-gzip-by-harness", b"\x01" + images)
    write(root, "idx", "labels-gzip-by-harness", b"\x01" + labels)
    write(root, "idx", "images-gzip-file", b"\x00" + gzip.compress(images, mtime=0))
    write(root, "idx", "empty-dimension", b"\x00" + idx([0, 28, 28], b""))


def cifar_seeds(root):
    pixels = bytes((i * 7) % 256 for i in range(3072))
    write(root, "cifar", "cifar10-two", b"\x00" + bytes([3]) + pixels + bytes([9]) + pixels)
    write(root, "cifar", "cifar10-two-files", b"\x00" + bytes([0]) + pixels + b"|CIFAR|" + bytes([7]) + pixels)
    write(root, "cifar", "cifar100-coarse", b"\x01" + bytes([19, 99]) + pixels)
    write(root, "cifar", "cifar100-fine", b"\x03" + bytes([4, 55]) + pixels)


def wav(fmt_tag, channels, rate, bits, data, extensible=False):
    block = channels * bits // 8
    if extensible:
        guid = struct.pack("<H", fmt_tag) + bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                                    0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 0) + guid
    else:
        fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"LIST" + struct.pack("<I", 4) + b"INFO"
    body += b"data" + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    return b"RIFF" + struct.pack("<I", len(body)) + body


def wav_seeds(root):
    write(root, "wav", "pcm16-mono", wav(1, 1, 8000, 16, struct.pack("<8h", 0, 1000, -1000, 32767, -32768, 5, 6, 7)))
    write(root, "wav", "pcm8-stereo", wav(1, 2, 16000, 8, bytes([0, 255, 128, 128, 10, 20])))
    write(root, "wav", "pcm24", wav(1, 1, 22050, 24, bytes(range(9))))
    write(root, "wav", "float32-stereo", wav(3, 2, 44100, 32, struct.pack("<4f", 0.5, -0.5, 1.0, 0.25)))
    write(root, "wav", "float64", wav(3, 1, 8000, 64, struct.pack("<2d", 0.125, -1.0)))
    write(root, "wav", "extensible-pcm32", wav(1, 1, 16000, 32, struct.pack("<3i", 1, -1, 2**31 - 1), extensible=True))
    write(root, "wav", "odd-data", wav(1, 1, 8000, 8, bytes([1, 2, 3])))


def tu_seeds(root):
    indicator = b"1\n1\n1\n2\n2\n"
    labels = b"1\n-1\n"
    edges = b"1, 2\n2, 1\n2, 3\n3, 2\n4, 5\n5, 4\n"
    write(root, "tu", "degree", b"\x04" + indicator + b"|" + labels + b"|" + edges)
    write(root, "tu", "node-labels", b"\x00" + indicator + b"|" + labels + b"|" + edges + b"|0\n1\n0\n2\n1\n")
    write(root, "tu", "attributes", b"\x02" + indicator + b"|" + labels + b"|" + edges + b"||"
          b"0.5, 1.0\n-1, 2\n3e2, 0\n1, 1\n0, 0\n|1\n1\n2\n2\n1\n1\n")
    write(root, "tu", "both", b"\x03" + indicator + b"|" + labels + b"|" + edges + b"|3\n3\n1\n1\n1\n|1\n2\n3\n4\n5\n")


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def safetensors_seeds(root):
    one = safetensors({"w": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)), "b": ("F64", [1], struct.pack("<d", 5)),
                       "h": ("BF16", [2], b"\x80\x3f\x00\x40"), "n": ("I64", [], struct.pack("<q", 7)),
                       "e": ("U8", [0, 3], b"")}, {"epoch": "3", "configuration": "{}"})
    write(root, "safetensors", "file", b"\x00" + one)
    write(root, "safetensors", "header-only", b"\x01" + one[8:8 + struct.unpack("<Q", one[:8])[0]])
    write(root, "safetensors", "empty", b"\x00" + safetensors({}))
    write(root, "safetensors", "ints", b"\x00" + safetensors({"a": ("I32", [3], struct.pack("<3i", 1, -2, 3)),
                                                              "b": ("U16", [1, 1], b"\x01\x00"),
                                                              "c": ("BOOL", [2], b"\x00\x01"),
                                                              "d": ("F16", [1], b"\x00\x3c")}))


def run_config_seeds(root):
    config = {"method": "mixupe", "regularizer": "approximate-q", "regularizerOptions": "", "alpha": 1.0, "eta": 0.01,
              "epochs": 25, "batchSize": 100, "seed": 0,
              "optimizer": {"adam": {"learningRate": 0.001, "weightDecay": 0}}, "schedule": {"constant": {}},
              "partner": "permutation", "loss": "crossEntropy", "cleanPass": "automatic", "threads": 1}
    write(root, "runconfig", "default", b"\x00" + json.dumps(config).encode())
    config.update({"method": "mixup", "optimizer": {"sgd": {"learningRate": 0.1, "momentum": 0.9, "nesterov": True,
                                                            "weightDecay": 5e-4}},
                   "schedule": {"stepDecay": {"epochs": [10, 20], "factor": 0.1}}, "blasThreads": 2, "ema": 0.999,
                   "partner": "second-loader", "loss": "logistic", "cleanPass": "separate"})
    write(root, "runconfig", "sgd-step", b"\x00" + json.dumps(config).encode())
    config.update({"optimizer": {"adamW": {"learningRate": 1e-3, "weightDecay": 0.05}},
                   "schedule": {"warmupCosine": {"warmupEpochs": 1.5, "totalEpochs": 30, "minimumFactor": 0.01}}})
    write(root, "runconfig", "adamw-cosine", b"\x00" + json.dumps(config).encode())
    metrics = {"epoch": 1, "trainLoss": 0.5, "penalty": 0.1, "kappa": 0.2, "trainAccuracy": 0.9, "trainCleanLoss": 0.4,
               "validationAccuracy": 0.8, "testAccuracy": 0.7, "trainSeconds": 1.5, "samplesPerSecond": 1000,
               "learningRate": 0.001}
    write(root, "runconfig", "metrics", b"\x01" + json.dumps(metrics).encode() + b"\n" + json.dumps(metrics).encode())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make-seeds.py OUTPUT_DIR")
    out = sys.argv[1]
    for make in (csv_seeds, arff_seeds, idx_seeds, cifar_seeds, wav_seeds, tu_seeds, safetensors_seeds,
                 run_config_seeds):
        make(out)
