"""HDF5 files for tests/io/hdf5.test.ts, written by h5py (Debian's python3-h5py, the HDF5 library
itself) in the layouts point-cloud data sets and people's scripts produce. Each file's clouds are
also saved as .npy (NumPy's own writer) beside it, for the test to compare point for point.

    /usr/bin/python3 tests/io/hdf5Write.py <folder>
"""
import sys
from pathlib import Path

import h5py
import numpy as np

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(5)
batch = rng.normal(size=(40, 256, 3)).astype("<f4")
labels = rng.integers(0, 40, size=(40, 1)).astype("u1")
np.save(out / "batch.npy", batch)
np.save(out / "labels.npy", labels)
np.save(out / "batch-f8.npy", batch.astype(">f8"))
np.save(out / "batch-i2.npy", (batch * 1000).astype("<i2"))


def write(name, build, **file_options):
    with h5py.File(out / name, "w", **file_options) as f:
        build(f)


# PointNet's ModelNet40 files: data (N x P x 3, gzip 4), label (N x 1), normal (N x P x 3), faceId.
def modelnet(f):
    f.create_dataset("data", data=batch, compression="gzip", compression_opts=4)
    f.create_dataset("label", data=labels, compression="gzip", compression_opts=1)
    f.create_dataset("normal", data=np.ones_like(batch), compression="gzip", compression_opts=4)
    f.create_dataset("faceId", data=np.zeros(batch.shape[:2], "i4"), compression="gzip", compression_opts=1)


write("modelnet.h5", modelnet)
write("contiguous.h5", lambda f: (f.create_dataset("data", data=batch), f.create_dataset("label", data=labels[:, 0])))
write("lzf.h5", lambda f: f.create_dataset("data", data=batch, compression="lzf"))
write("shuffle-fletcher.h5", lambda f: f.create_dataset("data", data=batch, chunks=(7, 100, 3), compression="gzip", shuffle=True, fletcher32=True))
# Many small chunks: a B-tree of more than one level.
write("deep-tree.h5", lambda f: f.create_dataset("data", data=batch, chunks=(1, 16, 3)))
write("big-endian-f8.h5", lambda f: f.create_dataset("data", data=batch.astype(">f8")))
write("int16.h5", lambda f: f.create_dataset("data", data=(batch * 1000).astype("<i2")))
# One cloud, in a nested group, with normals; and channels first.
write("one-cloud.h5", lambda f: f.create_group("scans/room").create_dataset("points", data=np.concatenate([batch[3], batch[3] / np.linalg.norm(batch[3], axis=1, keepdims=True)], axis=1), chunks=(64, 6), compression="gzip"))
write("channels-first.h5", lambda f: f.create_dataset("xyz", data=np.ascontiguousarray(batch[3].T)))
# libver='latest': superblock 3, version 2 object headers, link messages, layout version 4 with
# a fixed array of chunks, one chunk, and chunks stored implicitly.
write("latest-fixed-array.h5", lambda f: f.create_dataset("data", data=batch, chunks=(8, 64, 3), compression="gzip"), libver="latest")
write("latest-one-chunk.h5", lambda f: f.create_dataset("data", data=batch, chunks=batch.shape, compression="gzip", shuffle=True), libver="latest")


def implicit(f):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((8, 64, 3))
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    space = h5py.h5s.create_simple(batch.shape)
    ds = h5py.h5d.create(f.id, b"data", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, batch)


write("latest-implicit.h5", implicit, libver="latest")


def compact(f):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple((20, 3))
    ds = h5py.h5d.create(f.id, b"points", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(batch[0, :20]))


write("compact.h5", compact)
write("user-block.h5", lambda f: f.create_dataset("data", data=batch[:2]), userblock_size=512)
# Refused: a dataset that can grow (an extensible array of chunks), a group of many members
# (dense link storage), a compression not read, nothing like points.
write("growable.h5", lambda f: f.create_dataset("data", data=batch, maxshape=(None, 256, 3), chunks=(8, 64, 3)), libver="latest")
write("many-members.h5", lambda f: [f.create_dataset(f"cloud{i:02d}", data=batch[i]) for i in range(20)], libver="latest")
write("images.h5", lambda f: f.create_dataset("images", data=np.zeros((4, 28, 28), "u1")))
write("scaleoffset.h5", lambda f: f.create_dataset("data", data=batch, chunks=(8, 64, 3), scaleoffset=3))
print(f"hdf5Write: files written under {out}")
