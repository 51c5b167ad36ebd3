"""LeNet-5 Mixup training steps in PyTorch and JAX on the CPU, for a side-by-side with MixupLab.

Same model and step as MixupLab's "LeNet <arm> step b100" benchmark: 28×28×1 inputs, conv 1→6 5×5
pad 2 → ReLU → max-pool 2 → conv 6→16 5×5 → ReLU → max-pool 2 → 400→120→84→10, softmax cross
entropy, Adam (lr 1e-3), batch 100, mixing with a reversed partner and λ ~ Beta(0.2, 0.2).
Prints samples/s (median of --repeats timed blocks of --steps steps) for each framework found.

Usage: python3 lenet_peers.py [--threads 1] [--steps 50] [--repeats 5] [--arms erm,mixup]
Install the peers into a venv first: pip install torch jax jaxlib (see Benchmarks/README.md).
"""
import argparse
import os
import statistics
import sys
import time


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--arms", default="erm,mixup")
    p.add_argument("--frameworks", default="torch,jax")
    return p.parse_args()


def timed(step, steps, repeats, batch=100):
    for _ in range(3):
        step()
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * batch / (time.perf_counter() - t))
    return statistics.median(rates), max(rates)


def torch_rates(args, arms):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(1, 6, 5, padding=2)
            self.c2 = nn.Conv2d(6, 16, 5)
            self.f1 = nn.Linear(400, 120)
            self.f2 = nn.Linear(120, 84)
            self.f3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.c1(x)), 2)
            x = F.max_pool2d(F.relu(self.c2(x)), 2)
            x = x.flatten(1)
            return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))

    model = LeNet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(100, 1, 28, 28)
    y = F.one_hot(torch.randint(0, 10, (100,)), 10).float()
    beta = torch.distributions.Beta(0.2, 0.2)
    out = {}
    for arm in arms:
        def step():
            if arm == "mixup":
                lam = beta.sample()
                xm, ym = lam * x + (1 - lam) * x.flip(0), lam * y + (1 - lam) * y.flip(0)
            else:
                xm, ym = x, y
            opt.zero_grad(set_to_none=True)
            loss = -(ym * F.log_softmax(model(xm), dim=1)).sum(1).mean()
            loss.backward()
            opt.step()
        out[arm] = timed(step, args.steps, args.repeats)
    return "PyTorch " + torch.__version__, out


def jax_rates(args, arms):
    os.environ.setdefault("XLA_FLAGS", f"--xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'} "
                                       f"intra_op_parallelism_threads={args.threads}")
    import jax
    import jax.numpy as jnp

    def init(key):
        ks = jax.random.split(key, 5)
        def u(k, shape, fan_in):
            b = 1 / fan_in ** 0.5
            return jax.random.uniform(k, shape, minval=-b, maxval=b)
        return {"c1": (u(ks[0], (6, 1, 5, 5), 25), jnp.zeros(6)), "c2": (u(ks[1], (16, 6, 5, 5), 150), jnp.zeros(16)),
                "f1": (u(ks[2], (400, 120), 400), jnp.zeros(120)), "f2": (u(ks[3], (120, 84), 120), jnp.zeros(84)),
                "f3": (u(ks[4], (84, 10), 84), jnp.zeros(10))}

    def conv(x, wb, pad):
        w, b = wb
        y = jax.lax.conv_general_dilated(x, w, (1, 1), [(pad, pad), (pad, pad)])
        return y + b[None, :, None, None]

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def forward(p, x):
        x = pool(jax.nn.relu(conv(x, p["c1"], 2)))
        x = pool(jax.nn.relu(conv(x, p["c2"], 0)))
        x = x.reshape(x.shape[0], -1)
        x = jax.nn.relu(x @ p["f1"][0] + p["f1"][1])
        x = jax.nn.relu(x @ p["f2"][0] + p["f2"][1])
        return x @ p["f3"][0] + p["f3"][1]

    def loss(p, x, y):
        return -(y * jax.nn.log_softmax(forward(p, x))).sum(1).mean()

    def adam(p, m, v, g, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        p = jax.tree_util.tree_map(lambda p, m, v: p - lr * (m / c1) / (jnp.sqrt(v / c2) + eps), p, m, v)
        return p, m, v

    @jax.jit
    def train_step(p, m, v, t, x, y, key, mix):
        lam = jnp.where(mix, jax.random.beta(key, 0.2, 0.2), 1.0)
        xm, ym = lam * x + (1 - lam) * x[::-1], lam * y + (1 - lam) * y[::-1]
        g = jax.grad(loss)(p, xm, ym)
        return adam(p, m, v, g, t)

    key = jax.random.PRNGKey(0)
    p = init(key)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
    x = jax.random.normal(key, (100, 1, 28, 28))
    y = jax.nn.one_hot(jax.random.randint(key, (100,), 0, 10), 10)
    out = {}
    for arm in arms:
        state = {"p": p, "m": zeros, "v": zeros, "t": 1, "key": key}
        def step():
            state["key"], sub = jax.random.split(state["key"])
            state["p"], state["m"], state["v"] = train_step(state["p"], state["m"], state["v"], state["t"], x, y, sub,
                                                            arm == "mixup")
            state["t"] += 1
            jax.block_until_ready(state["p"])
        out[arm] = timed(step, args.steps, args.repeats)
    return "JAX " + jax.__version__, out


def main():
    args = parse()
    arms = args.arms.split(",")
    for name in args.frameworks.split(","):
        fn = {"torch": torch_rates, "jax": jax_rates}[name]
        try:
            label, rates = fn(args, arms)
        except ImportError as e:
            print(f"{name}: not installed ({e})", file=sys.stderr)
            continue
        for arm, (median, best) in rates.items():
            print(f"{label:<16} LeNet {arm:<6} step b100, {args.threads} thread(s): {median:9.0f} samples/s (best {best:.0f})")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
