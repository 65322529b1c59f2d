// How many points one frame may draw. A hardware GL draws a million points in a few ms. A
// software GL (SwiftShader, llvmpipe) is another matter: it draws about 0.6 ms per thousand points
// on a loaded 2-core machine (e2e/huge.spec.ts), so a software GL gets a budget that keeps frames
// under ~150 ms (its frames reach the page without blocking it: readbackPresenter.ts).
import { SMALLEST_VIEW_BUDGET, VIEW_POINT_BUDGET } from '../../worker/shownPoints';

/** A renderer string of a GL that runs on the CPU. */
export const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

/** The budget for a GL by its renderer string: the smallest view budget for software GLs. */
export function pointBudgetFor(renderer: string): number {
  return SOFTWARE_GL.test(renderer) ? SMALLEST_VIEW_BUDGET : VIEW_POINT_BUDGET;
}

/** The GL's renderer string (what SOFTWARE_GL is tested on). */
export function rendererOf(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  // Chrome and Firefox report the real renderer in RENDERER now; older ones behind the extension.
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(gl.RENDERER) ?? '') + ' ' + String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : '');
}
