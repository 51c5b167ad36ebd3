"""Training steps of the peer-comparison workloads in PyTorch or JAX on the CPU, one arm per process.

Same workloads and step as MixupLab's `mixuplab-step-bench` (Benchmarks/compare.sh runs both,
interleaved): batch 100 of random data, partner = the batch reversed, lambda ~ Beta(0.2, 0.2),
eta = 0.1, kappa = |L| / |L + eta R| (detached), R = E[a_lambda] * mean |q|.
  W1  MLP 64-128-128-10 (ReLU), Adam 1e-3
  W2  LeNet-5 28x28x1 (conv 1->6 5x5 pad 2, pool, conv 6->16 5x5, pool, 400-120-84-10), SGD 0.01 m 0.9
  W3  PreActResNet-18, width 64, 3x32x32 (final BN + ReLU + global average pool), SGD 0.01 m 0.9
Arms: erm, mixup, mixupe-approx (q-bar = (y - softmax f)^T f at the clean x, from a clean pass that
is batched with the mixed one when the model has no batch norm), mixupe-exact (q = (softmax f - y)^T
J_f(x)(mean(x) - x) by a JVP, reverse-mode through it).
Each framework at its best: torch.set_num_threads / interop 1; JAX jit of the whole step, XLA's CPU
thread pool sized to --threads. XLA still keeps a second thread busy at --threads 1, so
compare-peers.sh pins every framework's T-thread rows to T CPUs (taskset).
Prints one line: RESULT framework=... workload=... arm=... threads=... median=... best=... peak_rss_mb=...

Usage: python3 step_peers.py torch|jax W1|W2|W3 ARM [--threads 1] [--steps S] [--repeats R]
"""
import argparse
import os
import resource
import statistics
import sys
import time

ALPHA, ETA = 0.2, 0.1
# E[a_lambda] for Beta(alpha, alpha) mixing (MixingDistribution.momentOfA(order: 1)).
E_A = 2 * 0.5 * (ALPHA / (2 * ALPHA + 1))
DEFAULT_STEPS = {"W1": 200, "W2": 30, "W3": 1}
DEFAULT_REPEATS = {"W1": 7, "W2": 5, "W3": 2}
WARM_UP = {"W1": 2, "W2": 2, "W3": 1}


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("framework", choices=["torch", "jax"])
    p.add_argument("workload", choices=["W1", "W2", "W3"])
    p.add_argument("arm", choices=["erm", "mixup", "mixupe-approx", "mixupe-exact"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int)
    p.add_argument("--repeats", type=int)
    a = p.parse_args()
    a.steps = a.steps or DEFAULT_STEPS[a.workload]
    a.repeats = a.repeats or DEFAULT_REPEATS[a.workload]
    return a


def timed(step, steps, repeats, warm_up, batch=100):
    for _ in range(warm_up):
        step()
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * batch / (time.perf_counter() - t))
    return statistics.median(rates), max(rates)


# ----------------------------------------------------------------------------------------- PyTorch
def torch_step(args):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.func import functional_call, jvp
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
            self.f1, self.f2, self.f3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.c1(x)), 2)
            x = F.max_pool2d(F.relu(self.c2(x)), 2).flatten(1)
            return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))

    class Block(nn.Module):
        def __init__(self, cin, planes, stride):
            super().__init__()
            self.bn1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
            self.bn2, self.conv2 = nn.BatchNorm2d(planes), nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.shortcut = nn.Conv2d(cin, planes, 1, stride, bias=False) if stride != 1 or cin != planes else None

        def forward(self, x):
            out = F.relu(self.bn1(x))
            short = self.shortcut(out) if self.shortcut is not None else x
            out = self.conv2(F.relu(self.bn2(self.conv1(out))))
            return out + short

    class PreActResNet18(nn.Module):
        def __init__(self, width=64):
            super().__init__()
            self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
            blocks, cin = [], width
            for k in range(4):
                for b in range(2):
                    blocks.append(Block(cin, width << k, 2 if (b == 0 and k > 0) else 1))
                    cin = width << k
            self.blocks = nn.Sequential(*blocks)
            self.bn, self.linear = nn.BatchNorm2d(cin), nn.Linear(cin, 10)

        def forward(self, x):
            out = F.relu(self.bn(self.blocks(self.conv1(x))))
            return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))

    if args.workload == "W1":
        model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
        shape, batch_norm = (64,), False
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        if args.workload == "W2":
            model, shape, batch_norm = LeNet(), (1, 28, 28), False
        else:
            model, shape, batch_norm = PreActResNet18(), (3, 32, 32), True
            # Batch statistics only (no running-stat buffers): torch.func.jvp cannot update them in place.
            torch.func.replace_all_batch_norm_modules_(model)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    train = torch.randn(1000 if args.workload == "W1" else 200, *shape)
    mean = train.mean(0, keepdim=True)
    x = train[:100].contiguous()
    y = F.one_hot(torch.randint(0, 10, (100,)), 10).float()
    beta = torch.distributions.Beta(ALPHA, ALPHA)
    params = dict(model.named_parameters())

    def soft_ce(logits, targets):
        return -(targets * F.log_softmax(logits, dim=1)).sum(1).mean()

    def step():
        arm = args.arm
        if arm == "erm":
            loss = soft_ce(model(x), y)
        else:
            lam = beta.sample()
            xm, ym = lam * x + (1 - lam) * x.flip(0), lam * y + (1 - lam) * y.flip(0)
            if arm == "mixup":
                loss = soft_ce(model(xm), ym)
            elif arm == "mixupe-approx":
                if batch_norm:
                    fm, f = model(xm), model(x)
                else:
                    fm, f = model(torch.cat([xm, x])).split(100)
                L = soft_ce(fm, ym)
                q = ((y - F.softmax(f, dim=1)) * f).sum(1)
                R = q.abs().mean() * E_A
                total = L + ETA * R
                loss = total * (L.abs() / total.abs()).detach()
            else:
                L = soft_ce(model(xm), ym)
                f, tangent = jvp(lambda inp: functional_call(model, params, (inp,)), (x,), (mean - x,))
                q = ((F.softmax(f, dim=1) - y) * tangent).sum(1)
                R = q.abs().mean() * E_A
                total = L + ETA * R
                loss = total * (L.abs() / total.abs()).detach()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return "PyTorch-" + torch.__version__.split("+")[0], step


# --------------------------------------------------------------------------------------------- JAX
def jax_step(args):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               f" --xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'}"
                               f" intra_op_parallelism_threads={args.threads}")
    import jax
    import jax.numpy as jnp

    key = jax.random.PRNGKey(0)
    keys = iter(jax.random.split(key, 64))

    def uniform(shape, fan_in):
        b = 1 / fan_in ** 0.5
        return jax.random.uniform(next(keys), shape, minval=-b, maxval=b)

    def dense(cin, cout):
        return {"w": uniform((cin, cout), cin), "b": jnp.zeros(cout)}

    def conv_param(cin, cout, k, bias=True):  # HWIO, for NHWC inputs (XLA's native CPU layout)
        p = {"w": uniform((k, k, cin, cout), cin * k * k)}
        if bias:
            p["b"] = jnp.zeros(cout)
        return p

    def conv(p, x, stride=1, pad=0):
        y = jax.lax.conv_general_dilated(x, p["w"], (stride, stride), [(pad, pad), (pad, pad)],
                                         dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return y + p["b"] if "b" in p else y

    def bn(p, x):  # training-mode batch norm over N, H, W
        mu = x.mean((0, 1, 2))
        var = ((x - mu) ** 2).mean((0, 1, 2))
        return (x - mu) * jax.lax.rsqrt(var + 1e-5) * p["g"] + p["b"]

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    relu = jax.nn.relu
    if args.workload == "W1":
        params = {"l1": dense(64, 128), "l2": dense(128, 128), "l3": dense(128, 10)}
        shape, batch_norm = (64,), False

        def forward(p, x):
            h = relu(x @ p["l1"]["w"] + p["l1"]["b"])
            h = relu(h @ p["l2"]["w"] + p["l2"]["b"])
            return h @ p["l3"]["w"] + p["l3"]["b"]
    elif args.workload == "W2":
        params = {"c1": conv_param(1, 6, 5), "c2": conv_param(6, 16, 5), "f1": dense(400, 120),
                  "f2": dense(120, 84), "f3": dense(84, 10)}
        shape, batch_norm = (28, 28, 1), False

        def forward(p, x):
            h = pool(relu(conv(p["c1"], x, pad=2)))
            h = pool(relu(conv(p["c2"], h))).reshape(x.shape[0], -1)
            h = relu(h @ p["f1"]["w"] + p["f1"]["b"])
            h = relu(h @ p["f2"]["w"] + p["f2"]["b"])
            return h @ p["f3"]["w"] + p["f3"]["b"]
    else:
        width = 64
        norm = lambda c: {"g": jnp.ones(c), "b": jnp.zeros(c)}
        blocks, cin, strides = [], width, []
        for k in range(4):
            for b in range(2):
                planes, stride = width << k, 2 if (b == 0 and k > 0) else 1
                blk = {"bn1": norm(cin), "conv1": conv_param(cin, planes, 3, False), "bn2": norm(planes),
                       "conv2": conv_param(planes, planes, 3, False)}
                if stride != 1 or cin != planes:
                    blk["short"] = conv_param(cin, planes, 1, False)
                blocks.append(blk)
                strides.append(stride)
                cin = planes
        params = {"conv1": conv_param(3, width, 3, False), "blocks": blocks, "bn": norm(cin), "linear": dense(cin, 10)}
        shape, batch_norm = (32, 32, 3), True

        def forward(p, x):
            h = conv(p["conv1"], x, pad=1)
            for blk, stride in zip(p["blocks"], strides):
                out = relu(bn(blk["bn1"], h))
                short = conv(blk["short"], out, stride) if "short" in blk else h
                out = conv(blk["conv1"], out, stride, 1)
                h = conv(blk["conv2"], relu(bn(blk["bn2"], out)), 1, 1) + short
            h = relu(bn(p["bn"], h)).mean((1, 2))
            return h @ p["linear"]["w"] + p["linear"]["b"]

    train = jax.random.normal(next(keys), (1000 if args.workload == "W1" else 200,) + shape)
    mean = train.mean(0, keepdims=True)
    x = train[:100]
    y = jax.nn.one_hot(jax.random.randint(next(keys), (100,), 0, 10), 10)
    arm = args.arm

    def soft_ce(logits, targets):
        return -(targets * jax.nn.log_softmax(logits)).sum(1).mean()

    def objective(p, key):
        if arm == "erm":
            return soft_ce(forward(p, x), y)
        lam = jax.random.beta(key, ALPHA, ALPHA)
        xm, ym = lam * x + (1 - lam) * x[::-1], lam * y + (1 - lam) * y[::-1]
        if arm == "mixup":
            return soft_ce(forward(p, xm), ym)
        if arm == "mixupe-approx":
            if batch_norm:
                fm, f = forward(p, xm), forward(p, x)
            else:
                both = forward(p, jnp.concatenate([xm, x]))
                fm, f = both[:100], both[100:]
            q = ((y - jax.nn.softmax(f)) * f).sum(1)
        else:
            fm = forward(p, xm)
            f, tangent = jax.jvp(lambda inp: forward(p, inp), (x,), (mean - x,))
            q = ((jax.nn.softmax(f) - y) * tangent).sum(1)
        L = soft_ce(fm, ym)
        total = L + ETA * jnp.abs(q).mean() * E_A
        return total * jax.lax.stop_gradient(jnp.abs(L) / jnp.abs(total))

    tmap = jax.tree_util.tree_map
    if args.workload == "W1":
        def update(p, s, g):  # Adam 1e-3
            m, v, t = s
            t = t + 1
            m = tmap(lambda m, g: 0.9 * m + 0.1 * g, m, g)
            v = tmap(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
            c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
            p = tmap(lambda p, m, v: p - 1e-3 * (m / c1) / (jnp.sqrt(v / c2) + 1e-8), p, m, v)
            return p, (m, v, t)
        zeros = tmap(jnp.zeros_like, params)
        state = (zeros, zeros, jnp.float32(0))
    else:
        def update(p, s, g):  # SGD 0.01, momentum 0.9
            s = tmap(lambda b, g: 0.9 * b + g, s, g)
            return tmap(lambda p, b: p - 0.01 * b, p, s), s
        state = tmap(jnp.zeros_like, params)

    @jax.jit
    def train_step(p, s, key):
        key, sub = jax.random.split(key)
        g = jax.grad(objective)(p, sub)
        p, s = update(p, s, g)
        return p, s, key

    holder = {"p": params, "s": state, "key": key}

    def step():
        holder["p"], holder["s"], holder["key"] = train_step(holder["p"], holder["s"], holder["key"])
        jax.block_until_ready(holder["p"])

    return "JAX-" + jax.__version__, step


def main():
    args = parse()
    label, step = (torch_step if args.framework == "torch" else jax_step)(args)
    median, best = timed(step, args.steps, args.repeats, WARM_UP[args.workload])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT framework={label} workload={args.workload} arm={args.arm} threads={args.threads} "
          f"median={median:.1f} best={best:.1f} peak_rss_mb={peak_mb:.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
