/**
 * Synth-time benchmark: N secure units built with the library and by hand, synthesized alternately in one
 * process (one warm-up each first), the fastest run of each compared.
 *
 * `app.synth()` runs everything the library registers: the validations of its constructs (`addValidation`)
 * and any aspect or synth-time pass it adds, so the time includes every check.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Shared, handUnit, libraryUnit, sharedInfrastructure } from './units';

export type Variant = 'library' | 'hand';

/** One row of the table: `units` secure units spread evenly over `stacks` stacks. */
export interface SynthConfig {
  readonly units: number;
  readonly stacks: number;
}

export interface SynthSample {
  /** Wall-clock time. */
  readonly ms: number;
  /** Bytes of all the stacks' templates. */
  readonly templateBytes: number;
  /** Resources of all the stacks. */
  readonly resources: number;
}

export interface SynthRow extends SynthConfig {
  readonly repetitions: number;
  /**
   * The median over the rounds of library / hand-written of the same round (two runs next to each other in
   * time): a check of the fastest-run ratio that other processes disturb less, since both runs of a round
   * share the machine's load of that moment.
   */
  readonly pairedMedianRatio: number;
  /** The fastest run of each variant (templates and resources are the same in every run). */
  readonly library: SynthSample;
  readonly hand: SynthSample;
}

const BUILDERS: Record<Variant, (shared: Shared, i: number) => void> = { library: libraryUnit, hand: handUnit };

/**
 * What `cdk synth` sets for an app: resource path metadata and version reporting (the CDKMetadata resource),
 * so that the templates are the ones users deploy.
 */
const CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:version-reporting': true };

/** Garbage of the previous run is collected before the clock starts, when node runs with --expose-gc. */
const collectGarbage: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Build and synthesize one app; time from `new App()` to the written cloud assembly. */
export function synthOnce(variant: Variant, config: SynthConfig, workdir: string): SynthSample {
  const outdir = fs.mkdtempSync(path.join(workdir, `${variant}-${config.units}-`));
  collectGarbage();
  const start = process.hrtime.bigint();
  const app = new App({ outdir, context: CLI_CONTEXT });
  const stackIds: string[] = [];
  const perStack = Math.ceil(config.units / config.stacks);
  for (let s = 0, built = 0; s < config.stacks && built < config.units; s++) {
    const stackId = config.stacks === 1 ? 'Bench' : `Bench${s + 1}`;
    const shared = sharedInfrastructure(app, stackId);
    stackIds.push(stackId);
    for (let i = 0; i < perStack && built < config.units; i++, built++) BUILDERS[variant](shared, i);
  }
  const assembly = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let templateBytes = 0;
  let resources = 0;
  for (const id of stackIds) {
    const stack = assembly.getStackByName(id);
    templateBytes += fs.statSync(stack.templateFullPath).size;
    resources += Object.keys(stack.template.Resources ?? {}).length;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ms, templateBytes, resources };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How many rounds to run: at least `min`; then more while a fastest run still improves, up to `max`. */
export interface Rounds {
  readonly min: number;
  readonly max: number;
  /** Stop after this many rounds in a row in which neither variant's fastest run improved by 1 % or more. */
  readonly settle: number;
}

/**
 * For each row: one warm-up synth of each variant, then rounds of both variants, the order alternating from
 * round to round so neither always runs on a warmer heap; the fastest run of each is kept (the least
 * disturbed by the other processes of the machine and by garbage collection). After `rounds.min` rounds,
 * rounds go on while a fastest run still improves, so that a busy moment of the machine does not decide.
 */
export function runSynthBench(configs: readonly SynthConfig[], rounds: (config: SynthConfig) => Rounds,
  progress: (message: string) => void = () => undefined): SynthRow[] {
  const variants: Variant[] = ['library', 'hand'];
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-bench-'));
  try {
    const rows: SynthRow[] = [];
    for (const config of configs) {
      const started = Date.now();
      for (const variant of variants) synthOnce(variant, config, workdir);
      const samples: Record<Variant, SynthSample[]> = { library: [], hand: [] };
      const { min, max, settle } = rounds(config);
      const best: Record<Variant, number> = { library: Infinity, hand: Infinity };
      let unchanged = 0;
      for (let r = 0; r < max && (r < min || unchanged < settle); r++) {
        const order = r % 2 === 0 ? variants : [...variants].reverse();
        let improved = false;
        for (const variant of order) {
          const sample = synthOnce(variant, config, workdir);
          samples[variant].push(sample);
          if (sample.ms < best[variant] * 0.99) improved = true;
          best[variant] = Math.min(best[variant], sample.ms);
        }
        unchanged = improved ? 0 : unchanged + 1;
      }
      const reps = samples.library.length;
      const fastest = (s: SynthSample[]): SynthSample => ({
        ms: Math.min(...s.map(x => x.ms)),
        templateBytes: s[0].templateBytes,
        resources: s[0].resources,
      });
      const paired = samples.library.map((l, i) => l.ms / samples.hand[i].ms);
      const row: SynthRow = {
        ...config, repetitions: reps, pairedMedianRatio: median(paired), library: fastest(samples.library), hand: fastest(samples.hand),
      };
      progress(`${config.units} units in ${config.stacks} stack(s): fastest library ${row.library.ms.toFixed(0)} ms, hand-written `
        + `${row.hand.ms.toFixed(0)} ms, paired median ratio ${row.pairedMedianRatio.toFixed(2)} (${reps} runs each, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
      rows.push(row);
    }
    return rows;
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}
