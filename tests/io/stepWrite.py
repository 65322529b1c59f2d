# Writes the STEP fixtures of tests/io/step.test.ts with FreeCAD (OpenCASCADE's STEP writer, as
# most CAD programs' exports are), and beside each the same shapes as OpenCASCADE tessellates them
# (a binary STL, finely meshed), which the test compares the app's surface with:
#
#   bracket.step     a bracket: a box with a hole through it, rounded vertical edges, a chamfer
#                    (planes, cylinders, a cone-free chamfer plane)
#   primitives.step  a cylinder, a cone, a sphere and a torus side by side, one part
#   curved.step      a loft from a circle to a B-spline profile (B-spline surfaces), a vase
#                    revolved from a B-spline (a surface of revolution), a B-spline extruded
#   nurbs.step       the bracket, a sphere and a torus with every face turned into a B-spline
#                    surface (rational where a circle is), as some CAD programs export everything
#   table.step       an assembly: a table (a top, four legs placed in it) turned and moved within
#                    a room assembly, beside a stool (a part placed twice)
#
#   freecadcmd tests/io/stepWrite.py   (writes to $STEP_OUT, default tests/fixtures/loaders/step;
#   with STEP_BENCH_OUT=<folder>, only scripts/bench-step.ts's two plates, there)
#
# (Debian's freecad, 0.20.2 with OpenCASCADE 7.6, wrote the committed files: apt-get install freecad.)
import math
import os

import FreeCAD
import Import
import Mesh
import MeshPart
import Part
from FreeCAD import Placement, Rotation, Vector

OUT = os.path.abspath(os.environ.get("STEP_OUT", "tests/fixtures/loaders/step"))
os.makedirs(OUT, exist_ok=True)


def reference(shape, name):
    """The shape as OpenCASCADE tessellates it, to a deflection of 1/300 of its size."""
    size = shape.BoundBox.DiagonalLength
    mesh = MeshPart.meshFromShape(Shape=shape, LinearDeflection=size / 300, AngularDeflection=0.35, Relative=False)
    mesh.write(os.path.join(OUT, name + ".stl"))


def export(doc, objects, name, shape):
    doc.recompute()
    Import.export(objects, os.path.join(OUT, name + ".step"))
    reference(shape, name)


def bracket_shape():
    box = Part.makeBox(40, 20, 10)
    hole = Part.makeCylinder(4, 10, Vector(28, 10, 0))
    shape = box.cut(hole)
    vertical = [e for e in shape.Edges if abs(e.tangentAt(e.FirstParameter).z) > 0.99 and e.Length > 9 and e.Curve.TypeId == "Part::GeomLine"]
    shape = shape.makeFillet(3, vertical)
    top = [e for e in shape.Edges if e.BoundBox.ZMin > 9.99 and e.Curve.TypeId == "Part::GeomLine" and abs(e.BoundBox.XMin) < 1e-6]
    return shape.makeChamfer(2, top)


def bracket():
    doc = FreeCAD.newDocument("bracket")
    shape = bracket_shape()
    obj = doc.addObject("Part::Feature", "bracket")
    obj.Shape = shape
    export(doc, [obj], "bracket", shape)


def primitives():
    doc = FreeCAD.newDocument("primitives")
    solids = [
        Part.makeCylinder(3, 8, Vector(0, 0, 0)),
        Part.makeCone(4, 1, 7, Vector(12, 0, 0)),
        Part.makeSphere(3.5, Vector(24, 0, 3.5)),
        Part.makeTorus(4, 1.2, Vector(36, 0, 1.2)),
    ]
    shape = Part.makeCompound(solids)
    obj = doc.addObject("Part::Feature", "primitives")
    obj.Shape = shape
    export(doc, [obj], "primitives", shape)


def curved():
    doc = FreeCAD.newDocument("curved")
    circle = Part.Wire([Part.makeCircle(5, Vector(0, 0, 0))])
    spline = Part.BSplineCurve()
    pts = [Vector(6 * math.cos(a), 3 * math.sin(a) + 0.8 * math.sin(3 * a), 12) for a in [2 * math.pi * i / 9 for i in range(9)]]
    spline.interpolate(pts, PeriodicFlag=True)
    loft = Part.makeLoft([circle, Part.Wire([spline.toShape()])], True, False)
    profile = Part.BSplineCurve()
    profile.interpolate([Vector(3, 0, 0), Vector(5, 0, 4), Vector(2.5, 0, 9), Vector(3.5, 0, 12)])
    vase = profile.toShape().revolve(Vector(20, 0, 0) * 0, Vector(0, 0, 1), 360)
    vase.translate(Vector(20, 0, 0))
    wave = Part.BSplineCurve()
    wave.interpolate([Vector(32, 0, 0), Vector(35, 3, 0), Vector(38, -2, 0), Vector(41, 1, 0)])
    sheet = wave.toShape().extrude(Vector(0, 0, 10))
    shape = Part.makeCompound([loft, vase, sheet])
    obj = doc.addObject("Part::Feature", "curved")
    obj.Shape = shape
    export(doc, [obj], "curved", shape)


def nurbs():
    doc = FreeCAD.newDocument("nurbs")
    parts = [bracket_shape(), Part.makeSphere(6, Vector(55, 10, 6)), Part.makeTorus(6, 2, Vector(75, 10, 2))]
    shape = Part.makeCompound([p.toNurbs() for p in parts])
    obj = doc.addObject("Part::Feature", "nurbs")
    obj.Shape = shape
    export(doc, [obj], "nurbs", shape)


def table():
    doc = FreeCAD.newDocument("table")
    room = doc.addObject("App::Part", "room")
    table = doc.addObject("App::Part", "table")
    room.addObject(table)
    top = doc.addObject("Part::Feature", "top")
    top.Shape = Part.makeBox(120, 70, 4)
    top.Placement = Placement(Vector(0, 0, 71), Rotation())
    table.addObject(top)
    for i, (x, y) in enumerate([(5, 5), (110, 5), (5, 60), (110, 60)]):
        leg = doc.addObject("Part::Feature", f"leg{i}")
        leg.Shape = Part.makeCylinder(2.5, 71)
        leg.Placement = Placement(Vector(x + 2.5, y + 2.5, 0), Rotation())
        table.addObject(leg)
    table.Placement = Placement(Vector(30, -20, 0), Rotation(Vector(0, 0, 1), 30))
    stool = doc.addObject("Part::Feature", "stool")
    stool.Shape = Part.makeCylinder(15, 3, Vector(0, 0, 42)).fuse(Part.makeCylinder(2, 42))
    stool.Placement = Placement(Vector(180, 0, 0), Rotation(Vector(0, 0, 1), 10))
    room.addObject(stool)
    doc.recompute()
    Import.export([room], os.path.join(OUT, "table.step"))
    placed = [o.getGlobalPlacement() for o in (top, *[doc.getObject(f"leg{i}") for i in range(4)], stool)]
    shapes = []
    for o, p in zip((top, *[doc.getObject(f"leg{i}") for i in range(4)], stool), placed):
        s = o.Shape.copy()
        s.Placement = p
        shapes.append(s)
    reference(Part.makeCompound(shapes), "table")


def bench(out):
    """For scripts/bench-step.ts (not committed): a 200 x 200 x 10 plate with 400 holes chamfered on
    top (1,602 faces), and the same with every face a B-spline surface."""
    doc = FreeCAD.newDocument("plate")
    plate = Part.makeBox(200, 200, 10)
    holes = [Part.makeCylinder(3, 10, Vector(10 + 9 * i, 10 + 9 * j, 0)) for i in range(20) for j in range(20)]
    shape = plate.cut(Part.makeCompound(holes))
    shape = shape.makeChamfer(0.8, [e for e in shape.Edges if e.Curve.TypeId == "Part::GeomCircle" and e.BoundBox.ZMin > 9.9])
    for name, s in (("plate", shape), ("plate-nurbs", shape.toNurbs())):
        obj = doc.addObject("Part::Feature", name)
        obj.Shape = s
        Import.export([obj], os.path.join(out, name + ".step"))


if os.environ.get("STEP_BENCH_OUT"):
    bench(os.environ["STEP_BENCH_OUT"])
    raise SystemExit(0)
bracket()
primitives()
curved()
nurbs()
table()
