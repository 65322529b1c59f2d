// Runs the real command line (bin/any2point.mjs, as `npx any2point` does) as a child process.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testCloud, toPly } from '../../e2e/modelnet';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Dawn (npm webgpu) finds Chromium's SwiftShader Vulkan driver through these (as the kernel tests do). */
export const SWIFTSHADER_ENV = {
  LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
};

export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'any2point.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary folder of class folders holding ModelNet40 test clouds as PLY: { class: [ids] }. */
export function modelnetFolder(classes: Record<string, string[]>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'any2point-cli-'));
  for (const [label, ids] of Object.entries(classes)) {
    mkdirSync(path.join(dir, label), { recursive: true });
    for (const id of ids) writeFileSync(path.join(dir, label, `${id}.ply`), toPly(testCloud(id).points));
  }
  return dir;
}
