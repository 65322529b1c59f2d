"""fps_graph: geometry.fps through a cached CUDA graph, padded to buckets; the same indices."""
import pytest
import torch

from any2point import fps_graph
from any2point import geometry as geo


def test_buckets_round_up_to_whole_buckets():
    assert [fps_graph.padded_rows(b) for b in (1, 31, 32, 33, 111, 128)] == [32, 32, 32, 64, 128, 128]


def test_off_cuda_it_is_geometry_fps():
    x = torch.rand(5, 300, 3, generator=torch.Generator().manual_seed(1))
    assert torch.equal(fps_graph.fps(x, 64), geo.fps(x, 64))
    stages = (geo.Stage(64, 8), geo.Stage(16, 8))
    a, b = geo.hierarchy(x, stages), geo.hierarchy(x, stages, fps_graph.fps)
    assert all(torch.equal(p, q) for p, q in zip(a[0] + a[1], b[0] + b[1]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA (a lent GPU machine)")
def test_graph_replays_equal_eager_fps_for_any_batch_and_new_clouds():
    g = torch.Generator().manual_seed(2)
    for b in (1, 33, 111, 33):  # 33 twice: the second replays a cached graph with stale padding
        x = torch.rand(b, 1024, 3, generator=g).cuda()
        assert torch.equal(fps_graph.fps(x, 512), geo.fps(x, 512))
    small = torch.rand(3, 20, 3, generator=g).cuda()  # N < S: the cyclic repeat inside the graph
    assert torch.equal(fps_graph.fps(small, 64), geo.fps(small, 64))
