# Writes the .blend fixtures of tests/io/blend.test.ts with Blender itself, and beside each the
# geometry Blender evaluates from it, as the test compares it: every polygon of every mesh object
# the scene shows (visible in the viewport and in renders, drawn as a surface), placed in the world,
# with the Mirror modifiers and the Arrays of a fixed count applied and no other modifier.
#
#   blender -b --factory-startup --python tests/io/blendWrite.py -- tests/fixtures/loaders/blend
#
# (Debian's blender, 3.4.1, wrote the committed files: apt-get install blender.)
import json
import math
import os
import sys
import tempfile

import bmesh
import bpy
from mathutils import Euler, Matrix, Quaternion, Vector

OUT = os.path.abspath(sys.argv[sys.argv.index('--') + 1])


def clear():
    bpy.ops.wm.read_factory_settings(use_empty=True)


def box(name, lo, hi, collection=None):
    """A mesh object of one box from corner lo to corner hi, in its own local frame."""
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    bmesh.ops.create_cube(bm, size=1.0)
    for v in bm.verts:
        v.co = Vector([(l + h) / 2 + (h - l) * c for l, h, c in zip(lo, hi, v.co)])
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    (collection or bpy.context.scene.collection).objects.link(obj)
    return obj


def cylinder(name, radius, depth, segments=12, collection=None):
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    bmesh.ops.create_cone(bm, cap_ends=True, cap_tris=False, segments=segments, radius1=radius, radius2=radius, depth=depth)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    (collection or bpy.context.scene.collection).objects.link(obj)
    return obj


def mirror(obj, axes, mirror_object=None):
    m = obj.modifiers.new('Mirror', 'MIRROR')
    m.use_axis = [a in axes for a in 'xyz']
    m.use_mirror_merge = False
    m.mirror_object = mirror_object
    return m


def shown(obj, instanced=False):
    """Shown in the viewport and in renders, drawn as a surface; an object of the scene's own also
    not hidden by the view layer (its eye, its collection's eye or checkbox)."""
    in_shown = any(not c.hide_render and not c.hide_viewport for c in obj.users_collection)
    layer = instanced or obj.visible_get()
    return layer and in_shown and not obj.hide_render and not obj.hide_viewport and obj.display_type not in {'WIRE', 'BOUNDS'}


def expected(path):
    """The polygons Blender shows, Mirror and fixed-count Array modifiers only, in world coordinates."""
    off = []
    applied = lambda m: m.type == 'MIRROR' or (m.type == 'ARRAY' and m.fit_type == 'FIXED_COUNT' and not m.start_cap and not m.end_cap)
    for obj in bpy.data.objects:
        for m in obj.modifiers:
            if not applied(m) and m.show_viewport:
                m.show_viewport = False
                off.append(m)
    bpy.context.view_layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    polygons = []
    for inst in depsgraph.object_instances:
        original = inst.instance_object.original if inst.is_instance else inst.object.original
        if original.type != 'MESH' or not shown(original, inst.is_instance) or original.library is not None:
            continue
        if inst.is_instance and not shown(inst.parent.original):
            continue
        mesh = inst.object.evaluated_get(depsgraph).to_mesh()
        world = inst.matrix_world.copy()
        for p in mesh.polygons:
            polygons.append([round(c, 5) for i in p.vertices for c in world @ mesh.vertices[i].co])
        inst.object.evaluated_get(depsgraph).to_mesh_clear()
    objects = {o.name: [v for col in o.matrix_world.col for v in col] for o in bpy.data.objects if o.library is None}
    for m in off:
        m.show_viewport = True
    with open(path, 'w') as f:
        json.dump({'blender': bpy.app.version_string, 'polygons': polygons, 'matrices': objects}, f)


def table():
    """A table as one models it in Blender: a top, and one leg mirrored over x and y into four."""
    clear()
    top = box('Top', (-0.8, -0.5, 0.72), (0.8, 0.5, 0.78))
    leg = box('Leg', (0.68, 0.38, 0.0), (0.74, 0.44, 0.72))
    mirror(leg, 'xy')
    leg.parent = top
    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(OUT, 'table.blend'), compress=True)
    expected(os.path.join(OUT, 'table.json'))


def pair():
    """Two tables side by side on the ground (a scene, not one shape), the second turned."""
    clear()
    for k, (x, turn) in enumerate([(0, 0), (3, 0.5)]):
        top = box(f'Top {k}', (-0.8, -0.5, 0.72), (0.8, 0.5, 0.78))
        leg = box(f'Leg {k}', (0.68, 0.38, 0.0), (0.74, 0.44, 0.72))
        mirror(leg, 'xy')
        leg.parent = top
        top.location = (x, 0, 0)
        top.rotation_euler = (0, 0, turn)
    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(OUT, 'pair.blend'), compress=True)
    expected(os.path.join(OUT, 'pair.json'))


def scene():
    """Every way this reader places a mesh, and what it leaves out."""
    clear()
    scene = bpy.context.scene
    turns = {}
    for k, mode in enumerate(['XYZ', 'XZY', 'YXZ', 'YZX', 'ZXY', 'ZYX', 'QUATERNION', 'AXIS_ANGLE']):
        obj = box(f'Turned {mode}', (-0.1, -0.2, -0.3), (0.1, 0.2, 0.3))
        obj.location = (3 * k, 0, 0)
        obj.rotation_mode = mode
        if mode == 'QUATERNION':
            obj.rotation_quaternion = Quaternion((0.3, -0.5, 0.7), 1.1)
        elif mode == 'AXIS_ANGLE':
            obj.rotation_axis_angle = (0.9, 0.2, -0.4, 0.6)
        else:
            obj.rotation_euler = Euler((0.4, -0.9, 1.3), mode)
        obj.scale = (1.5, -0.5, 2.0)
        turns[mode] = obj
    deltas = turns['ZXY']
    deltas.delta_location = (0.5, 0.25, -1)
    deltas.delta_rotation_euler = Euler((0.2, 0.1, -0.3), 'ZXY')
    deltas.delta_scale = (1, 2, 0.5)
    quat = turns['QUATERNION']
    quat.delta_rotation_quaternion = Quaternion((1, 1, 0), 0.5)

    # A parent chain with the inverse Blender keeps when a parent is set after the fact.
    base = cylinder('Base', 0.5, 0.2)
    base.location = (0, 5, 0)
    base.rotation_euler = (0, 0, 0.7)
    arm = box('Arm', (0, -0.05, 0), (1, 0.05, 0.1))
    arm.location = (1, 6, 1)
    bpy.context.view_layer.update()
    arm.parent = base
    arm.matrix_parent_inverse = base.matrix_world.inverted()
    hand = box('Hand', (-0.1, -0.1, -0.1), (0.1, 0.1, 0.1))
    hand.parent = arm
    hand.location = (1, 0, 0.3)
    hand.scale = (0.5, 0.5, 3)

    # Mirrors: about the object's own axes, and about an empty's.
    wing = box('Wing', (0.3, -0.1, 0), (1.5, 0.1, 0.05))
    wing.location = (0, -5, 1)
    mirror(wing, 'x')
    pivot = bpy.data.objects.new('Pivot', None)
    scene.collection.objects.link(pivot)
    pivot.location = (2, -6, 0)
    pivot.rotation_euler = (0, 0, 0.5)
    fin = box('Fin', (2.5, -6.2, 0), (3.0, -5.9, 0.4))
    mirror(fin, 'yz', pivot)

    # A collection shown elsewhere by an empty that instances it (offset by the collection's
    # instance offset), itself in a child collection of the scene.
    parts = bpy.data.collections.new('Parts')
    scene.collection.children.link(parts)
    box('Part', (0, 0, 0), (0.2, 0.3, 0.4), parts)
    parts.instance_offset = (0.1, 0, 0)
    shelf = bpy.data.collections.new('Shelf')
    scene.collection.children.link(shelf)
    holder = bpy.data.objects.new('Holder', None)
    shelf.objects.link(holder)
    holder.instance_type = 'COLLECTION'
    holder.instance_collection = parts
    holder.location = (-4, 2, 1)
    holder.rotation_euler = (0.3, 0, 1.0)
    holder.scale = (2, 2, 2)

    # What is not shown: hidden for renders, hidden in the viewport, drawn as a wire frame (a
    # Boolean's cutter), a hidden collection's objects.
    box('Hidden from renders', (9, 9, 9), (10, 10, 10)).hide_render = True
    box('Hidden in viewport', (9, -9, 9), (10, -10, 10)).hide_viewport = True
    cutter = box('Cutter', (-0.1, 4.9, -1), (0.1, 5.1, 1))
    cutter.display_type = 'WIRE'
    base.modifiers.new('Cut', 'BOOLEAN').object = cutter
    hidden = bpy.data.collections.new('Hidden collection')
    scene.collection.children.link(hidden)
    hidden.hide_render = True
    box('In a hidden collection', (-9, 9, 9), (-10, 10, 10), hidden)
    # ... and what the view layer hides: an excluded collection, one hidden by its eye, an object
    # hidden by its eye.
    for name in ['Excluded', 'Eye closed']:
        c = bpy.data.collections.new(name)
        scene.collection.children.link(c)
        box(f'In {name}', (-9, -9, 9), (-10, -10, 10), c)
    layer = bpy.context.view_layer
    layer.layer_collection.children['Excluded'].exclude = True
    layer.layer_collection.children['Eye closed'].hide_viewport = True
    box('Eye closed', (9, 9, -9), (10, 10, -10)).hide_set(True)

    # Arrays: of a relative offset; after a mirror, of a relative and a constant offset; of an
    # offset object's transform (a turned, moved empty: a spiral).
    rail = box('Rail', (0, 0, 0), (0.5, 0.1, 0.1))
    rail.location = (0, -8, 0)
    rail.modifiers.new('Array', 'ARRAY').count = 3
    fence = box('Fence', (0, 0.3, 0), (0.1, 0.4, 1))
    fence.location = (0, -10, 0)
    mirror(fence, 'y')
    picket = fence.modifiers.new('Pickets', 'ARRAY')
    picket.count = 4
    picket.relative_offset_displace = (1.5, 0, 0)
    picket.use_constant_offset = True
    picket.constant_offset_displace = (0, 0.2, 0.05)
    step = bpy.data.objects.new('Step', None)
    scene.collection.objects.link(step)
    step.location = (6.3, -12, 0.2)
    step.rotation_euler = (0, 0, 0.5)
    stair = box('Stair', (0, -0.1, 0), (1, 0.1, 0.05))
    stair.location = (6, -12, 0)
    spiral = stair.modifiers.new('Spiral', 'ARRAY')
    spiral.count = 5
    spiral.use_relative_offset = False
    spiral.use_object_offset = True
    spiral.offset_object = step

    # A modifier this reader does not apply (an array fitted to a length), a curve, an orphan
    # mesh and another scene's object.
    stretch = box('Stretch', (0, 0, 0), (0.2, 0.1, 0.1))
    stretch.location = (0, -14, 0)
    fit = stretch.modifiers.new('Array', 'ARRAY')
    fit.fit_type = 'FIT_LENGTH'
    fit.fit_length = 1.0
    curve = bpy.data.curves.new('Path', 'CURVE')
    curve.splines.new('BEZIER')
    scene.collection.objects.link(bpy.data.objects.new('Path', curve))
    orphan = bpy.data.meshes.new('Orphan')
    orphan.from_pydata([(50, 50, 50), (51, 50, 50), (50, 51, 50)], [], [(0, 1, 2)])
    orphan.use_fake_user = True
    other = bpy.data.scenes.new('Other scene')
    far = bpy.data.objects.new('Elsewhere', orphan)
    other.collection.objects.link(far)

    # An image packed into the file (as a scene's textures are): passed over when the file is read
    # by parts.
    image = bpy.data.images.new('Texture', 64, 64)
    image.filepath_raw = os.path.join(tempfile.mkdtemp(), 'texture.png')
    image.file_format = 'PNG'
    image.save()
    packed = bpy.data.images.load(image.filepath_raw)
    packed.pack()
    packed.use_fake_user = True
    bpy.data.images.remove(image)

    # An object linked from another .blend (the table's top, from its library file beside it).
    with bpy.data.libraries.load(os.path.join(OUT, 'table-library.blend'), link=True, relative=True) as (source, target):
        target.objects = ['Top']
    scene.collection.objects.link(target.objects[0])

    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(OUT, 'scene.blend'), compress=True)
    expected(os.path.join(OUT, 'scene.json'))


def library():
    """The table written as Blender writes a library (no window, no screens): uncompressed."""
    table()
    bpy.data.libraries.write(os.path.join(OUT, 'table-library.blend'), {bpy.context.scene}, compress=False)


os.makedirs(OUT, exist_ok=True)
library()
scene()
pair()
