// The im2col kernels for one precision, included by Im2col.c once per precision with IM_T (float
// or double), IM_NAME(name) (the public entry point), IM_TASK(name) (its pool task) and
// IM_HELPER(name) (private helpers). See Im2col.c for the layout and the summation order.

// 32 and 16 bytes of IM_T, unaligned: the explicit copies below (two SSE moves each in the
// baseline clone).
typedef IM_T IM_HELPER(v32) __attribute__((vector_size(32), aligned(sizeof(IM_T)), may_alias));
typedef IM_T IM_HELPER(v16) __attribute__((vector_size(16), aligned(sizeof(IM_T)), may_alias));
#define IM_V32 ((long)(32 / sizeof(IM_T)))
#define IM_V16 ((long)(16 / sizeof(IM_T)))

// d[i] = src[i] for i < count.
static inline __attribute__((always_inline)) void IM_HELPER(copy)(IM_T *restrict d, const IM_T *restrict src, long count) {
    long i = 0;
    for (; i + IM_V32 <= count; i += IM_V32) {
        *(IM_HELPER(v32) *)(d + i) = *(const IM_HELPER(v32) *)(src + i);
        IM_KEEP_LOOP();
    }
    if (i + IM_V16 <= count) { *(IM_HELPER(v16) *)(d + i) = *(const IM_HELPER(v16) *)(src + i); i += IM_V16; }
    for (; i < count; i++) { d[i] = src[i]; IM_KEEP_LOOP(); }
}

// a[i] += src[i] for i < count.
static inline __attribute__((always_inline)) void IM_HELPER(add)(IM_T *restrict a, const IM_T *restrict src, long count) {
    long i = 0;
    for (; i + IM_V32 <= count; i += IM_V32)
        *(IM_HELPER(v32) *)(a + i) = *(const IM_HELPER(v32) *)(a + i) + *(const IM_HELPER(v32) *)(src + i);
    if (i + IM_V16 <= count) {
        *(IM_HELPER(v16) *)(a + i) = *(const IM_HELPER(v16) *)(a + i) + *(const IM_HELPER(v16) *)(src + i);
        i += IM_V16;
    }
    for (; i < count; i++) a[i] += src[i];
}

// d[i] = src[i·stride] for i < count.
static inline __attribute__((always_inline)) void IM_HELPER(gather)(IM_T *restrict d, const IM_T *restrict src, long count,
                                                                    long stride) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long i = 0; i < count; i++) d[i] = src[i * stride];
}

// d[i·stride] = 0 + src[i] for i < count (0 + v: a −0 entry becomes +0, as the sum it stands for).
static inline __attribute__((always_inline)) void IM_HELPER(scatter)(IM_T *restrict d, const IM_T *restrict src, long count,
                                                                     long stride) {
    for (long i = 0; i < count; i++) d[i * stride] = (IM_T)0 + src[i];
}

// Stride 2: a[j] = src[2j], b[j] = src[2j + 1] for the w elements of src (a gets the odd last one).
static inline __attribute__((always_inline)) void IM_HELPER(split)(IM_T *restrict a, IM_T *restrict b, const IM_T *restrict src,
                                                                   long w) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long j = 0; j < w / 2; j++) { a[j] = src[2 * j]; b[j] = src[2 * j + 1]; }
    if (w % 2) a[w / 2] = src[w - 1];
}

// Stride 2, the inverse: d[2j] = a[j], d[2j + 1] = b[j] for the w elements of d.
static inline __attribute__((always_inline)) void IM_HELPER(merge)(IM_T *restrict d, const IM_T *restrict a, const IM_T *restrict b,
                                                                   long w) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long j = 0; j < w / 2; j++) { d[2 * j] = a[j]; d[2 * j + 1] = b[j]; }
    if (w % 2) d[w - 1] = a[w / 2];
}

// The scratch plane's padded row `row`, phase `r`: `phase` elements, the s phases of a row adjacent.
#define IM_ROW(base, row, r, s, phase) ((base) + ((row) * (s) + (r)) * (phase))

// Copies plane xp (h × w) into the padded, phase-split scratch plane (its ring stays as it was).
static inline __attribute__((always_inline)) void IM_HELPER(fill)(IM_T *restrict scratch, const IM_T *restrict xp,
                                                                  const im_job *job, const im_plan *plan) {
    long h = job->h, w = job->w, s = job->s, p = job->p, phase = job->phase;
    if (s == 1) {
        for (long iy = 0; iy < h; iy++) IM_HELPER(copy)(IM_ROW(scratch, iy + p, 0, 1, phase) + p, xp + iy * w, w);
    } else if (s == 2) {
        // Column ix goes to phase (ix + p) mod 2 at (ix + p) / 2: even ix to phase p mod 2 from p / 2.
        for (long iy = 0; iy < h; iy++)
            IM_HELPER(split)(IM_ROW(scratch, iy + p, p % 2, 2, phase) + p / 2,
                             IM_ROW(scratch, iy + p, 1 - p % 2, 2, phase) + (p + 1) / 2, xp + iy * w, w);
    } else {
        for (long r = 0; r < s; r++)
            for (long iy = 0; iy < h; iy++)
                IM_HELPER(gather)(IM_ROW(scratch, iy + p, r, s, phase) + plan->firstPosition[r],
                                  xp + iy * w + plan->firstColumn[r], plan->columns[r], s);
    }
}

// The inverse of `fill`: dp (h × w) from the interior of the scratch plane.
static inline __attribute__((always_inline)) void IM_HELPER(crop)(IM_T *restrict dp, const IM_T *restrict scratch,
                                                                  const im_job *job, const im_plan *plan) {
    long h = job->h, w = job->w, s = job->s, p = job->p, phase = job->phase;
    if (s == 1) {
        for (long iy = 0; iy < h; iy++) IM_HELPER(copy)(dp + iy * w, IM_ROW(scratch, iy + p, 0, 1, phase) + p, w);
    } else if (s == 2) {
        for (long iy = 0; iy < h; iy++)
            IM_HELPER(merge)(dp + iy * w, IM_ROW(scratch, iy + p, p % 2, 2, phase) + p / 2,
                             IM_ROW(scratch, iy + p, 1 - p % 2, 2, phase) + (p + 1) / 2, w);
    } else {
        for (long r = 0; r < s; r++)
            for (long iy = 0; iy < h; iy++)
                IM_HELPER(scatter)(dp + iy * w + plan->firstColumn[r], IM_ROW(scratch, iy + p, r, s, phase) + plan->firstPosition[r],
                                   plan->columns[r], s);
    }
}

// Stride 2, unpadded 1×1 fold: d[2j] = 0 + a[j], d[2j + 1] = 0 for the w elements of d.
static inline __attribute__((always_inline)) void IM_HELPER(spread)(IM_T *restrict d, const IM_T *restrict a, long w) {
    _Pragma("clang loop vectorize(assume_safety)")
    for (long j = 0; j < w / 2; j++) { d[2 * j] = (IM_T)0 + a[j]; d[2 * j + 1] = 0; }
    if (w % 2) d[w - 1] = (IM_T)0 + a[w / 2];
}

MIXUP_CLONES static void IM_TASK(unfold)(void *context, int task) {
    im_job *job = context;
    const IM_T *x = job->src;
    IM_T *cols = job->dst;
    long n = job->n, c = job->c, h = job->h, w = job->w, kh = job->kh, kw = job->kw, s = job->s, p = job->p;
    long oh = job->oh, ow = job->ow, plane = job->plane, ld = job->ld;
    long first, end;
    im_range(n * c, task, job->tasks, &first, &end);
    if (first >= end) return;
    int pointwise = kh == 1 && kw == 1 && p == 0;   // a strided gather (a copy at stride 1)
    int unpadded = p == 0 && s == 1;                // the taps read x itself
    im_plan plan;
    // calloc: the padding ring and the phase ends stay zero, as every plane writes the same positions.
    IM_T *scratch = pointwise || unpadded ? 0 : calloc((size_t)(job->hp * s * job->phase), sizeof(IM_T));
    if ((!pointwise && !unpadded && !scratch) || im_plan_init(&plan, job) != 0) {
        free(scratch);
        im_mark_failed(job);
        return;
    }
    for (long item = first; item < end; item++) {
        long ch = item / n, sample = item % n;
        const IM_T *xp = x + (sample * c + ch) * h * w;
        IM_T *out = cols + ch * kh * kw * ld + sample * plane;
        if (pointwise) {
            if (s == 1) IM_HELPER(copy)(out, xp, plane);   // oh = h, ow = w
            else if (s == 2) for (long oy = 0; oy < oh; oy++) IM_HELPER(gather)(out + oy * ow, xp + 2 * oy * w, ow, 2);
            else for (long oy = 0; oy < oh; oy++) IM_HELPER(gather)(out + oy * ow, xp + s * oy * w, ow, s);
            continue;
        }
        const IM_T *base = xp;
        long phase = w;
        if (!unpadded) {
            IM_HELPER(fill)(scratch, xp, job, &plan);
            base = scratch; phase = job->phase;
        }
        // Tap (ki, kj) of output row oy: padded row s·oy + ki, phase kj mod s, from position kj / s.
        long step = s * s * phase;   // between the padded rows s·oy + ki of successive oy
        for (long ki = 0; ki < kh; ki++)
            for (long kj = 0; kj < kw; kj++) {
                IM_T *dst = out + (ki * kw + kj) * ld;
                const IM_T *from = IM_ROW(base, ki, plan.tapPhase[kj], s, phase) + plan.tapOffset[kj];
                if (s == 1 && ow == phase) IM_HELPER(copy)(dst, from, plane);   // the oh rows are one run
                else for (long oy = 0; oy < oh; oy++) IM_HELPER(copy)(dst + oy * ow, from + oy * step, ow);
            }
    }
    im_plan_free(&plan);
    free(scratch);
}

int IM_NAME(unfold)(const IM_T *x, long samples, long channels, long h, long w, long kh, long kw, long stride,
                    long pad, IM_T *cols, int threads) {
    im_job job;
    if (im_setup(&job, samples, channels, h, w, kh, kw, stride, pad, threads) != 0) return -2;
    if (samples == 0 || channels == 0) return 0;
    job.src = x; job.dst = cols;
    mixup_parallel_for(job.tasks, IM_TASK(unfold), &job);
    return job.failed ? -1 : 0;
}

MIXUP_CLONES static void IM_TASK(fold)(void *context, int task) {
    im_job *job = context;
    const IM_T *cols = job->src;
    IM_T *dx = job->dst;
    long n = job->n, c = job->c, h = job->h, w = job->w, kh = job->kh, kw = job->kw, s = job->s, p = job->p;
    long oh = job->oh, ow = job->ow, plane = job->plane, ld = job->ld, phase = job->phase;
    long first, end;
    im_range(n * c, task, job->tasks, &first, &end);
    if (first >= end) return;
    int pointwise = kh == 1 && kw == 1 && p == 0;   // a scatter: no two entries meet
    long size = job->hp * s * phase;
    im_plan plan;
    IM_T *acc = pointwise ? 0 : malloc(sizeof(IM_T) * (size_t)size);
    if ((!pointwise && !acc) || im_plan_init(&plan, job) != 0) {
        free(acc);
        im_mark_failed(job);
        return;
    }
    for (long item = first; item < end; item++) {
        long ch = item / n, sample = item % n;
        const IM_T *in = cols + ch * kh * kw * ld + sample * plane;
        IM_T *dp = dx + (sample * c + ch) * h * w;
        if (pointwise) {
            if (s == 1) { IM_HELPER(scatter)(dp, in, plane, 1); continue; }   // oh = h, ow = w
            for (long iy = 0; iy < h; iy++) {
                IM_T *d = dp + iy * w;
                if (iy % s != 0 || iy / s >= oh) { for (long ix = 0; ix < w; ix++) d[ix] = 0; }
                else if (s == 2) IM_HELPER(spread)(d, in + iy / 2 * ow, w);   // ow = ⌈w/2⌉
                else {
                    for (long ix = 0; ix < w; ix++) d[ix] = 0;
                    IM_HELPER(scatter)(d, in + iy / s * ow, ow, s);
                }
            }
            continue;
        }
        for (long q = 0; q < size; q++) acc[q] = 0;
        // The unfolding's copies backwards, as additions, taps in row order: each padded element
        // receives 0 + its entries in (ki, kj) order.
        long step = s * s * phase;
        for (long ki = 0; ki < kh; ki++)
            for (long kj = 0; kj < kw; kj++) {
                const IM_T *src = in + (ki * kw + kj) * ld;
                IM_T *to = IM_ROW(acc, ki, plan.tapPhase[kj], s, phase) + plan.tapOffset[kj];
                for (long oy = 0; oy < oh; oy++) IM_HELPER(add)(to + oy * step, src + oy * ow, ow);
            }
        // Crop the padding and interleave the phases (an element no window covers stays 0).
        IM_HELPER(crop)(dp, acc, job, &plan);
    }
    im_plan_free(&plan);
    free(acc);
}

int IM_NAME(fold)(const IM_T *cols, long samples, long channels, long h, long w, long kh, long kw, long stride,
                  long pad, IM_T *dx, int threads) {
    im_job job;
    if (im_setup(&job, samples, channels, h, w, kh, kw, stride, pad, threads) != 0) return -2;
    if (samples == 0 || channels == 0) return 0;
    job.src = cols; job.dst = dx;
    mixup_parallel_for(job.tasks, IM_TASK(fold), &job);
    return job.failed ? -1 : 0;
}

#undef IM_V32
#undef IM_V16
#undef IM_ROW
