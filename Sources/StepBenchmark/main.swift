// `mixuplab-step-bench`: times training steps of the peer-comparison workloads (W1 MLP, W2 LeNet-5,
// W3 PreActResNet-18) for one arm in one process, so peak RSS belongs to that arm alone.
// Benchmarks/compare-peers.sh runs it interleaved with the PyTorch and JAX peers (Benchmarks/Peers/).
import MixupCore

BLASCoreSelection.selectBestCore()
StepBenchmark.main()
