"""The small PLY / OBJ reader used by folder datasets."""
from __future__ import annotations

import numpy as np
import pytest

from any2point.meshio import read_cloud

RNG = np.random.default_rng(0)


def test_ascii_ply_points(tmp_path):
    p = tmp_path / "a.ply"
    p.write_text("ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                 "property uchar red\nend_header\n0 0 0 255\n1 2 3 0\n-1 0.5 2 7\n")
    assert read_cloud(p, 8, RNG).tolist() == [[0, 0, 0], [1, 2, 3], [-1, 0.5, 2]]


def test_binary_ply_mesh_is_sampled_on_its_surface(tmp_path):
    verts = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], "<f4")
    head = ("ply\nformat binary_little_endian 1.0\nelement vertex 4\nproperty float x\nproperty float y\n"
            "property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n").encode()
    face = np.array([4], "u1").tobytes() + np.array([0, 1, 3, 2], "<i4").tobytes()
    p = tmp_path / "quad.ply"
    p.write_bytes(head + verts.tobytes() + face)
    pts = read_cloud(p, 500, RNG)
    assert pts.shape == (500, 3) and np.all(pts[:, 2] == 0)
    assert pts[:, :2].min() >= 0 and pts[:, :2].max() <= 1 and pts[:, 0].mean() == pytest.approx(0.5, abs=0.08)


def test_ply_triangle_strips_are_read_as_the_app_reads_them(tmp_path):
    """A 'tristrips' element (vrip, the Digital Michelangelo models): -1 between strips, joins
    left out; the same surface as the faces it stands for (src/io/ply.ts)."""
    from any2point.meshio import _read_ply
    head = ("ply\nformat ascii 1.0\nelement vertex 8\nproperty float x\nproperty float y\nproperty float z\n"
            "element tristrips 1\nproperty list int int vertex_indices\nend_header\n")
    grid = "".join(f"{x} {y} 0\n" for y in (0, 1) for x in range(4))
    p = tmp_path / "strips.ply"
    p.write_text(head + grid + "11 0 4 1 5 2 -1 2 2 6 3 7\n")
    verts, faces = _read_ply(p)
    assert faces.tolist() == [[0, 4, 1], [1, 4, 5], [1, 5, 2], [6, 2, 3], [6, 3, 7]]
    pts = read_cloud(p, 400, RNG)
    assert pts.shape == (400, 3) and pts[:, 0].max() > 2.5


def test_obj_with_faces_and_negative_indices(tmp_path):
    p = tmp_path / "t.obj"
    p.write_text("# tri\nv 0 0 0\nv 0 0 2\nv 0 2 0\nf -3/1 -2/2 -1/3\n")
    pts = read_cloud(p, 100, RNG)
    assert pts.shape == (100, 3) and np.all(pts[:, 0] == 0) and (pts[:, 1] + pts[:, 2]).max() <= 2 + 1e-9


def test_bad_files_name_what_is_wrong(tmp_path):
    bad = tmp_path / "b.obj"
    bad.write_text("v 0 0 0\nf 1 2 3\n")
    with pytest.raises(ValueError, match="face refers to a vertex that does not exist"):
        read_cloud(bad, 10, RNG)
    nohead = tmp_path / "c.ply"
    nohead.write_text("ply\nformat ascii 1.0\n")
    with pytest.raises(ValueError, match="end_header"):
        read_cloud(nohead, 10, RNG)
    with pytest.raises(ValueError, match="unsupported extension"):
        read_cloud(tmp_path / "d.blend", 10, RNG)
    # no shape: refused as the app refuses it
    (tmp_path / "same.xyz").write_text("0.5 0.5 0.5\n" * 100)
    with pytest.raises(ValueError, match="all 100 points lie at one place: there is no shape to classify"):
        read_cloud(tmp_path / "same.xyz", 10, RNG)
    (tmp_path / "one.xyz").write_text("1 2 3\n")
    with pytest.raises(ValueError, match="only 1 point: there is no shape"):
        read_cloud(tmp_path / "one.xyz", 10, RNG)


def test_a_shape_far_from_zero_keeps_its_detail(tmp_path):
    """Map coordinates (5.4 million: float32 steps of 0.5) are moved near zero before normalising,
    as the app's readers do (src/io/origin.ts), so the shape normalises as it would at the origin."""
    from any2point.geometry import normalise
    from any2point.meshio import far_origin

    shape = np.random.default_rng(3).random((200, 3))
    far = shape + [512345.678, 5401234.321, 250.5]
    for name, pts in (("near.obj", shape), ("far.obj", far)):
        (tmp_path / name).write_text("".join(f"v {x!r} {y!r} {z!r}\n" for x, y, z in pts))
    near_cloud = normalise(read_cloud(tmp_path / "near.obj", 256, RNG), 256)
    far_cloud = normalise(read_cloud(tmp_path / "far.obj", 256, RNG), 256)
    assert np.abs(far_cloud - near_cloud).max() < 1e-5
    assert np.abs(normalise(far, 256) - near_cloud).max() > 0.1  # what normalising the raw file gave
    assert far_origin(np.array([512345.5, -5401234.5, 250.4])).tolist() == [512346, -5401234, 250]  # half up, as Math.round
    assert far_origin(shape[0]).tolist() == [0, 0, 0] and far_origin(np.array([3e38, 0, 0])).tolist() == [0, 0, 0]


def test_upper_case_axis_names(tmp_path):
    p = tmp_path / "u.ply"
    p.write_text("ply\nformat ascii 1.0\nelement vertex 2\nproperty double X\nproperty double Y\nproperty double Z\n"
                 "end_header\n1 2 3\n4 5 6\n")
    assert read_cloud(p, 8, RNG).tolist() == [[1, 2, 3], [4, 5, 6]]
    both = tmp_path / "b.ply"
    both.write_text("ply\nformat ascii 1.0\nelement vertex 2\nproperty float X\nproperty float x\nproperty float y\n"
                    "property float z\nend_header\n9 1 2 3\n9 4 5 6\n")
    assert read_cloud(both, 8, RNG).tolist() == [[1, 2, 3], [4, 5, 6]]


def test_off_xyz_and_stl_read_as_the_app_reads_them(tmp_path):
    square = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]]
    # ModelNet40's OFF files sometimes run the counts onto the keyword line.
    for name, head in (("a.off", "OFF\n4 1 0\n"), ("b.off", "OFF4 1 0\n"), ("c.off", "# made by hand\nCOFF\n4 1 0\n")):
        (tmp_path / name).write_text(head + "".join(f"{x} {y} {z} 255 0 0 255\n" for x, y, z in square) + "4 0 1 2 3\n")
        pts = read_cloud(tmp_path / name, 300, RNG)
        assert pts.shape == (300, 3) and np.all(pts[:, 2] == 0) and pts[:, :2].min() >= 0 and pts[:, :2].max() <= 1, name
    (tmp_path / "p.csv").write_text("X,Y,Z,Intensity\n0.5,1.5,-2,7\n3,4,5,8\n-1,0,0.25,9\n")
    (tmp_path / "p.pts").write_text("3\n0.5 1.5 -2 7 1 2 3\n3 4 5 8 1 2 3\n-1 0 0.25 9 1 2 3\n")
    (tmp_path / "p.txt").write_text("// x;y;z\n0.5;1.5;-2\n3;4;5\n-1;0;0.25\n")
    for name in ("p.csv", "p.pts", "p.txt"):
        assert read_cloud(tmp_path / name, 8, RNG).tolist() == [[0.5, 1.5, -2], [3, 4, 5], [-1, 0, 0.25]], name
    tri = np.array([[0, 0, 0], [2, 0, 0], [0, 2, 0]], "<f4")
    binary = b"x" * 80 + np.uint32(1).tobytes() + np.zeros(3, "<f4").tobytes() + tri.tobytes() + b"\0\0"
    (tmp_path / "t.stl").write_bytes(binary)
    (tmp_path / "u.stl").write_text("solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 2 0 0\nvertex 0 2 0\n"
                                   "endloop\nendfacet\nendsolid t\n")
    for name in ("t.stl", "u.stl"):
        pts = read_cloud(tmp_path / name, 200, RNG)
        assert pts.shape == (200, 3) and np.all(pts[:, 2] == 0) and (pts[:, 0] + pts[:, 1]).max() <= 2 + 1e-6, name
    (tmp_path / "bad.xyz").write_text("1 2 3\n4 five 6\n")
    with pytest.raises(ValueError, match="line 2 is not numbers"):
        read_cloud(tmp_path / "bad.xyz", 8, RNG)
    (tmp_path / "bad.off").write_text("OFF\n4 1 0\n0 0 0\n")
    with pytest.raises(ValueError, match="declare 4 vertices and 1 faces but the file has 1 lines"):
        read_cloud(tmp_path / "bad.off", 8, RNG)


def _glb(doc: dict, binary: bytes) -> bytes:
    """A binary glTF of `doc` (JSON) and `binary` (its buffer 0), each chunk padded to 4 bytes."""
    import json

    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    binary += b"\0" * (-len(binary) % 4)
    return (b"glTF" + (2).to_bytes(4, "little") + (28 + len(js) + len(binary)).to_bytes(4, "little")
            + len(js).to_bytes(4, "little") + b"JSON" + js + len(binary).to_bytes(4, "little") + b"BIN\0" + binary)


def test_pcd_glb_and_3mf(tmp_path):
    import zipfile

    pts = np.array([[0.5, 1.5, -2], [3, 4, 5], [-1, 0, 0.25]])
    head = "# .PCD v0.7\nVERSION 0.7\nFIELDS x y z rgb\nSIZE 4 4 4 4\nTYPE F F F U\nCOUNT 1 1 1 1\nWIDTH 3\nHEIGHT 1\nPOINTS 3\n"
    (tmp_path / "a.pcd").write_text(head + "DATA ascii\n" + "".join(f"{x} {y} {z} 7\n" for x, y, z in pts))
    rows = np.zeros(3, np.dtype([("p", "<f4", 3), ("c", "<u4")]))
    rows["p"] = pts
    (tmp_path / "b.pcd").write_bytes((head + "DATA binary\n").encode() + rows.tobytes())
    for name in ("a.pcd", "b.pcd"):
        assert read_cloud(tmp_path / name, 8, RNG).tolist() == pts.tolist(), name
    (tmp_path / "c.pcd").write_bytes((head + "DATA binary_compressed\n").encode() + b"\0" * 8)
    with pytest.raises(ValueError, match="binary_compressed is not read here"):
        read_cloud(tmp_path / "c.pcd", 8, RNG)

    # A unit square, two triangles, placed by a node: a quarter turn about x, scale 2, moved by 10 in x.
    square = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], "<f4")
    idx = np.array([0, 1, 2, 0, 2, 3], "<u2")
    binary = square.tobytes() + idx.tobytes()
    s = float(np.sqrt(0.5))
    doc = {"asset": {"version": "2.0"}, "buffers": [{"byteLength": len(binary)}],
           "bufferViews": [{"buffer": 0, "byteLength": 48}, {"buffer": 0, "byteOffset": 48, "byteLength": 12}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3"},
                         {"bufferView": 1, "componentType": 5123, "count": 6, "type": "SCALAR"}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
           "nodes": [{"mesh": 0, "translation": [10, 0, 0], "rotation": [s, 0, 0, s], "scale": [2, 2, 2]}],
           "scenes": [{"nodes": [0]}], "scene": 0}
    (tmp_path / "s.glb").write_bytes(_glb(doc, binary))
    got = read_cloud(tmp_path / "s.glb", 500, RNG)
    assert np.allclose(got.min(0), [10, 0, 0], atol=0.1) and np.allclose(got.max(0), [12, 0, 2], atol=0.1)
    assert np.abs(got[:, 1]).max() < 1e-6

    # 3MF: the square in another part, placed twice by components (once moved by 5), the item scaled by 2.
    mesh = ('<mesh><vertices><vertex x="0" y="0" z="0"/><vertex x="1" y="0" z="0"/><vertex x="1" y="1" z="0"/>'
            '<vertex x="0" y="1" z="0"/></vertices><triangles><triangle v1="0" v2="1" v3="2"/><triangle v1="0" v2="2" v3="3"/>'
            '</triangles></mesh>')
    ns = 'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06"'
    root = (f'<model {ns}><resources><object id="2"><components><component p:path="/3D/Objects/sq.model" objectid="7"/>'
            '<component p:path="/3D/Objects/sq.model" objectid="7" transform="1 0 0 0 1 0 0 0 1 5 0 0"/></components></object>'
            '</resources><build><item objectid="2" transform="2 0 0 0 2 0 0 0 2 0 0 0"/></build></model>')
    with zipfile.ZipFile(tmp_path / "p.3mf", "w") as z:
        z.writestr("3D/3dmodel.model", root)
        z.writestr("3D/Objects/sq.model", f'<model {ns}><resources><object id="7">{mesh}</object></resources><build/></model>')
    got = read_cloud(tmp_path / "p.3mf", 1000, RNG)
    assert np.allclose(got.min(0), [0, 0, 0], atol=0.1) and np.allclose(got.max(0), [12, 2, 0], atol=0.1)
    assert not ((got[:, 0] > 2.2) & (got[:, 0] < 9.8)).any()  # two copies, 10 apart after the scale


# LAS and NumPy: the files tests/io/las.test.ts and npy.test.ts read too (loader_fixtures.py).
from any2point.tools import loader_fixtures as lf  # noqa: E402

FIX = lf.OUT


@pytest.mark.parametrize("name", ["rows-f4.npy", "rows-f8-fortran-v2.npy", "big-endian-f8.npy", "channels-first-f4.npy",
                                  "batch-of-one-normals.npy", "named.npz", "compressed.npz"])
def test_numpy_files_give_the_spiral(name):
    got = read_cloud(FIX / name, 8, RNG)
    assert np.abs(got - lf.spiral()).max() < 1e-6


def test_numpy_far_coordinates_are_shifted_like_the_app():
    got = read_cloud(FIX / "far-f8.npy", 8, RNG)
    assert np.abs(got + np.array([512346, 5401234, 100]) - (lf.spiral() + lf.FAR)).max() < 1e-6


@pytest.mark.parametrize("name", ["batch.npy", "flat.npy", "structured.npy", "objects.npy", "unnamed.npz"])
def test_numpy_files_that_are_not_one_cloud_are_refused(name):
    with pytest.raises(ValueError):
        read_cloud(FIX / name, 8, RNG)


@pytest.mark.parametrize("name", ["format0-v12.las", "format3-rgb8-vlr.las", "format7-v14-rgb16-extra.las"])
def test_las_files_give_the_spiral(name):
    assert np.abs(read_cloud(FIX / name, 8, RNG) - lf.spiral()).max() <= 0.0005 + 1e-9


def test_las_withheld_points_are_left_out_and_map_coordinates_shifted():
    got = read_cloud(FIX / "withheld-far.las", 8, RNG)
    assert got.shape == (97, 3)
    assert np.abs(got + np.array([512346, 5401235, 100]) - (lf.spiral()[3:] + lf.FAR)).max() <= 0.0005 + 1e-6


@pytest.mark.parametrize("name", ["compressed.laz", "truncated.las"])
def test_las_compressed_or_short_is_refused(name, tmp_path):
    path = tmp_path / name.replace(".laz", ".las")
    path.write_bytes((FIX / name).read_bytes())
    with pytest.raises(ValueError, match="LAZ-compressed|ends before"):
        read_cloud(path, 8, RNG)


def test_loader_fixtures_are_what_the_script_writes(tmp_path, monkeypatch):
    """The committed files are the script's output (npz aside: zip entries carry the time)."""
    monkeypatch.setattr(lf, "OUT", tmp_path)
    lf.main()
    for f in sorted(tmp_path.iterdir()):
        if f.suffix != ".npz":
            assert f.read_bytes() == (FIX / f.name).read_bytes(), f.name


# Gaussian splats: the files tests/io/splats.test.ts reads too; the spiral as opaque splats, the
# floaters (and the compressed file's filler chunk) nearly transparent, so left out.
@pytest.mark.parametrize("name,tolerance", [("splats-3dgs.ply", 1e-6), ("splats-compressed.ply", 0.003),
                                            ("splats-compressed-no-colour-bounds.ply", 0.006), ("splats.splat", 1e-6),
                                            ("splats-v2.spz", 2 ** -13 + 1e-9), ("splats-v3-sh1.spz", 2 ** -13 + 1e-9)])
def test_splat_files_give_the_spiral_without_transparent_splats(name, tolerance):
    got = read_cloud(FIX / name, 8, RNG)
    assert got.shape == (lf.N, 3)
    assert np.abs(got - lf.spiral()).max() <= tolerance


def test_splats_all_transparent_are_all_kept(tmp_path):
    data = bytearray((FIX / "splats.splat").read_bytes())
    data[27::32] = bytes(len(data) // 32)
    (tmp_path / "faint.splat").write_bytes(bytes(data))
    assert read_cloud(tmp_path / "faint.splat", 8, RNG).shape == (lf.N + lf.SPLAT_FLOATERS, 3)


@pytest.mark.parametrize("name", ["splats-cut.splat", "splats-short.spz", "not-splats.spz"])
def test_splat_files_cut_short_or_not_splats_are_refused(name):
    with pytest.raises(ValueError, match="whole splats|need|not SPZ"):
        read_cloud(FIX / name, 8, RNG)


def test_a_folder_dataset_leaves_usd_files_out_and_says_so(tmp_path, capsys):
    """USD is read by the app (src/io/usd.ts), not by training: a folder's USDZ files are left out
    with a warning that names them, not skipped in silence."""
    from any2point.datasets import load_folder

    for c in ("a", "b"):
        (tmp_path / c).mkdir()
        np.savetxt(tmp_path / c / "one.xyz", np.random.default_rng(0).normal(size=(64, 3)))
    (tmp_path / "a" / "scan.usdz").write_bytes(b"PK\x03\x04")
    (tmp_path / "b" / "table.dae").write_bytes(b"<COLLADA/>")
    (tmp_path / "b" / "set.7z").write_bytes(b"7z\xbc\xaf\x27\x1c")
    (tmp_path / "b" / "set.tar.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "b" / "table.blend").write_bytes(b"BLENDER-v304")
    (tmp_path / "b" / "chair.vox").write_bytes(b"VOX \x96\x00\x00\x00")
    data = load_folder(tmp_path, n_in=32)
    assert data.ids == ["a/one.xyz", "b/one.xyz"]
    assert "6 USD / Draco / FBX / COLLADA / VRML / DXF / 3DS / E57 / PTX / LAZ / .vtp / .vts / Blender / STEP / MagicaVoxel / archive / HDF5 / Zstandard file(s) left out (a/scan.usdz, b/chair.vox, b/set.7z, ...)" in capsys.readouterr().err


def test_a_meshopt_or_draco_glb_is_refused_not_misread(tmp_path):
    """A meshopt-compressed .glb keeps its bufferViews' offsets into a fallback buffer with no data:
    read as plain it would give garbage, so training refuses it, saying why (the app decodes it)."""
    import json
    import struct

    doc = {"asset": {"version": "2.0"}, "extensionsUsed": ["EXT_meshopt_compression"],
           "bufferViews": [{"buffer": 1, "byteLength": 96, "extensions": {"EXT_meshopt_compression": {"buffer": 0}}}]}
    body = json.dumps(doc).encode()
    body += b" " * (-len(body) % 4)
    glb = b"glTF" + struct.pack("<II", 2, 12 + 8 + len(body) + 8 + 4) + struct.pack("<I", len(body)) + b"JSON" + body
    glb += struct.pack("<I", 4) + b"BIN\0" + b"\0" * 4
    (tmp_path / "packed.glb").write_bytes(glb)
    with pytest.raises(ValueError, match="compressed with EXT_meshopt_compression"):
        read_cloud(tmp_path / "packed.glb", 64, np.random.default_rng(0))


def test_glb_instances_placed_like_the_app(tmp_path):
    """EXT_mesh_gpu_instancing (glTF-Transform's optimize writes it): every instance of the mesh,
    placed by its translation and rotation (int16 normalized) in the node's space, as gltf.ts does."""
    from any2point.meshio import _read_glb

    tri = np.array([[1, 0, 0], [0, 2, 0], [0, 0, 0]], "<f4")
    moves = np.array([[0, 0, 0], [5, 0, 0]], "<f4")
    q = round(np.sqrt(0.5) * 32767)
    turns = np.array([[0, 0, 0, 32767], [0, 0, q, q]], "<i2")
    binary = tri.tobytes() + moves.tobytes() + turns.tobytes()
    doc = {"asset": {"version": "2.0"}, "buffers": [{"byteLength": len(binary)}],
           "bufferViews": [{"buffer": 0, "byteLength": 36}, {"buffer": 0, "byteOffset": 36, "byteLength": 24},
                           {"buffer": 0, "byteOffset": 60, "byteLength": 16}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
                         {"bufferView": 1, "componentType": 5126, "count": 2, "type": "VEC3"},
                         {"bufferView": 2, "componentType": 5122, "normalized": True, "count": 2, "type": "VEC4"}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
           "nodes": [{"mesh": 0, "translation": [0, 0, 10],
                      "extensions": {"EXT_mesh_gpu_instancing": {"attributes": {"TRANSLATION": 1, "ROTATION": 2}}}}],
           "scenes": [{"nodes": [0]}], "scene": 0}
    (tmp_path / "bolts.glb").write_bytes(_glb(doc, binary))
    verts, faces = _read_glb(tmp_path / "bolts.glb")
    assert np.allclose(verts, [[1, 0, 10], [0, 2, 10], [0, 0, 10], [5, 1, 10], [3, 0, 10], [5, 0, 10]], atol=1e-4)
    assert faces.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_files_gzipped_whole_are_read_as_the_file_inside(tmp_path):
    """scan.ply.gz, cloud.xyz.gz: the app reads them (tests/io/gzipped.test.ts), and so does training;
    a damaged stream and a gzipped file of another kind are refused naming the file."""
    import gzip

    from any2point.datasets import load_folder

    points = np.random.default_rng(3).normal(size=(300, 3)).astype(np.float32)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    np.savetxt(tmp_path / "a" / "one.xyz", points)
    (tmp_path / "b" / "one.xyz.gz").write_bytes(gzip.compress((tmp_path / "a" / "one.xyz").read_bytes()))
    (tmp_path / "b" / "scan.laz.gz").write_bytes(gzip.compress(b"LASF"))
    (tmp_path / "b" / "server.log.gz").write_bytes(gzip.compress(b"log"))
    plain = read_cloud(tmp_path / "a" / "one.xyz", 64, np.random.default_rng(0))
    inflated = read_cloud(tmp_path / "b" / "one.xyz.gz", 64, np.random.default_rng(0))
    np.testing.assert_array_equal(plain, inflated)
    data = load_folder(tmp_path, n_in=32)
    assert data.ids == ["a/one.xyz", "b/one.xyz.gz"]
    np.testing.assert_array_equal(data.points[0], data.points[1])
    cut = tmp_path / "cut.ply.gz"
    cut.write_bytes((tmp_path / "b" / "one.xyz.gz").read_bytes()[:-10])
    with pytest.raises(ValueError, match="cut.ply.gz: the gzip stream is damaged or cut short"):
        read_cloud(cut, 8, RNG)
    with pytest.raises(ValueError, match=r"server.log.gz: a gzip-compressed \.log"):
        read_cloud(tmp_path / "b" / "server.log.gz", 8, RNG)


def test_files_compressed_by_xz_and_bzip2_are_read_and_zstandard_left_to_the_app(tmp_path, capsys):
    """scan.xyz.xz, scan.xyz.bz2: read as the file inside, as the app reads them (tests/io/compressed.test.ts);
    a Zstandard file and a compressed tar are left out of a folder with the warning; a cut stream is refused."""
    import bz2
    import lzma

    from any2point.datasets import load_folder

    points = np.random.default_rng(4).normal(size=(300, 3)).astype(np.float32)
    for c in "abc":
        (tmp_path / c).mkdir()
    np.savetxt(tmp_path / "a" / "one.xyz", points)
    text = (tmp_path / "a" / "one.xyz").read_bytes()
    (tmp_path / "b" / "one.xyz.xz").write_bytes(lzma.compress(text))
    (tmp_path / "c" / "one.xyz.bz2").write_bytes(bz2.compress(text))
    (tmp_path / "c" / "two.xyz.zst").write_bytes(b"\x28\xb5\x2f\xfd")
    (tmp_path / "c" / "set.tar.xz").write_bytes(lzma.compress(b""))
    plain = read_cloud(tmp_path / "a" / "one.xyz", 64, np.random.default_rng(0))
    for packed in (tmp_path / "b" / "one.xyz.xz", tmp_path / "c" / "one.xyz.bz2"):
        np.testing.assert_array_equal(plain, read_cloud(packed, 64, np.random.default_rng(0)))
    data = load_folder(tmp_path, n_in=32)
    assert data.ids == ["a/one.xyz", "b/one.xyz.xz", "c/one.xyz.bz2"]
    np.testing.assert_array_equal(data.points[0], data.points[2])
    assert "2 USD / Draco / FBX / COLLADA / VRML / DXF / 3DS / E57 / PTX / LAZ / .vtp / .vts / Blender / STEP / MagicaVoxel / archive / HDF5 / Zstandard file(s) left out (c/set.tar.xz, c/two.xyz.zst)" in capsys.readouterr().err
    cut = tmp_path / "cut.xyz.xz"
    cut.write_bytes((tmp_path / "b" / "one.xyz.xz").read_bytes()[:-30])
    with pytest.raises(ValueError, match="cut.xyz.xz: the xz stream is damaged or cut short"):
        read_cloud(cut, 8, RNG)
    cut = tmp_path / "cut.xyz.bz2"
    cut.write_bytes((tmp_path / "c" / "one.xyz.bz2").read_bytes()[:-30])
    with pytest.raises(ValueError, match="cut.xyz.bz2: the bzip2 stream is damaged or cut short"):
        read_cloud(cut, 8, RNG)


def test_vtk_gmsh_abaqus_and_nastran_meshes_are_read_as_the_app_reads_them(tmp_path):
    """.vtk, .vtu, .msh, .inp and .bdf written by meshio (tests/io/meshioWrite.py, as tests/io/vtk.test.ts,
    gmsh.test.ts, abaqus.test.ts and nastran.test.ts read them): the torus's triangles as written; the cube of tetrahedra
    as its boundary, 108 triangles (the app's count), every sampled point on the cube's faces; vertex
    cells as the points; a folder of them trains."""
    import subprocess
    from pathlib import Path

    from any2point.cells import cell_triangles
    from any2point.datasets import load_folder
    from any2point.meshio import _read_cells

    subprocess.run(["/usr/bin/python3", str(Path(__file__).resolve().parents[2] / "tests/io/meshioWrite.py"), str(tmp_path)], check=True, capture_output=True)
    for name in ["torus-51-binary.vtk", "torus-42-ascii.vtk", "torus-zlib.vtu", "torus-22-binary.msh", "torus-41-ascii.msh", "torus.inp", "torus.bdf"]:
        verts, faces = _read_cells(tmp_path / name)
        assert verts.shape == (288, 3) and faces.shape == (576, 3), name
    for name in ["cube-hexes.vtk", "cube-tets.vtu", "cube-41-binary.msh", "cube-tet10.msh", "cube-tets.inp", "cube-tet10.inp", "cube-tets.bdf"]:
        verts, faces = _read_cells(tmp_path / name)
        assert faces.shape == (108, 3), name
        corners = verts[faces]
        assert np.all(np.abs(corners).max(axis=2) > 1 - 1e-9), name  # every corner on a face of the cube
        points = read_cloud(tmp_path / name, 512, np.random.default_rng(0))
        assert np.all(np.abs(points).max(axis=1) > 1 - 1e-6), name  # sampled on the faces, none inside
    verts, faces = _read_cells(tmp_path / "cloud.vtk")
    assert faces is None and verts.shape == (500, 3)
    # A tetrahedron and its own boundary triangles: the volume's boundary, read once.
    tet = np.array([[0, 1, 2, 3]])
    faces, solids = cell_triangles([("tetra", tet), ("triangle", np.array([[0, 1, 2]])), ("line", np.array([[0, 1]]))])
    assert solids == 1 and sorted(map(sorted, faces.tolist())) == [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]
    for c in ("a", "b"):
        (tmp_path / "set" / c).mkdir(parents=True)
    for name in ["torus.inp", "cube-tets.vtu"]:
        (tmp_path / "set" / "a" / name).write_bytes((tmp_path / name).read_bytes())
    (tmp_path / "set" / "b" / "part.msh").write_bytes((tmp_path / "cube-41-binary.msh").read_bytes())
    data = load_folder(tmp_path / "set", n_in=64)
    assert data.ids == ["a/cube-tets.vtu", "a/torus.inp", "b/part.msh"]


def test_a_folder_dataset_is_kept_in_the_cache_until_a_file_changes(folder, tmp_path):
    import shutil

    from any2point.datasets import load_folder

    shutil.copytree(folder / "test", tmp_path / "test")
    cache = tmp_path / "cache"
    first = load_folder(tmp_path / "test", 1024, cache=cache)
    assert len(list(cache.glob("folder-clouds-*.npz"))) == 1
    again = load_folder(tmp_path / "test", 1024, cache=cache)
    assert np.array_equal(first.points, again.points) and np.array_equal(first.labels, again.labels)
    assert (first.ids, first.classes) == (again.ids, again.classes) and first.points.dtype == np.float32
    assert np.array_equal(first.points, load_folder(tmp_path / "test", 1024).points)  # as read without the cache
    assert np.array_equal(first.points, load_folder(tmp_path / "test", 1024, workers=2).points)  # and by two processes
    # a file changed (here: another cloud written over it) is read again
    chair = sorted((tmp_path / "test" / "chair").iterdir())
    shutil.copy(chair[1], chair[0])
    changed = load_folder(tmp_path / "test", 1024, cache=cache)
    assert len(list(cache.glob("folder-clouds-*.npz"))) == 2
    k = changed.ids.index(f"chair/{chair[0].name}")
    assert np.array_equal(changed.points[k], changed.points[k + 1]) and not np.array_equal(first.points[k], changed.points[k])
