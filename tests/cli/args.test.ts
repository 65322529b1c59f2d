// The command line's parsing: what each command accepts, and a clear UsageError (exit code 2 in
// the CLI) for everything else.
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args';

const usage = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) accepted it`);
};

describe('parseArgs', () => {
  it('reads classify with its options, in either --name value or --name=value form', () => {
    expect(parseArgs(['classify', 'a.ply', 'scans', '--model', 'vit-mnist-modelnet40', '--votes=3', '--csv', 'out.csv', '--jobs', '4', '--device', 'cpu', '--up', 'y'])).toEqual({
      command: 'classify',
      inputs: ['a.ply', 'scans'],
      model: 'vit-mnist-modelnet40',
      votes: 3,
      head: null,
      output: { kind: 'csv', file: 'out.csv' },
      jobs: 4,
      device: 'cpu',
      up: 'y',
      keepEveryPoint: false,
      objects: false,
      archiveModels: false,
    });
    expect(parseArgs(['classify', 'x', '--json', '--head', 'h.json'])).toMatchObject({ output: { kind: 'json' }, head: 'h.json', votes: null, jobs: null, device: 'auto', up: 'auto' });
    expect(parseArgs(['classify', '--', '--odd-name.ply'])).toMatchObject({ inputs: ['--odd-name.ply'] });
  });

  it('takes the four other forced ups, a leading minus included', () => {
    for (const up of ['x', '-x', '-y', '-z']) {
      expect(parseArgs(['classify', 'a.ply', '--up', up])).toMatchObject({ up, inputs: ['a.ply'] });
      expect(parseArgs(['teach', 'classes', '--out', 'h.json', `--up=${up}`])).toMatchObject({ up, folder: 'classes' });
    }
  });

  it('reads teach and help', () => {
    expect(parseArgs(['teach', 'classes', '--out', 'head.json'])).toEqual({ command: 'teach', folder: 'classes', out: 'head.json', model: null, jobs: null, device: 'auto', up: 'auto', keepEveryPoint: false });
    expect(parseArgs(['teach', 'classes', '--out', 'head.json', '--keep-every-point'])).toMatchObject({ keepEveryPoint: true });
    expect(parseArgs(['classify', 'x', '--keep-every-point'])).toMatchObject({ keepEveryPoint: true, inputs: ['x'] });
    expect(parseArgs(['classify', 'x', '--objects'])).toMatchObject({ objects: true, inputs: ['x'] });
    expect(parseArgs(['classify', 'x', '--archive-models'])).toMatchObject({ archiveModels: true, objects: false });
    expect(() => parseArgs(['classify', 'x', '--objects=1'])).toThrow(/--objects takes no value/);
    expect(() => parseArgs(['teach', 'classes', '--out', 'h.json', '--objects'])).toThrow(/unknown option --objects for teach/);
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['classify', 'x', '-h'])).toEqual({ command: 'help' });
  });

  it('refuses what it does not understand, saying what is wrong', () => {
    expect(usage([])).toMatch(/no command/);
    expect(usage(['sort', 'x'])).toMatch(/unknown command "sort"/);
    expect(usage(['classify'])).toMatch(/at least one file or folder/);
    expect(usage(['classify', 'x', '--bogus'])).toMatch(/unknown option --bogus for classify/);
    expect(usage(['classify', 'x', '--out', 'h.json'])).toMatch(/unknown option --out for classify/);
    expect(usage(['classify', 'x', '--votes', '0'])).toMatch(/--votes must be a whole number from 1 to 32, got "0"/);
    expect(usage(['classify', 'x', '--votes', '2.5'])).toMatch(/--votes/);
    expect(usage(['classify', 'x', '--votes'])).toMatch(/--votes needs a value/);
    expect(usage(['classify', 'x', '--jobs', '0'])).toMatch(/--jobs must be a whole number from 1 to 256/);
    expect(usage(['classify', 'x', '--csv', 'a.csv', '--json'])).toMatch(/exclusive/);
    expect(usage(['classify', 'x', '--json=yes'])).toMatch(/--json takes no value/);
    expect(usage(['classify', 'x', '--keep-every-point=1'])).toMatch(/--keep-every-point takes no value/);
    expect(usage(['classify', 'x', '--device', 'tpu'])).toMatch(/--device must be one of auto, webgpu, cpu, got "tpu"/);
    expect(usage(['classify', 'x', '--up', 'w'])).toMatch(/--up must be one of auto, z, y, -y, x, -x, -z, got "w"/);
    expect(usage(['classify', 'x', '--up', '+x'])).toMatch(/--up must be one of auto, z, y, -y, x, -x, -z, got "\+x"/);
    expect(usage(['classify', 'x', '--up'])).toMatch(/--up needs a value/);
    expect(usage(['classify', 'x', '--model', '../etc'])).toMatch(/--model must be a model id/);
    expect(usage(['classify', 'x', '--jobs', '2', '--jobs', '3'])).toMatch(/--jobs is given twice/);
    expect(usage(['teach', 'classes'])).toMatch(/teach needs --out/);
    expect(usage(['teach', 'a', 'b', '--out', 'h.json'])).toMatch(/one folder of class folders, got 2/);
    expect(usage(['teach', 'a', '--out', 'h.json', '--votes', '2'])).toMatch(/unknown option --votes for teach/);
  });
});
