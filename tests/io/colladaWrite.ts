// Writes COLLADA 1.4 documents for the tests, laid out as exporters write them: positions and
// per-corner normals in <source>s, the <vertices> element, primitives whose inputs interleave
// (VERTEX at offset 0, NORMAL at offset 1), nodes with transform elements, <library_nodes> with
// <instance_node> (SketchUp's components), controllers.

export type DaePrimitive = 'triangles' | 'polylist' | 'polygons' | 'trifans' | 'tristrips' | 'lines';

export interface DaeGeometry {
  id: string;
  positions: number[];
  primitive: DaePrimitive;
  /** Polygons (triangles, polylist, polygons), fans, strips or line segments, as position indices. */
  faces: number[][];
  /** Drawn edges beside the faces, as SketchUp writes them: a <lines> primitive in the same mesh. */
  edges?: number[][];
}

export interface DaeNode {
  id?: string;
  /** Transform elements as written, in order: '<translate>1 2 3</translate>'. */
  transforms?: string[];
  geometry?: string;
  controller?: string;
  instanceNodes?: string[];
  children?: DaeNode[];
}

export interface DaeDocument {
  geometries: DaeGeometry[];
  /** The visual scene's nodes; undefined: no visual scene at all. */
  nodes?: DaeNode[];
  libraryNodes?: DaeNode[];
  /** <controller> elements as written. */
  controllers?: string[];
  upAxis?: 'Y_UP' | 'Z_UP';
  /** Centimetres, inches (SketchUp: 0.0254), ... */
  meter?: number;
}

function primitiveXml(g: DaeGeometry): string {
  const inputs = `<input semantic="VERTEX" source="#${g.id}-vertices" offset="0"/><input semantic="NORMAL" source="#${g.id}-normals" offset="1"/>`;
  let corner = 0;
  const p = (face: number[]): string => face.map((v) => `${v} ${corner++}`).join(' ');
  switch (g.primitive) {
    case 'triangles':
    case 'lines':
      return `<${g.primitive} count="${g.faces.length}" material="m">${inputs}<p>${g.faces.map(p).join(' ')}</p></${g.primitive}>`;
    case 'polylist':
      return `<polylist count="${g.faces.length}" material="m">${inputs}<vcount>${g.faces.map((f) => f.length).join(' ')}</vcount><p>${g.faces.map(p).join(' ')}</p></polylist>`;
    default:
      return `<${g.primitive} count="${g.faces.length}">${inputs}${g.faces.map((f) => `<p>${p(f)}</p>`).join('')}</${g.primitive}>`;
  }
}

function geometryXml(g: DaeGeometry): string {
  const corners = g.faces.reduce((n, f) => n + f.length, 0);
  const n = g.positions.length / 3;
  return `<geometry id="${g.id}" name="${g.id}"><mesh>
<source id="${g.id}-positions"><float_array id="${g.id}-positions-array" count="${g.positions.length}">${g.positions.join(' ')}</float_array>
<technique_common><accessor source="#${g.id}-positions-array" count="${n}" stride="3"><param name="X" type="float"/><param name="Y" type="float"/><param name="Z" type="float"/></accessor></technique_common></source>
<source id="${g.id}-normals"><float_array id="${g.id}-normals-array" count="${corners * 3}">${Array.from({ length: corners }, () => '0 0 1').join(' ')}</float_array>
<technique_common><accessor source="#${g.id}-normals-array" count="${corners}" stride="3"><param name="X" type="float"/><param name="Y" type="float"/><param name="Z" type="float"/></accessor></technique_common></source>
<vertices id="${g.id}-vertices"><input semantic="POSITION" source="#${g.id}-positions"/></vertices>
${primitiveXml(g)}
${g.edges === undefined ? '' : `<lines count="${g.edges.length}"><input semantic="VERTEX" source="#${g.id}-vertices" offset="0"/><p>${g.edges.flat().join(' ')}</p></lines>`}
</mesh></geometry>`;
}

function nodeXml(n: DaeNode): string {
  const id = n.id === undefined ? '' : ` id="${n.id}" name="${n.id}"`;
  const body = [
    ...(n.transforms ?? []),
    ...(n.geometry === undefined ? [] : [`<instance_geometry url="#${n.geometry}"><bind_material><technique_common><instance_material symbol="m" target="#mat"/></technique_common></bind_material></instance_geometry>`]),
    ...(n.controller === undefined ? [] : [`<instance_controller url="#${n.controller}"/>`]),
    ...(n.instanceNodes ?? []).map((u) => `<instance_node url="#${u}"/>`),
    ...(n.children ?? []).map(nodeXml),
  ];
  return `<node${id} type="NODE">${body.join('\n')}</node>`;
}

/** The document's text. */
export function colladaText(d: DaeDocument): string {
  const scene =
    d.nodes === undefined
      ? ''
      : `<library_visual_scenes><visual_scene id="scene">${d.nodes.map(nodeXml).join('\n')}</visual_scene></library_visual_scenes>
<scene><instance_visual_scene url="#scene"/></scene>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<COLLADA xmlns="http://www.collada.org/2005/11/COLLADASchema" version="1.4.1">
<asset><contributor><authoring_tool>test writer</authoring_tool></contributor><unit name="unit" meter="${d.meter ?? 1}"/><up_axis>${d.upAxis ?? 'Y_UP'}</up_axis></asset>
<library_materials><material id="mat" name="mat"><instance_effect url="#effect"/></material></library_materials>
<library_geometries>${d.geometries.map(geometryXml).join('\n')}</library_geometries>
${d.controllers === undefined ? '' : `<library_controllers>${d.controllers.join('\n')}</library_controllers>`}
${d.libraryNodes === undefined ? '' : `<library_nodes>${d.libraryNodes.map(nodeXml).join('\n')}</library_nodes>`}
${scene}
</COLLADA>
`;
}

export function collada(d: DaeDocument): Uint8Array {
  return new TextEncoder().encode(colladaText(d));
}

/** An axis-aligned box from `min` to `max` (8 corners, 6 quads, outward winding). */
export function boxGeometry(id: string, min: number[], max: number[], primitive: DaePrimitive = 'polylist'): DaeGeometry {
  const [x0, y0, z0] = min as [number, number, number];
  const [x1, y1, z1] = max as [number, number, number];
  const positions = [x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1];
  const quads = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];
  const faces =
    primitive === 'triangles'
      ? quads.flatMap(([a, b, c, d]) => [[a!, b!, c!], [a!, c!, d!]])
      : primitive === 'tristrips'
        ? quads.map(([a, b, c, d]) => [a!, b!, d!, c!])
        : primitive === 'lines'
          ? quads.flatMap(([a, b, c, d]) => [[a!, b!], [b!, c!], [c!, d!], [d!, a!]])
          : quads;
  return { id, positions, primitive, faces };
}
