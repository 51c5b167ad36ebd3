// Private to CKernels (not in include/): MIXUP_CLONES compiles a kernel once per x86-64 level
// (AVX-512, AVX2+FMA, baseline) and lets the loader pick the clone the CPU supports, so one binary
// runs everywhere and still uses the widest vectors available. Elsewhere it expands to nothing.
#ifndef MIXUPLAB_CKERNELS_CLONES_H
#define MIXUPLAB_CKERNELS_CLONES_H

#if defined(__x86_64__) && defined(__clang__)
#define MIXUP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MIXUP_CLONES
#endif

#endif
