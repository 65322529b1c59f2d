// The three.js side of the viewer, outside React: renderer, camera, controls and one THREE.Points.
// It renders on demand (a camera move, new data, a resize), so a still million-point cloud costs
// nothing, and per-frame work allocates nothing.
import {
  BufferAttribute,
  BufferGeometry,
  LinearSRGBColorSpace,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { PointCloud } from '../../types/cloud';
import { type BoundingSphere, cloudToGeometry, prefixCloud } from './cloudToGeometry';
import { type ColorMode } from './colorMode';
import { fromUpright, UP_AXES, type UpAxis } from '../../geometry/upTurn';
import type { ColormapId } from './colormaps';
import { fillCloudColors, fillScalarColors, valueBounds } from './colors';
import { pointBudgetFor, rendererOf, SOFTWARE_GL } from './pointBudget';
import { ReadbackPresenter } from './readbackPresenter';
import { SMALLEST_VIEW_BUDGET } from '../../worker/shownPoints';

/** A large cloud's first frame draws this many points; each following frame doubles it, up to the
 * budget, while frames stay quick. How quick a GL is shows only when it draws: a software GL's
 * frame of the whole budget, on a machine busy classifying, took over 200 ms (its frames do not
 * block the page, readbackPresenter.ts, but a slow frame makes a sluggish viewer). Large clouds
 * come in random order, so every prefix is a uniform subset. */
const FIRST_FRAME_POINTS = 25_000;
/** A ramp frame slower than this (to the next frame) ends the ramp at the last quick size. */
const RAMP_FRAME_MS = 70;

/** Per-point values shown through a colormap instead of the colour mode (attention, later). */
export interface PointScalars {
  values: Float32Array;
  colormap: ColormapId;
}

// The camera's up and where it looks from, for each up axis: the upright frame's +z and a
// direction front-right and a little above, turned back into the file's own coordinates by the
// geometry contract's up turn (geometry/upTurn.ts), so every up sees the cloud as z-up does.
const UPRIGHT_VIEW_DIRECTION = [0.9, -1.3, 0.55] as const;
const UP_VECTORS = Object.fromEntries(UP_AXES.map((up) => [up, new Vector3(...fromUpright([0, 0, 1], up))])) as Record<UpAxis, Vector3>;
const VIEW_DIRECTIONS = Object.fromEntries(UP_AXES.map((up) => [up, new Vector3(...fromUpright(UPRIGHT_VIEW_DIRECTION, up)).normalize()])) as Record<UpAxis, Vector3>;

export class PointViewer {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(45, 1, 0.01, 100);
  private controls: OrbitControls;
  private readonly material = new PointsMaterial({ size: 2, sizeAttenuation: false, vertexColors: true });
  private readonly resizeObserver: ResizeObserver;
  private points: Points<BufferGeometry, PointsMaterial> | null = null;
  private cloud: PointCloud | null = null;
  private colorMode: ColorMode = { kind: 'height', up: 'z' };
  private scalars: PointScalars | null = null;
  /** Points of the cloud handed in; `cloud` holds the first `pointBudget` of them. */
  private shownCount = 0;
  private up: UpAxis = 'z';
  private frame = 0;
  private frames = 0;
  private hoverListener: ((index: number | null) => void) | null = null;
  private hoverFrame = 0;
  private warmPoints: Points<BufferGeometry, PointsMaterial> | null = null;
  /** Points the current frames draw (a prefix of `cloud`), growing frame by frame after setCloud. */
  private drawLimit = 0;
  private ramping = false;
  /** When the previous ramp frame ran (0: none yet). */
  private rampFrom = 0;
  private drawnListener: ((drawn: number) => void) | null = null;
  /** A frame was asked for since the last one was drawn. */
  private dirty = false;
  /** Whether the camera still glided when the last frame was drawn (damping). */
  private moving = false;
  /** A software GL's frames reach the page through this, never through a GL canvas (readbackPresenter.ts). */
  private readonly presenter: ReadbackPresenter | null;
  /** The canvas in the page: the GL's own, or the presenter's. Pointer events and test attributes live here. */
  private readonly canvas: HTMLCanvasElement;
  /** The cloud handed to setCloud until a frame has shown it fully (ramp done), then null. */
  private pendingShown: PointCloud | null = null;
  private shownListener: ((cloud: PointCloud) => void) | null = null;
  private readonly pointer = new Vector2();
  private readonly raycaster = new Raycaster();
  /** Most points one frame draws: this GL's budget (pointBudget.ts). */
  readonly pointBudget: number;

  constructor(private readonly container: HTMLElement) {
    // Throws when WebGL is unavailable; the React error boundary shows that.
    this.renderer = new WebGLRenderer({ antialias: false, alpha: true, powerPreference: 'high-performance' });
    // Vertex colours are display values (file colours, colormap tables): write them out unconverted.
    this.renderer.outputColorSpace = LinearSRGBColorSpace;
    this.renderer.setClearColor(0x000000, 0);
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    const gl = this.renderer.getContext();
    const renderer = rendererOf(gl);
    this.pointBudget = pointBudgetFor(renderer);
    this.presenter = SOFTWARE_GL.test(renderer) && gl instanceof WebGL2RenderingContext ? new ReadbackPresenter(gl) : null;
    this.canvas = this.presenter?.canvas ?? this.renderer.domElement;
    this.canvas.dataset.testid = 'viewer-canvas';
    this.warmUp();
    container.appendChild(this.canvas);
    this.controls = this.createControls();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.canvas.addEventListener('pointermove', this.onPointerMove);
    this.canvas.addEventListener('pointerleave', this.onPointerLeave);
  }

  /** Called with the index of the point under the pointer, or null (hover read-outs). */
  setHoverListener(listener: ((index: number | null) => void) | null): void {
    this.hoverListener = listener;
  }

  private readonly onPointerMove = (event: PointerEvent): void => {
    const rect = this.canvas.getBoundingClientRect();
    this.pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    // One pick per frame however fast the pointer moves.
    if (this.hoverFrame === 0 && this.hoverListener) this.hoverFrame = requestAnimationFrame(this.pick);
  };

  private readonly onPointerLeave = (): void => {
    this.hoverListener?.(null);
  };

  private readonly pick = (): void => {
    this.hoverFrame = 0;
    const sphere = this.points?.geometry.boundingSphere;
    if (!this.points || !sphere || !this.hoverListener) return;
    // A pick radius of a few pixels at the cloud's distance.
    const distance = this.camera.position.distanceTo(sphere.center);
    const pixel = (2 * distance * Math.tan((this.camera.fov * Math.PI) / 360)) / Math.max(1, this.canvas.clientHeight);
    this.raycaster.params.Points = { threshold: pixel * Math.max(3, this.material.size) };
    this.raycaster.setFromCamera(this.pointer, this.camera);
    const hits = this.raycaster.intersectObject(this.points, false);
    // Nearest to the ray first, then nearest to the camera.
    hits.sort((a, b) => (a.distanceToRay ?? 0) - (b.distanceToRay ?? 0) || a.distance - b.distance);
    this.hoverListener(hits.length > 0 && hits[0].index !== undefined ? hits[0].index : null);
  };

  /** Called with the cloud handed to setCloud once frames draw it at its final size. */
  setShownListener(listener: ((cloud: PointCloud) => void) | null): void {
    this.shownListener = listener;
  }

  /** Called with the number of points frames draw, whenever it changes. */
  setDrawnListener(listener: ((drawn: number) => void) | null): void {
    this.drawnListener = listener;
  }

  private setDrawLimit(count: number): void {
    this.drawLimit = count;
    this.points?.geometry.setDrawRange(0, count);
    this.canvas.dataset.drawn = String(count);
    this.drawnListener?.(count);
  }

  /** One step of the ramp, at the start of a frame: the gap since the previous ramp frame is what
   * drawing `drawLimit` points cost; quick, double it; slow, go back to the last quick size. */
  private rampStep(time: number): void {
    const count = this.cloud?.count ?? 0;
    if (this.rampFrom > 0) {
      if (time - this.rampFrom > RAMP_FRAME_MS) {
        this.ramping = false;
        if (this.drawLimit > FIRST_FRAME_POINTS) this.setDrawLimit(Math.max(FIRST_FRAME_POINTS, this.drawLimit / 2));
      } else {
        this.setDrawLimit(Math.min(count, this.drawLimit * 2));
        this.ramping = this.drawLimit < count;
      }
    }
    this.rampFrom = time;
  }

  /** How many frames were drawn so far (tests check the viewer really renders). */
  get renderedFrames(): number {
    return this.frames;
  }

  /** `sphere`: the cloud's bounding sphere when already known (the parse worker finds it). */
  setCloud(cloud: PointCloud, colorMode: ColorMode, up: UpAxis, sphere?: BoundingSphere): void {
    this.disposePoints();
    this.shownCount = cloud.count;
    this.pendingShown = cloud;
    // A huge cloud comes in random order (worker/shownPoints.ts), so a prefix is a uniform subset;
    // only the prefix goes to the GPU.
    this.cloud = prefixCloud(cloud, this.pointBudget);
    this.colorMode = colorMode;
    this.scalars = null;
    this.points = new Points(cloudToGeometry(this.cloud, colorMode, sphere), this.material);
    this.ramping = this.cloud.count > SMALLEST_VIEW_BUDGET;
    this.rampFrom = 0;
    this.setDrawLimit(this.ramping ? FIRST_FRAME_POINTS : this.cloud.count);
    // Bounds are computed once here; three would otherwise do it per frame for culling.
    this.points.frustumCulled = false;
    this.scene.add(this.points);
    this.setUp(up, true);
    this.fitCamera();
  }

  setColorMode(mode: ColorMode): void {
    this.colorMode = mode;
    if (!this.scalars) this.recolor();
  }

  /** Attention hook: colours points by a per-point scalar, or back to the colour mode with null. */
  setScalars(scalars: PointScalars | null): void {
    if (scalars && this.cloud && scalars.values.length !== this.shownCount) {
      throw new Error(`attention has ${scalars.values.length} values for ${this.shownCount} points`);
    }
    this.scalars = scalars;
    this.recolor();
  }

  setPointSize(pixels: number): void {
    this.material.size = pixels;
    this.requestRender();
  }

  setUp(up: UpAxis, force = false): void {
    if (up === this.up && !force) return;
    const changed = up !== this.up;
    this.up = up;
    this.camera.up.copy(UP_VECTORS[up]);
    if (changed) {
      // OrbitControls reads camera.up once, when it is made.
      this.controls.dispose();
      this.controls = this.createControls();
      this.fitCamera();
    }
  }

  fitCamera(): void {
    const sphere = this.points?.geometry.boundingSphere;
    if (!sphere) return;
    const radius = Math.max(sphere.radius, 1e-6);
    const distance = (radius / Math.sin((this.camera.fov * Math.PI) / 360)) * 1.05;
    this.camera.near = distance / 100;
    this.camera.far = distance * 100;
    this.camera.position.copy(VIEW_DIRECTIONS[this.up]).multiplyScalar(distance).add(sphere.center);
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(sphere.center);
    this.controls.update();
    this.requestRender();
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    cancelAnimationFrame(this.hoverFrame);
    this.canvas.removeEventListener('pointermove', this.onPointerMove);
    this.canvas.removeEventListener('pointerleave', this.onPointerLeave);
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.disposePoints();
    this.material.dispose();
    this.presenter?.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.renderer.domElement.remove();
  }

  /**
   * The first frame draws one point, so the points' shaders and the GL's pipeline are compiled
   * when the viewer starts, not when the first cloud is shown. A software GL compiles them at the
   * first draw that rasterises (a clipped point does not), for up to a second on a loaded
   * machine, and the page waits for that frame (it is read back on the main thread). The point
   * has the stage's background colour, in front of the camera, and the next frame clears it.
   */
  private warmUp(): void {
    const geometry = new BufferGeometry();
    // Before a cloud the camera sits at the origin looking down -z.
    geometry.setAttribute('position', new BufferAttribute(new Float32Array([0, 0, -1]), 3));
    geometry.setAttribute('color', new BufferAttribute(new Float32Array([0.11, 0.118, 0.133]), 3));
    this.warmPoints = new Points(geometry, this.material);
    this.warmPoints.frustumCulled = false;
    this.scene.add(this.warmPoints);
  }

  private createControls(): OrbitControls {
    const controls = new OrbitControls(this.camera, this.canvas);
    controls.enableDamping = true;
    controls.dampingFactor = 0.15;
    controls.addEventListener('change', this.requestRender);
    return controls;
  }

  private recolor(): void {
    const attribute = this.points?.geometry.getAttribute('color');
    if (!this.cloud || !(attribute instanceof BufferAttribute)) return;
    const colors = attribute.array as Float32Array;
    if (this.scalars) {
      // The colormap spans all values (as the legend does), not only the drawn points' ones.
      const { values, colormap } = this.scalars;
      fillScalarColors(colors, values.subarray(0, this.cloud.count), colormap, valueBounds(values));
    }
    else fillCloudColors(colors, this.cloud, this.colorMode);
    attribute.needsUpdate = true;
    this.requestRender();
  }

  private resize(): void {
    const { clientWidth, clientHeight } = this.container;
    if (clientWidth === 0 || clientHeight === 0) return;
    this.renderer.setSize(clientWidth, clientHeight);
    this.presenter?.setSize(clientWidth, clientHeight);
    this.camera.aspect = clientWidth / clientHeight;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  private readonly requestRender = (): void => {
    this.dirty = true;
    // A frame is due: not settled until it is drawn (tests wait on this attribute).
    this.canvas.dataset.settled = 'false';
    if (this.frame === 0) this.frame = requestAnimationFrame(this.renderFrame);
  };

  private readonly renderFrame = (time: number): void => {
    this.frame = 0;
    if (this.presenter?.pending) {
      // The GL still draws the previous frame: look again next frame; the page does not wait.
      if (!this.presenter.present()) {
        this.frame = requestAnimationFrame(this.renderFrame);
        return;
      }
      this.frameShown();
    }
    if (!this.dirty) return;
    this.dirty = false;
    if (this.ramping) this.rampStep(time);
    // With damping the camera keeps gliding after the pointer stops; update() says whether it moved.
    this.moving = this.controls.update();
    this.renderer.render(this.scene, this.camera);
    if (this.warmPoints) {
      this.scene.remove(this.warmPoints);
      this.warmPoints.geometry.dispose();
      this.warmPoints = null;
      this.requestRender();
    }
    if (!this.presenter) {
      this.frameShown();
      return;
    }
    // The next frame is drawn once this one is on screen, so frames (and the ramp's timing) go at
    // the GL's pace.
    this.presenter.capture();
    if (this.frame === 0) this.frame = requestAnimationFrame(this.renderFrame);
  };

  /** A frame is on screen: what tests and listeners wait on, and whether another frame follows. */
  private frameShown(): void {
    this.frames++;
    // What the browser tests wait on instead of the clock: a frame was drawn, and whether the
    // camera still glides (damping) so another one follows.
    this.canvas.dataset.frames = String(this.frames);
    // A cloud whose frames still grow (the ramp) is not settled either, nor one with a frame due.
    if (this.moving || this.ramping) this.requestRender();
    this.canvas.dataset.settled = String(!this.dirty);
    if (this.pendingShown && !this.ramping) {
      const shown = this.pendingShown;
      this.pendingShown = null;
      this.shownListener?.(shown);
    }
  }

  private disposePoints(): void {
    if (!this.points) return;
    this.scene.remove(this.points);
    this.points.geometry.dispose();
    this.points = null;
  }
}
