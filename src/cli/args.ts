// The command line: `any2point classify ...` / `any2point teach ...` -> a checked Command, or a
// UsageError whose message says what is wrong (the CLI prints it with the usage and exits 2).
import { UP_AXES as FORCED_UPS } from '../geometry/upTurn';
import { MAX_VOTES, parseVotes } from '../model/votes';

export const USAGE = `usage:
  any2point classify <files or folders>... [--model <id>] [--votes N] [--head head.json]
                     [--csv out.csv | --json] [--jobs N] [--device auto|webgpu|cpu] [--up auto|z|y|...]
                     [--keep-every-point] [--objects] [--archive-models]
  any2point teach <folder of class folders> --out head.json [--model <id>] [--jobs N]
                     [--device auto|webgpu|cpu] [--up auto|z|y|...] [--keep-every-point]
  any2point --help

classify  classifies every file named and every file of a format the app reads (PLY, OBJ, PCD,
          XYZ, OFF, STL, glTF, Draco, FBX, COLLADA, VRML, X3D, DXF, 3DS, Blender, USD, 3MF, LAS,
          E57, PTX, VTK, Gmsh, Abaqus, Nastran, NumPy, HDF5, splats, each also compressed by gzip,
          xz, bzip2 or zstd, and .zip, .7z, .rar and .tar archives holding them, .tar.gz,
          .tar.xz, ... too) under the folders named; a file below a sub-folder is labelled with
          that sub-folder's name (its class).
          Results go to stdout as JSON (default, or --json) or to a CSV file (--csv out.csv;
          --csv - writes the CSV to stdout); progress goes to stderr.
teach     trains a new head on the frozen model's features of the files in <folder>/<class>/
          and writes it to --out; classify --head uses it instead of the model's own classes.

  --model   a model of public/models (default: the app's default model)
  --votes   point orders averaged (per up with --up auto), 1-${MAX_VOTES} (default: the model's)
  --jobs    worker threads (default: the machine's cores)
  --device  auto: WebGPU (npm webgpu) when a hardware adapter exists, else CPU (default)
  --up      the files' up axis: auto (as the app: z and y tried, the more confident kept;
            default), or forced: z, y, -y, x, -x or -z (the file axis that points up;
            --up -x or --up=-x)
  --keep-every-point
            read every point of each file: without it, as in the app, small pieces apart from
            the shape, a flat floor under a scanned shape and walls behind it are left out
            (each file's warnings say what was)
  --objects several objects standing apart on a scan's floor (a room, a corner) are found as
            in the app; with --objects each is classified alone too (the JSON's "objects": its
            points, centre and answer); without, the file's answer is marked not sure
  --archive-models
            an archive (.zip, .7z, .rar, .tar, .tar.gz, .tar.xz) of several models is answered
            for its largest, a batch of clouds (NumPy or HDF5, N x P x 3) for its first, as in the app;
            with --archive-models each of its other models is classified too (the JSON's
            "archiveModels": each model's path in the archive and its answer, or its error)

exit codes: 0 every file classified, 1 some files failed (the others are reported), 2 usage error`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export const CLI_DEVICES = ['auto', 'webgpu', 'cpu'] as const;
export type CliDevice = (typeof CLI_DEVICES)[number];
// The app's up choices: auto (classified z-up and y-up, the more confident kept: model/decide.ts),
// or a forced up, the file axis that points up: z (ModelNet, CAD), y (glTF, many scanners) or
// one of the other four as geometry/upTurn.ts turns them.
const UP_AXES = ['auto', ...FORCED_UPS] as const;
type Up = (typeof UP_AXES)[number];

interface Common {
  model: string | null;
  jobs: number | null;
  device: CliDevice;
  up: Up;
  /** --keep-every-point: the loaders' clean-up (stray pieces, a floor, walls) off. */
  keepEveryPoint: boolean;
}

export interface ClassifyCommand extends Common {
  command: 'classify';
  inputs: string[];
  votes: number | null;
  head: string | null;
  /** --objects: each of several objects on a scan's floor classified alone too. */
  objects: boolean;
  /** --archive-models: each model of an archive of several classified too. */
  archiveModels: boolean;
  /** 'json' to stdout, or CSV to a file ('-' = stdout). */
  output: { kind: 'json' } | { kind: 'csv'; file: string };
}

export interface TeachCommand extends Common {
  command: 'teach';
  folder: string;
  out: string;
}

export type Command = ClassifyCommand | TeachCommand | { command: 'help' };

const OPTIONS: Record<'classify' | 'teach', readonly string[]> = {
  classify: ['--model', '--votes', '--head', '--csv', '--json', '--jobs', '--device', '--up', '--keep-every-point', '--objects', '--archive-models'],
  teach: ['--model', '--out', '--jobs', '--device', '--up', '--keep-every-point'],
};
const FLAGS = new Set(['--json', '--keep-every-point', '--objects', '--archive-models']);

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function jobsOf(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 256)) throw new UsageError(`--jobs must be a whole number from 1 to 256, got ${JSON.stringify(value)}`);
  return n;
}

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('no command given (classify or teach)');
  if (command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command !== 'classify' && command !== 'teach') throw new UsageError(`unknown command ${JSON.stringify(command)} (the commands are classify and teach)`);
  const known = OPTIONS[command];
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return { command: 'help' };
    if (arg === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.includes(name)) throw new UsageError(`unknown option ${name} for ${command} (its options: ${known.join(', ')})`);
    if (values.has(name)) throw new UsageError(`${name} is given twice`);
    if (FLAGS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      values.set(name, '');
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  const common: Common = {
    model: values.get('--model') ?? null,
    jobs: values.has('--jobs') ? jobsOf(values.get('--jobs')!) : null,
    device: oneOf('--device', values.get('--device') ?? 'auto', CLI_DEVICES),
    up: oneOf('--up', values.get('--up') ?? 'auto', UP_AXES),
    keepEveryPoint: values.has('--keep-every-point'),
  };
  if (common.model !== null && !/^[a-z0-9][a-z0-9._-]*$/i.test(common.model)) throw new UsageError(`--model must be a model id (a folder name of public/models), got ${JSON.stringify(common.model)}`);
  if (command === 'teach') {
    if (positional.length !== 1) throw new UsageError(`teach takes one folder of class folders, got ${positional.length}`);
    const out = values.get('--out');
    if (!out) throw new UsageError('teach needs --out <head.json> (where the taught head is written)');
    return { command, ...common, folder: positional[0], out };
  }
  if (positional.length === 0) throw new UsageError('classify needs at least one file or folder');
  if (values.has('--csv') && values.has('--json')) throw new UsageError('--csv and --json are exclusive: choose one output');
  let votes: number | null = null;
  if (values.has('--votes')) {
    votes = parseVotes(values.get('--votes')!);
    if (votes === null) throw new UsageError(`--votes must be a whole number from 1 to ${MAX_VOTES}, got ${JSON.stringify(values.get('--votes'))}`);
  }
  const csv = values.get('--csv');
  return {
    command,
    ...common,
    inputs: positional,
    votes,
    head: values.get('--head') ?? null,
    objects: values.has('--objects'),
    archiveModels: values.has('--archive-models'),
    output: csv !== undefined ? { kind: 'csv', file: csv } : { kind: 'json' },
  };
}
