"""Probe (GPU machine): does replaying the FPS loop as one CUDA graph take the launch overhead out
of training's fresh geometry? Prints eager vs graphed times of geometry.fps / hierarchy for a
batch of damaged clouds and whether the indices are identical.

    PYTHONPATH=training python3 training/probes/fps_cuda_graph.py [--batch 111] [--reps 20]
"""
from __future__ import annotations

import argparse
import time

import torch

from any2point import fps_graph
from any2point import geometry as geo


def timed(fn, reps: int) -> float:
    fn()
    torch.cuda.synchronize()
    t = time.time()
    for _ in range(reps):
        fn()
    torch.cuda.synchronize()
    return (time.time() - t) / reps * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=111)
    ap.add_argument("--reps", type=int, default=20)
    a = ap.parse_args()
    dev = torch.device("cuda")
    g = torch.Generator().manual_seed(0)
    x = torch.rand(a.batch, 1024, 3, generator=g).to(dev)
    stages = (geo.Stage(512, 24), geo.Stage(64, 24))  # the default tokenizer: 1024 -> 512 -> 64, k 24
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}, batch {a.batch}, stages {[(s.centers, s.k) for s in stages]}")

    eager_fps = timed(lambda: geo.fps(x, 512), a.reps)
    eager_h = timed(lambda: geo.hierarchy(x, stages), a.reps)
    print(f"eager: fps 1024->512 {eager_fps:.1f} ms, whole hierarchy {eager_h:.1f} ms")

    replay = lambda: fps_graph.fps(x, 512)  # the training path: captured on the first call
    t = time.time()
    replay()
    torch.cuda.synchronize()
    print(f"capture {1000 * (time.time() - t):.0f} ms")
    graphed = timed(replay, a.reps)
    same = torch.equal(replay(), geo.fps(x, 512))
    print(f"graphed: fps 1024->512 {graphed:.1f} ms ({eager_fps / graphed:.1f}x), identical indices: {same}")
    y = torch.rand(a.batch, 1024, 3, generator=g).to(dev)
    print(f"new clouds through the same graph identical: {torch.equal(fps_graph.fps(y, 512), geo.fps(y, 512))}")

if __name__ == "__main__":
    main()
