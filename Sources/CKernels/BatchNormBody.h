// The batch-norm kernels for one precision, included by BatchNorm.c once per precision with
// BN_T (float or double), BN_NAME(name) (the public entry point), BN_TASK(name) (its pool task)
// and BN_LOAD8 (eight elements widened to double). See BatchNorm.c for the summation order.

// MARK: Statistics — per channel μ = Σx/M, then Σ(x − μ)² (two passes, the second from cache).

MIXUP_CLONES static void BN_TASK(statistics)(void *context, int task) {
    bn_job *job = context;
    const BN_T *x = job->x;
    BN_T *mean = job->sum1, *squares = job->sum2;
    long n = job->n, c = job->c, rest = job->rest;
    double m = n * rest > 0 ? (double)(n * rest) : 1.0;
    for (long ch = bn_part(c, task, job->tasks), end = bn_part(c, task + 1, job->tasks); ch < end; ch++) {
        bn_vd8 a0 = {}, a1 = {};
        for (long i = 0; i < n; i++) {
            const BN_T *p = x + (i * c + ch) * rest;
            long ahead = i + 1 < n ? c * rest : 0;   // the channel's next run, fetched meanwhile
#define V(k, w) { __builtin_prefetch(p + (k) + ahead); a##w += BN_LOAD8(p + (k)); }
#define S(k, j) a1[j] += (double)p[k];
            BN_REDUCE_RUN(rest, V, S)
#undef V
#undef S
        }
        double mu;
        bn_combine(a0, a1, mu)
        mu /= m;
        bn_vd8 muv = bn_splat(mu);
        a0 = (bn_vd8){}; a1 = (bn_vd8){};
        for (long i = 0; i < n; i++) {
            const BN_T *p = x + (i * c + ch) * rest;
#define V(k, w) { bn_vd8 d = BN_LOAD8(p + (k)) - muv; a##w += d * d; }
#define S(k, j) { double d = (double)p[k] - mu; a1[j] += d * d; }
            BN_REDUCE_RUN(rest, V, S)
#undef V
#undef S
        }
        mean[ch] = (BN_T)mu;
        double q;
        bn_combine(a0, a1, q)
        squares[ch] = (BN_T)q;
    }
}

void BN_NAME(statistics)(const BN_T *x, long n, long c, long rest, BN_T *mean, BN_T *squares) {
    if (c <= 0) return;
    bn_job job = { .x = x, .sum1 = mean, .sum2 = squares, .n = n < 0 ? 0 : n, .c = c, .rest = rest < 0 ? 0 : rest };
    bn_run(&job, BN_TASK(statistics), c);
}

// MARK: Elementwise forward passes — split over (sample, channel) runs.

MIXUP_CLONES static void BN_TASK(forward)(void *context, int task) {
    bn_job *job = context;
    const BN_T *x = job->x, *mean = job->mean, *inv = job->inv, *gamma = job->gamma, *beta = job->beta;
    BN_T *y = job->out, *xhat = job->out2;
    long c = job->c, rest = job->rest, runs = job->n * c;
    for (long run = bn_part(runs, task, job->tasks), end = bn_part(runs, task + 1, job->tasks); run < end; run++) {
        long ch = run % c;
        BN_T mu = mean[ch], r = inv[ch], g = gamma[ch], b = beta[ch];
        const BN_T *restrict xp = x + run * rest;
        BN_T *restrict yp = y + run * rest, *restrict hp = xhat + run * rest;
        for (long k = 0; k < rest; k++) { BN_T h = (xp[k] - mu) * r; hp[k] = h; yp[k] = h * g + b; }
    }
}

void BN_NAME(forward)(const BN_T *x, long n, long c, long rest, const BN_T *mean, const BN_T *inv,
                      const BN_T *gamma, const BN_T *beta, BN_T *y, BN_T *xhat) {
    if (n <= 0 || c <= 0 || rest <= 0) return;
    bn_job job = { .x = x, .mean = mean, .inv = inv, .gamma = gamma, .beta = beta, .out = y, .out2 = xhat,
                   .n = n, .c = c, .rest = rest };
    bn_run(&job, BN_TASK(forward), n * c);
}

MIXUP_CLONES static void BN_TASK(relu_forward)(void *context, int task) {
    bn_job *job = context;
    const BN_T *x = job->x, *mean = job->mean, *inv = job->inv, *gamma = job->gamma, *beta = job->beta;
    BN_T *z = job->out;
    long c = job->c, rest = job->rest, runs = job->n * c;
    for (long run = bn_part(runs, task, job->tasks), end = bn_part(runs, task + 1, job->tasks); run < end; run++) {
        long ch = run % c;
        // y = x·a + b with a = rγ, b = β − μrγ: one multiply and one add per element.
        BN_T a = inv[ch] * gamma[ch], b = beta[ch] - mean[ch] * a;
        const BN_T *restrict xp = x + run * rest;
        BN_T *restrict zp = z + run * rest;
        for (long k = 0; k < rest; k++) { BN_T v = xp[k] * a + b; zp[k] = v > 0 ? v : 0; }
    }
}

void BN_NAME(relu_forward)(const BN_T *x, long n, long c, long rest, const BN_T *mean, const BN_T *inv,
                           const BN_T *gamma, const BN_T *beta, BN_T *z) {
    if (n <= 0 || c <= 0 || rest <= 0) return;
    bn_job job = { .x = x, .mean = mean, .inv = inv, .gamma = gamma, .beta = beta, .out = z,
                   .n = n, .c = c, .rest = rest };
    bn_run(&job, BN_TASK(relu_forward), n * c);
}

MIXUP_CLONES static void BN_TASK(relu_tangent)(void *context, int task) {
    bn_job *job = context;
    const BN_T *t = job->t, *z = job->z, *inv = job->inv, *gamma = job->gamma;
    BN_T *out = job->out;
    long c = job->c, rest = job->rest, runs = job->n * c;
    for (long run = bn_part(runs, task, job->tasks), end = bn_part(runs, task + 1, job->tasks); run < end; run++) {
        long ch = run % c;
        BN_T a = gamma[ch] * inv[ch];
        const BN_T *restrict tp = t + run * rest, *restrict zp = z + run * rest;
        BN_T *restrict op = out + run * rest;
        for (long k = 0; k < rest; k++) op[k] = zp[k] > 0 ? tp[k] * a : 0;
    }
}

void BN_NAME(relu_tangent)(const BN_T *t, const BN_T *z, long n, long c, long rest, const BN_T *inv,
                           const BN_T *gamma, BN_T *out) {
    if (n <= 0 || c <= 0 || rest <= 0) return;
    bn_job job = { .t = t, .z = z, .inv = inv, .gamma = gamma, .out = out, .n = n, .c = c, .rest = rest };
    bn_run(&job, BN_TASK(relu_tangent), n * c);
}

// MARK: Backward passes — split over channels: each channel's sums, then (while its runs are
// still in cache) its input gradient.

MIXUP_CLONES static void BN_TASK(backward)(void *context, int task) {
    bn_job *job = context;
    const BN_T *g = job->g, *xhat = job->x, *inv = job->inv, *gamma = job->gamma;
    BN_T *dx = job->out, *dgamma = job->sum1, *dbeta = job->sum2;
    long n = job->n, c = job->c, rest = job->rest;
    double m = n * rest > 0 ? (double)(n * rest) : 1.0;
    for (long ch = bn_part(c, task, job->tasks), end = bn_part(c, task + 1, job->tasks); ch < end; ch++) {
        bn_vd8 s0 = {}, s1 = {}, h0 = {}, h1 = {};
        for (long i = 0; i < n; i++) {
            const BN_T *gp = g + (i * c + ch) * rest, *hp = xhat + (i * c + ch) * rest;
            long ahead = i + 1 < n ? c * rest : 0;
#define V(k, w) { __builtin_prefetch(gp + (k) + ahead); __builtin_prefetch(hp + (k) + ahead);          \
                  bn_vd8 gv = BN_LOAD8(gp + (k)); s##w += gv; h##w += gv * BN_LOAD8(hp + (k)); }
#define S(k, j) { double gv = (double)gp[k]; s1[j] += gv; h1[j] += gv * (double)hp[k]; }
            BN_REDUCE_RUN(rest, V, S)
#undef V
#undef S
        }
        double sg, sgh;
        bn_combine(s0, s1, sg)
        bn_combine(h0, h1, sgh)
        dbeta[ch] = (BN_T)sg;
        dgamma[ch] = (BN_T)sgh;
        if (!dx) continue;
        BN_T a = gamma[ch] * inv[ch], meanG = (BN_T)(sg / m), meanGH = (BN_T)(sgh / m);
        for (long i = 0; i < n; i++) {
            long off = (i * c + ch) * rest;
            const BN_T *restrict gp = g + off, *restrict hp = xhat + off;
            BN_T *restrict dp = dx + off;
            for (long k = 0; k < rest; k++) dp[k] = a * (gp[k] - meanG - hp[k] * meanGH);
        }
    }
}

void BN_NAME(backward)(const BN_T *g, const BN_T *xhat, long n, long c, long rest, const BN_T *inv,
                       const BN_T *gamma, BN_T *dx, BN_T *dgamma, BN_T *dbeta) {
    if (c <= 0) return;
    bn_job job = { .g = g, .x = xhat, .inv = inv, .gamma = gamma, .out = dx, .sum1 = dgamma, .sum2 = dbeta,
                   .n = n < 0 ? 0 : n, .c = c, .rest = rest < 0 ? 0 : rest };
    bn_run(&job, BN_TASK(backward), c);
}

MIXUP_CLONES static void BN_TASK(relu_backward)(void *context, int task) {
    bn_job *job = context;
    const BN_T *g = job->g, *x = job->x, *z = job->z, *mean = job->mean, *inv = job->inv, *gamma = job->gamma;
    BN_T *dx = job->out, *dgamma = job->sum1, *dbeta = job->sum2;
    long n = job->n, c = job->c, rest = job->rest;
    double m = n * rest > 0 ? (double)(n * rest) : 1.0;
    for (long ch = bn_part(c, task, job->tasks), end = bn_part(c, task + 1, job->tasks); ch < end; ch++) {
        double mu = mean[ch], r = inv[ch];
        bn_vd8 muv = bn_splat(mu), rv = bn_splat(r), zero = {};
        bn_vd8 s0 = {}, s1 = {}, h0 = {}, h1 = {};
        for (long i = 0; i < n; i++) {
            long off = (i * c + ch) * rest;
            const BN_T *gp = g + off, *xp = x + off, *zp = z + off;
            long ahead = i + 1 < n ? c * rest : 0;
            // g_y = g·1[z > 0]; sums Σ g_y and Σ g_y·x̂ with x̂ = (x − μ)·r recomputed in double.
#define V(k, w) { BN_PREFETCH3(gp, xp, zp, (k) + ahead)                                             \
                  bn_vd8 gy = bn_select(BN_LOAD8(zp + (k)) > zero, BN_LOAD8(gp + (k)));                \
                  s##w += gy; h##w += gy * ((BN_LOAD8(xp + (k)) - muv) * rv); }
#define S(k, j) { double gy = zp[k] > 0 ? (double)gp[k] : 0.0; s1[j] += gy; h1[j] += gy * (((double)xp[k] - mu) * r); }
            BN_REDUCE_RUN(rest, V, S)
#undef V
#undef S
        }
        double sg, sgh;
        bn_combine(s0, s1, sg)
        bn_combine(h0, h1, sgh)
        dbeta[ch] = (BN_T)sg;
        dgamma[ch] = (BN_T)sgh;
        if (!dx) continue;
        BN_T muT = mean[ch], rT = inv[ch], a = gamma[ch] * rT, meanG = (BN_T)(sg / m), meanGH = (BN_T)(sgh / m);
        for (long i = 0; i < n; i++) {
            long off = (i * c + ch) * rest;
            const BN_T *restrict gp = g + off, *restrict xp = x + off, *restrict zp = z + off;
            BN_T *restrict dp = dx + off;
            for (long k = 0; k < rest; k++) {
                BN_T gy = zp[k] > 0 ? gp[k] : 0;
                dp[k] = a * (gy - meanG - (xp[k] - muT) * rT * meanGH);
            }
        }
    }
}

void BN_NAME(relu_backward)(const BN_T *g, const BN_T *x, const BN_T *z, long n, long c, long rest,
                            const BN_T *mean, const BN_T *inv, const BN_T *gamma,
                            BN_T *dx, BN_T *dgamma, BN_T *dbeta) {
    if (c <= 0) return;
    bn_job job = { .g = g, .x = x, .z = z, .mean = mean, .inv = inv, .gamma = gamma, .out = dx,
                   .sum1 = dgamma, .sum2 = dbeta, .n = n < 0 ? 0 : n, .c = c, .rest = rest < 0 ? 0 : rest };
    bn_run(&job, BN_TASK(relu_backward), c);
}

MIXUP_CLONES static void BN_TASK(relu_tangent_backward)(void *context, int task) {
    bn_job *job = context;
    const BN_T *g = job->g, *t = job->t, *x = job->x, *z = job->z;
    const BN_T *mean = job->mean, *inv = job->inv, *gamma = job->gamma;
    BN_T *dt = job->out, *dx = job->out2, *dgamma = job->sum1;
    long n = job->n, c = job->c, rest = job->rest;
    double m = n * rest > 0 ? (double)(n * rest) : 1.0;
    for (long ch = bn_part(c, task, job->tasks), end = bn_part(c, task + 1, job->tasks); ch < end; ch++) {
        bn_vd8 zero = {}, s0 = {}, s1 = {};
        for (long i = 0; i < n; i++) {
            long off = (i * c + ch) * rest;
            const BN_T *gp = g + off, *tp = t + off, *zp = z + off;
            long ahead = i + 1 < n ? c * rest : 0;
#define V(k, w) { BN_PREFETCH3(gp, tp, zp, (k) + ahead)                                             \
                  s##w += bn_select(BN_LOAD8(zp + (k)) > zero, BN_LOAD8(gp + (k)) * BN_LOAD8(tp + (k))); }
#define S(k, j) s1[j] += zp[k] > 0 ? (double)gp[k] * (double)tp[k] : 0.0;
            BN_REDUCE_RUN(rest, V, S)
#undef V
#undef S
        }
        double s, r = inv[ch];
        bn_combine(s0, s1, s)
        dgamma[ch] = (BN_T)(s * r);
        BN_T a = gamma[ch] * inv[ch], mu = mean[ch];
        BN_T b = (BN_T)(-s * (double)gamma[ch] * r * r * r / m);   // ∂x = −s·γr³·(x − μ)/M
        for (long i = 0; i < n; i++) {
            long off = (i * c + ch) * rest;
            const BN_T *restrict gp = g + off, *restrict xp = x + off, *restrict zp = z + off;
            if (dt) { BN_T *restrict dp = dt + off; for (long k = 0; k < rest; k++) dp[k] = zp[k] > 0 ? gp[k] * a : 0; }
            if (dx) { BN_T *restrict dp = dx + off; for (long k = 0; k < rest; k++) dp[k] = b * (xp[k] - mu); }
        }
    }
}

void BN_NAME(relu_tangent_backward)(const BN_T *g, const BN_T *t, const BN_T *x, const BN_T *z,
                                    long n, long c, long rest, const BN_T *mean, const BN_T *inv,
                                    const BN_T *gamma, BN_T *dt, BN_T *dx, BN_T *dgamma) {
    if (c <= 0) return;
    bn_job job = { .g = g, .t = t, .x = x, .z = z, .mean = mean, .inv = inv, .gamma = gamma,
                   .out = dt, .out2 = dx, .sum1 = dgamma, .n = n < 0 ? 0 : n, .c = c, .rest = rest < 0 ? 0 : rest };
    bn_run(&job, BN_TASK(relu_tangent_backward), c);
}
