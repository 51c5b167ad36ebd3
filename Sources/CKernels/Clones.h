// MIXUP_CLONES: compile a kernel once per x86-64 instruction set (AVX-512, AVX2+FMA, baseline) and
// pick the clone at load time, so the package runs on any x86-64 (or arm64) machine and still uses
// the widest vectors the CPU has. Shared by the kernel files; not part of the public header.
#ifndef MIXUPLAB_CKERNELS_CLONES_H
#define MIXUPLAB_CKERNELS_CLONES_H

#if defined(__x86_64__) && defined(__clang__)
#define MIXUP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MIXUP_CLONES
#endif

#endif
