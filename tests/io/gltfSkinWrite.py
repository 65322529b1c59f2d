# Writes the skinned glTF fixtures of tests/io/gltfSkin.test.ts with Blender's own glTF exporter,
# and beside each the vertices Blender shows, as the test compares them: a figure (a body, two
# arms, a hat) bound to an armature of six bones with automatic (blended) weights, the armature
# turned 90 degrees about x and scaled by 0.01 as an FBX import leaves it (Mixamo's characters),
# an arm and the head posed. `figure.glb` is exported as Blender does by default (the joints in
# their rest pose), `figure-posed.glb` with "Use Current Frame" (the joints as posed); the .json
# beside each holds every vertex of the evaluated meshes in the world, in glTF's axes (x, z, -y).
#
#   blender -b --factory-startup --python tests/io/gltfSkinWrite.py -- tests/fixtures/loaders/gltf-skin
#
# (Debian's blender, 3.4.1, wrote the committed files: apt-get install blender.)
import json
import math
import os
import sys

import bpy

OUT = os.path.abspath(sys.argv[sys.argv.index('--') + 1])


def box(name, lo, hi, cuts):
    """A subdivided box mesh object from corner lo to corner hi (so automatic weights blend)."""
    bpy.ops.mesh.primitive_cube_add(size=1)
    obj = bpy.context.active_object
    obj.name = name
    obj.scale = [h - l for l, h in zip(lo, hi)]
    obj.location = [(l + h) / 2 for l, h in zip(lo, hi)]
    bpy.ops.object.transform_apply(location=True, rotation=True, scale=True)
    bpy.ops.object.mode_set(mode='EDIT')
    bpy.ops.mesh.subdivide(number_cuts=cuts)
    bpy.ops.object.mode_set(mode='OBJECT')
    return obj


def figure():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    # Centimetres, z up, as the meshes of an FBX character are.
    body = box('body', (-20, -10, 90), (20, 10, 160), 3)
    arms = box('arms', (-80, -5, 145), (80, 5, 155), 5)
    legs = box('legs', (-15, -8, 0), (15, 8, 90), 4)
    hat = box('hat', (-12, -12, 160), (12, 12, 185), 1)
    bpy.ops.object.armature_add(location=(0, 0, 0))
    arm = bpy.context.active_object
    arm.name = 'rig'
    bpy.ops.object.mode_set(mode='EDIT')
    bones = arm.data.edit_bones
    hips = bones[0]
    hips.name, hips.head, hips.tail = 'hips', (0, 0, 90), (0, 0, 120)
    spec = [('legs', 'hips', (0, 0, 90), (0, 0, 5)), ('spine', 'hips', (0, 0, 120), (0, 0, 150)),
            ('head', 'spine', (0, 0, 160), (0, 0, 185)), ('arm.L', 'spine', (20, 0, 150), (80, 0, 150)),
            ('arm.R', 'spine', (-20, 0, 150), (-80, 0, 150))]
    for name, parent, head, tail in spec:
        b = bones.new(name)
        b.head, b.tail, b.parent = head, tail, bones[parent]
    bpy.ops.object.mode_set(mode='OBJECT')
    for obj in (body, arms, legs, hat):
        bpy.ops.object.select_all(action='DESELECT')
        obj.select_set(True)
        arm.select_set(True)
        bpy.context.view_layer.objects.active = arm
        bpy.ops.object.parent_set(type='ARMATURE_AUTO')
    # As an FBX import leaves it: the rig turned to y up and scaled from centimetres to metres.
    arm.rotation_euler = (math.radians(90), 0, 0)
    arm.scale = (0.01, 0.01, 0.01)
    # The left arm lowered, the head turned and tilted.
    for name, euler in (('arm.L', (0, 0, math.radians(-60))), ('head', (math.radians(20), math.radians(35), 0))):
        pb = arm.pose.bones[name]
        pb.rotation_mode = 'XYZ'
        pb.rotation_euler = euler
    bpy.context.view_layer.update()
    return [body, arms, legs, hat]


def world_vertices(objects, posed):
    """Every vertex of the objects' meshes in the world, glTF's axes: posed by the armature, or at rest."""
    out = []
    depsgraph = bpy.context.evaluated_depsgraph_get()
    for obj in objects:
        if posed:
            ev = obj.evaluated_get(depsgraph)
            mesh = ev.to_mesh()
            points = [ev.matrix_world @ v.co for v in mesh.vertices]
            ev.to_mesh_clear()
        else:
            # The rest pose: the armature modifier off.
            obj.modifiers['Armature'].show_viewport = False
            bpy.context.view_layer.update()
            ev = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
            points = [ev.matrix_world @ v.co for v in ev.to_mesh().vertices]
            ev.to_mesh_clear()
            obj.modifiers['Armature'].show_viewport = True
            bpy.context.view_layer.update()
        out += [[p.x, p.z, -p.y] for p in points]
    return out


os.makedirs(OUT, exist_ok=True)
objects = figure()
for name, posed in (('figure', False), ('figure-posed', True)):
    vertices = world_vertices(objects, posed)
    bpy.ops.export_scene.gltf(filepath=os.path.join(OUT, f'{name}.glb'), export_format='GLB', export_current_frame=posed,
                              export_animations=False, export_materials='NONE', export_texcoords=False, export_normals=False)
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump({'vertices': [[round(c, 7) for c in v] for v in vertices]}, f)
