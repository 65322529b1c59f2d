// The locked-down page's build side (scripts/vite-plugin-integrity.ts): the policy's directives,
// SRI on a hand-written page, and `?sha256` imports through a real Vite build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, importMapOf, policyOfPage, policyWith, scriptHashSource, sha256Imports, withImportMap, withIntegrity } from '../../scripts/vite-plugin-integrity';

// FIPS 180-2's example: sha256("abc"), in hex and (for SRI) in base64.
const ABC_HEX = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const ABC_SRI = 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';

describe('the Content-Security-Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('has what issue 24 asks for', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('allows no inline code, no eval, no blob: or data: anywhere', () => {
    for (const [name, values] of directives) {
      for (const banned of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", 'blob:', 'data:', '*']) expect(values, name).not.toContain(banned);
    }
  });
});

describe('withIntegrity', () => {
  const files: Record<string, string> = { 'assets/main.js': 'abc', 'assets/dep.js': 'abc', 'assets/main.css': 'abc', 'registerSW.js': 'abc' };
  const read = (path: string) => {
    if (!(path in files)) throw new Error(`no file ${path}`);
    return new TextEncoder().encode(files[path]);
  };

  it("adds the file's sha256 to scripts, module preloads and stylesheets under the base", () => {
    const page = [
      '<script type="module" crossorigin src="/app/assets/main.js"></script>',
      '<link rel="modulepreload" crossorigin href="/app/assets/dep.js">',
      '<link rel="stylesheet" crossorigin href="/app/assets/main.css">',
      '<script id="register" src="/app/registerSW.js" defer></script>',
    ].join('\n');
    expect(withIntegrity(page, '/app/', read)).toBe(
      [
        `<script type="module" crossorigin src="/app/assets/main.js" integrity="${ABC_SRI}"></script>`,
        `<link rel="modulepreload" crossorigin href="/app/assets/dep.js" integrity="${ABC_SRI}">`,
        `<link rel="stylesheet" crossorigin href="/app/assets/main.css" integrity="${ABC_SRI}">`,
        `<script id="register" src="/app/registerSW.js" defer integrity="${ABC_SRI}"></script>`,
      ].join('\n'),
    );
  });

  it('leaves icons, manifests, inline scripts, other origins and existing integrity alone', () => {
    const page = [
      '<link rel="icon" type="image/svg+xml" href="/app/favicon.svg" />',
      '<link rel="manifest" href="/app/manifest.webmanifest">',
      '<script type="module">0</script>',
      '<script src="https://example.com/x.js"></script>',
      '<script src="/app/assets/main.js" integrity="sha256-given"></script>',
    ].join('\n');
    expect(withIntegrity(page, '/app/', read)).toBe(page);
  });

  it('fails on a page that names a file the build did not write', () => {
    expect(() => withIntegrity('<script src="/app/assets/gone.js"></script>', '/app/', read)).toThrow('no file assets/gone.js');
  });
});

describe('the import map', () => {
  const page = `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">\n    <script type="module" src="/assets/main.js"></script>`;

  it('lists digests only (no remapping) and goes right after the policy, before any module script', () => {
    const map = importMapOf({ '/assets/a.js': ABC_SRI });
    expect(JSON.parse(map)).toEqual({ integrity: { '/assets/a.js': ABC_SRI } });
    const policy = policyWith([scriptHashSource(map)]);
    const html = withImportMap(page, map, policy);
    expect(html.indexOf(`<script type="importmap">${map}</script>`)).toBeGreaterThan(html.indexOf('Content-Security-Policy'));
    expect(html.indexOf('<script type="importmap">')).toBeLessThan(html.indexOf('<script type="module"'));
    expect(policyOfPage(html)).toBe(policy);
  });

  it('is allowed by its hash in script-src alone; the rest of the policy stays as it was', () => {
    // The hash of the text 'abc' (FIPS 180-2) as a CSP source.
    expect(scriptHashSource('abc')).toBe(`'${ABC_SRI}'`);
    const policy = policyWith([`'${ABC_SRI}'`, "'sha256-other'"]);
    expect(policy).toBe(CONTENT_SECURITY_POLICY.replace("'wasm-unsafe-eval'", `'wasm-unsafe-eval' '${ABC_SRI}' 'sha256-other'`));
    expect(policy).not.toContain('unsafe-inline');
  });

  it('refuses a page without the policy tag to follow', () => {
    expect(() => withImportMap('<head><script type="module" src="/a.js"></script>', '{}', CONTENT_SECURITY_POLICY)).toThrow('no Content-Security-Policy meta tag');
  });
});

describe('sha256Imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sha256-imports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives a Vite build the imported file's sha256", async () => {
    writeFileSync(join(dir, 'data.bin'), 'abc');
    writeFileSync(join(dir, 'entry.js'), "import digest from './data.bin?sha256';\nexport default digest;\n");
    const output = (await build({
      root: dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [sha256Imports()],
      build: { write: false, lib: { entry: join(dir, 'entry.js'), formats: ['es'], fileName: 'out' } },
    })) as Rollup.RollupOutput[];
    const code = output.flatMap((o) => o.output).map((f) => (f.type === 'chunk' ? f.code : '')).join('\n');
    expect(code).toContain(`"${ABC_HEX}"`);
  });
});
