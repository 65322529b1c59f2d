// Shows a software GL's frames without blocking the page. Where the GL runs on the CPU
// (SwiftShader, llvmpipe) the compositor is in software too, and a WebGL canvas in the page is read
// back on the main thread at every commit: the page waits there (glFinish) until the GL has
// drawn, 60-230 ms for a first frame of a huge cloud on a loaded 2-core machine, measured in a
// Chrome trace (Commit > ReadPixels > WaitForCmd; bench-huge.ts --trace). So the GL canvas stays out of
// the page: each frame is read into a pixel buffer (WebGL2 PIXEL_PACK_BUFFER), a fence says when the
// GL is done, and only then are the pixels copied into a 2D canvas, which the software compositor
// shows without a readback. The page never waits for the GL; a frame shows when it is ready.
// Rows come bottom-up from readPixels; a CSS flip puts them right (pointer positions are page
// coordinates, so the flip does not change what the controls and picking see).

export class ReadbackPresenter {
  /** The canvas in the page: what the user sees and points at. */
  readonly canvas = document.createElement('canvas');
  private readonly context: CanvasRenderingContext2D;
  private buffer: WebGLBuffer | null = null;
  private bufferBytes = 0;
  private fence: WebGLSync | null = null;
  private image: ImageData | null = null;

  constructor(private readonly gl: WebGL2RenderingContext) {
    const context = this.canvas.getContext('2d');
    if (!context) throw new Error('the viewer needs a 2D canvas to show a software GL frames');
    this.context = context;
    this.canvas.style.transform = 'scaleY(-1)';
    this.canvas.style.display = 'block';
  }

  /** True while a captured frame is not yet on screen (the GL is still drawing it). */
  get pending(): boolean {
    return this.fence !== null;
  }

  /** Right after a frame was rendered to the GL's drawing buffer (same task): queues its readback. */
  capture(): void {
    const gl = this.gl;
    const { drawingBufferWidth: width, drawingBufferHeight: height } = gl;
    if (!this.image || this.image.width !== width || this.image.height !== height) this.image = new ImageData(width, height);
    if (!this.buffer || this.bufferBytes !== width * height * 4) {
      if (this.buffer) gl.deleteBuffer(this.buffer);
      this.buffer = gl.createBuffer();
      this.bufferBytes = width * height * 4;
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this.buffer);
      gl.bufferData(gl.PIXEL_PACK_BUFFER, this.bufferBytes, gl.STREAM_READ);
    }
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this.buffer);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    if (this.fence) gl.deleteSync(this.fence);
    this.fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
  }

  /** Shows the captured frame if the GL has finished it; false while it has not (asks nothing of
   * the GL but the fence's state, which WebGL answers without waiting). */
  present(): boolean {
    const gl = this.gl;
    if (!this.fence || !this.image || !this.buffer) return true;
    const state = gl.clientWaitSync(this.fence, 0, 0);
    if (state === gl.TIMEOUT_EXPIRED) return false;
    gl.deleteSync(this.fence);
    this.fence = null;
    if (state === gl.WAIT_FAILED) return true;
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this.buffer);
    gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, this.image.data);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    if (this.canvas.width !== this.image.width || this.canvas.height !== this.image.height) {
      this.canvas.width = this.image.width;
      this.canvas.height = this.image.height;
    }
    this.context.putImageData(this.image, 0, 0);
    return true;
  }

  /** The canvas's size on the page, in CSS pixels (its pixel size follows the frames). */
  setSize(width: number, height: number): void {
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
  }

  dispose(): void {
    if (this.fence) this.gl.deleteSync(this.fence);
    if (this.buffer) this.gl.deleteBuffer(this.buffer);
    this.fence = null;
    this.buffer = null;
    this.canvas.remove();
  }
}
