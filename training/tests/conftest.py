"""Makes the `any2point` package importable from training/ and fixes torch's thread count."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
