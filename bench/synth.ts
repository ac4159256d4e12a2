/**
 * Synth-time benchmark: N secure units built with the library and by hand, synthesized alternately in one
 * process (warm-up first), medians compared.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Shared, handUnit, libraryUnit, sharedInfrastructure } from './units';

export type Variant = 'library' | 'hand';

export interface SynthSample {
  readonly ms: number;
  readonly templateBytes: number;
  readonly resources: number;
  /**
   * Of `ms`, the time the library's whole-app access model took (collect, evaluate, check, write the report),
   * as it records in `dsql-access-report.json`. Undefined for the hand-written variant.
   */
  readonly accessModelMs?: number;
}

export interface SynthRow {
  readonly units: number;
  readonly repetitions: number;
  /** Undefined when the library's constructs are not all exported yet. */
  readonly library?: SynthSample;
  readonly hand: SynthSample;
}

const BUILDERS: Record<Variant, (shared: Shared, i: number) => void> = { library: libraryUnit, hand: handUnit };

/** Build and synthesize one app of `units` units; time from `new App()` to the written assembly. */
export function synthOnce(variant: Variant, units: number, workdir: string): SynthSample {
  const outdir = fs.mkdtempSync(path.join(workdir, `${variant}-${units}-`));
  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  const shared = sharedInfrastructure(app);
  for (let i = 0; i < units; i++) BUILDERS[variant](shared, i);
  const assembly = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const stack = assembly.getStackByName(shared.stack.stackName);
  const templateBytes = fs.statSync(stack.templateFullPath).size;
  const resources = Object.keys(stack.template.Resources ?? {}).length;
  const report = path.join(assembly.directory, 'dsql-access-report.json');
  const accessModelMs = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf-8')).stats?.analysisMs as number | undefined : undefined;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ms, templateBytes, resources, accessModelMs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * For each unit count: one warm-up synth of each variant, then `repetitions` rounds of both variants, the
 * order alternating from round to round so neither always runs on a warmer heap.
 */
export function runSynthBench(unitCounts: readonly number[], repetitions: (units: number) => number, variants: readonly Variant[] = ['library', 'hand']): SynthRow[] {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-bench-'));
  try {
    const rows: SynthRow[] = [];
    for (const units of unitCounts) {
      for (const variant of variants) synthOnce(variant, units, workdir);
      const samples: Record<Variant, SynthSample[]> = { library: [], hand: [] };
      const reps = repetitions(units);
      for (let r = 0; r < reps; r++) {
        const order = r % 2 === 0 ? [...variants] : [...variants].reverse();
        for (const variant of order) samples[variant].push(synthOnce(variant, units, workdir));
      }
      const summarize = (s: SynthSample[]): SynthSample => ({
        ms: median(s.map(x => x.ms)),
        accessModelMs: s.every(x => x.accessModelMs !== undefined) ? median(s.map(x => x.accessModelMs!)) : undefined,
        // Deterministic: every repetition writes the same template.
        templateBytes: s[0].templateBytes,
        resources: s[0].resources,
      });
      rows.push({
        units,
        repetitions: reps,
        library: samples.library.length ? summarize(samples.library) : undefined,
        hand: summarize(samples.hand),
      });
    }
    return rows;
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}
