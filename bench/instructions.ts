/**
 * `npx projen bench:instructions`: the synth cost of the library against the hand-written units as CPU
 * instructions instead of wall-clock time, for machines whose other tenants make timings swing (on the 2 shared
 * cores where this was written, the paired ratio of two runs next to each other has an interquartile range of
 * about ±0.15). Not a test, and not part of CI: it needs valgrind (`apt-get install valgrind`) and takes
 * several minutes.
 *
 * Each measurement is one process under `valgrind --tool=cachegrind --cache-sim=no`, running node with
 * `--predictable --single-threaded` (V8 then schedules compilation and garbage collection deterministically: the
 * same code counts the same instructions, to about 0.02 %). A process loads the library, synthesizes one small
 * app of each variant (warm-up), then `n` apps of the row. The instructions of one synth are the slope between
 * two values of `n` (`(I(high) - I(low)) / (high - low)`), which cancels loading, warm-up and the one-time
 * compilation of the first large synth. Small changes of code can still move a garbage collection across a
 * threshold, which shows as a constant offset between versions: compare slopes, not totals.
 *
 * The young generation is fixed at 64 MiB (`--min-semi-space-size=64 --max-semi-space-size=64`,
 * `SEMI_SPACE_FLAGS`). With V8's default, which grows the young generation as the heap grows, the same
 * hand-written row counted 3.07 G in one checkout and 3.23 G in another (5 %: the library's code size moves
 * garbage collections from one synth to the next); with it fixed, 3.052 G and 3.059 G (0.2 %). Rows measured
 * before 2026-12-06 used the default and are not comparable to later ones (bench/RESULTS.md).
 *
 * Environment:
 *   BENCH_ROWS   comma-separated rows, each `<units>x<stacks>` (default 60x1)
 *   BENCH_N      the two values of n, `low,high` (default 1,3)
 */
import { execFile } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { synthOnce } from './synth';

const run = promisify(execFile);

type Variant = 'library' | 'hand';

/** In the measured process: warm up, then `n` synths of the row. */
function child(variant: Variant, units: number, stacks: number, n: number): void {
  const workdir = os.tmpdir();
  synthOnce('library', { units: 4, stacks: 1 }, workdir);
  synthOnce('hand', { units: 4, stacks: 1 }, workdir);
  for (let i = 0; i < n; i++) synthOnce(variant, { units, stacks }, workdir);
}

/** A young generation of fixed size: garbage collections then fall at the same points of every checkout's synth. */
export const SEMI_SPACE_FLAGS = ['--min-semi-space-size=64', '--max-semi-space-size=64'];

/** The instructions of one measured process. */
function instructions(variant: Variant, units: number, stacks: number, n: number): Promise<number> {
  return countInstructions(__filename, ['child', variant, String(units), String(stacks), String(n)], SEMI_SPACE_FLAGS);
}

/**
 * The instructions of one process running `script` with `args` under valgrind, node in its deterministic mode
 * with `nodeFlags` added (bench/realistic.ts passes none: its row collects garbage between synths instead).
 */
export async function countInstructions(script: string, scriptArgs: string[], nodeFlags: readonly string[] = []): Promise<number> {
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', '--smc-check=all-non-file',
    process.execPath, '--predictable', '--single-threaded', '--expose-gc', ...nodeFlags, '-r', 'ts-node/register', script, ...scriptArgs];
  const { stderr } = await run('valgrind', args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' } });
  const m = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (!m) throw new Error(`no instruction count in valgrind's output:\n${stderr.slice(-2000)}`);
  return Number(m[1].replace(/,/g, ''));
}

async function main(): Promise<void> {
  const rows = (process.env.BENCH_ROWS ?? '60x1').split(',').map((r) => r.split('x').map(Number));
  const [low, high] = (process.env.BENCH_N ?? '1,3').split(',').map(Number);
  // Two processes at a time (the machines have 2 cores); each count is independent of the load.
  const lines = [
    '| units (stacks) | library instructions / synth | hand-written instructions / synth | instruction ratio | library share / unit (instructions) |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [units, stacks] of rows) {
    const started = Date.now();
    const [libLow, libHigh] = await Promise.all([instructions('library', units, stacks, low), instructions('library', units, stacks, high)]);
    const [handLow, handHigh] = await Promise.all([instructions('hand', units, stacks, low), instructions('hand', units, stacks, high)]);
    const lib = (libHigh - libLow) / (high - low);
    const hand = (handHigh - handLow) / (high - low);
    const g = (x: number) => `${(x / 1e9).toFixed(3)} G`;
    lines.push(`| ${units} (${stacks}) | ${g(lib)} | ${g(hand)} | ${(lib / hand).toFixed(3)} | ${((lib - hand) / units / 1e6).toFixed(2)} M |`);
    process.stderr.write(`${units} units in ${stacks} stack(s): ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  process.stdout.write(`Instructions per synth (valgrind cachegrind, node --predictable --single-threaded ${SEMI_SPACE_FLAGS.join(' ')}, slope between n=${low} and n=${high}, `
    + `${path.basename(process.execPath)} ${process.version}):\n\n${lines.join('\n')}\n`);
}

if (require.main !== module) {
  // Imported (bench/realistic.ts): nothing to run.
} else if (process.argv[2] === 'child') {
  child(process.argv[3] as Variant, Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6]));
} else {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
