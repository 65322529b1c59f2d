// `npm run bench:up`: what the automatic up costs, measured side by side in one process. The
// default model (the zoo's first) on onnxruntime's wasm EP in Node, CPU geometry, one 1024-point
// ModelNet40 test cloud; each round classifies it with the up forced to z at one vote, with the
// up on Auto (the calibration's votes per up), and with the up forced to z at the manifest's
// votes, the same chair saved +x up on Auto (the second look), and 256 of its points on Auto (a
// sparse cloud, answered grown: decide.ts step 5), in turn, so the machine's load
// falls on all alike. Prints the medians and the
// ratios to the one-vote time. A setting's network passes (ups x votes) go through onnxruntime
// in one batched run (src/model/batchFeeds.ts); the table says how many passes and runs. The
// model's files are read and checked as the CLI reads them (src/cli/models.ts): frozen.bin is
// assembled from ../shared on the first run.
//   flags: --rounds 15 --model <id>
import { cpus, loadavg } from 'node:os';
import { testCloud, xUp, zooModel } from '../e2e/modelnet';
import { openClassifier, type ClassifyOptions } from '../src/model/classifier';
import { readModelFiles } from '../src/cli/models';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const ROUNDS = Number(flag('rounds') ?? 15);
const WARMUP = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const id = flag('model') ?? zooModel();
  const files = await readModelFiles(process.cwd(), id, (line) => console.log(line));
  const { manifest } = files;
  const clf = await openClassifier(files, { device: 'wasm' });
  const cloud = testCloud('chair_0890').points;
  const sideways = xUp(cloud);
  const settings: [string, ClassifyOptions, Float32Array][] = [
    ['up z, 1 vote', { up: 'z', votes: 1 }, cloud],
    ['Auto (default)', { up: 'auto' }, cloud],
    [`up z, ${manifest.votes ?? 1} votes (manifest)`, { up: 'z' }, cloud],
    // Saved +x up, on Auto: neither z nor y looks upright, so the second look classifies the
    // other four ups too (docs/pose.md "H"), when the manifest has one.
    ['Auto, the chair saved +x up', { up: 'auto' }, sideways],
    // 256 of its points: the up found on them as given, the answer read from them grown in one
    // more run (decide.ts step 5), when the calibration says so.
    ['Auto, 256 of its points', { up: 'auto' }, cloud.slice(0, 3 * 256)],
  ];
  const times = settings.map(() => ({ total: [] as number[], network: [] as number[], passes: 0, runs: 0, up: '' }));
  console.log(`bench:up: ${id}, ${ROUNDS} rounds (+${WARMUP} warm-up), ${cpus().length} CPUs (${cpus()[0]?.model}), load ${loadavg()[0].toFixed(2)}`);
  for (let round = -WARMUP; round < ROUNDS; round++) {
    for (const [i, [, options, points]] of settings.entries()) {
      const r = await clf.classify(points, options);
      if (round < 0) continue;
      times[i].total.push(r.timings.total);
      times[i].network.push(r.timings.network);
      const grownUps = r.answer.grown ? (r.answer.mixed ? r.answer.upScores.filter((s) => (s.weight ?? 0) > 0).length : 1) : 0;
      times[i].passes = (r.answer.upScores.length + grownUps) * r.votes;
      times[i].runs = r.timings.runs;
      times[i].up = `${r.answer.up}, ${r.top[0].label}`;
    }
  }
  await clf.dispose();
  const base = median(times[0].total);
  console.log('\n| setting | up, top-1 | network passes | onnxruntime runs | classify (median) | network | x one vote |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  settings.forEach(([label], i) => {
    const t = median(times[i].total);
    console.log(`| ${label} | ${times[i].up} | ${times[i].passes} | ${times[i].runs} | ${t.toFixed(0)} ms | ${median(times[i].network).toFixed(0)} ms | ${(t / base).toFixed(2)} |`);
  });
  console.log(`load at the end ${loadavg()[0].toFixed(2)}`);
}

await main();
