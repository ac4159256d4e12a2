/**
 * `npx projen bench:realistic`: what the library and its rule pack cost in a realistic app, as CPU instructions per
 * synth (the method of bench/instructions.ts: valgrind, node --predictable --single-threaded, the difference between
 * processes that synthesize `low` and `high` apps after one small warm-up app, garbage collected before each).
 * `BENCH_N=0,1` counts one synth as `cdk synth` runs it, the first-time compilation included, but where V8's
 * collections fall then moves the count by a quarter (bench/RESULTS.md). The app is one secure unit (bench/units.ts) among 110 ordinary services,
 * each a queue and a function in the VPC (about 450 resources in one stack), in four variants:
 *
 * - `hand`: the unit written by hand with aws-cdk-lib;
 * - `library`: the unit built with secure-dsql;
 * - `library+checks`: the same, with `DsqlSecurityChecks` on the app;
 * - `hand+nag`: the hand-written app with cdk-nag's `AwsSolutionsChecks` (cdk-nag 2.38, as an aspect), the peer.
 *
 * Not a test, and not part of CI: it needs valgrind and takes many minutes (8 processes, two at a time).
 *
 * Environment:
 *   BENCH_SERVICES  ordinary services (default 110)
 *   BENCH_N         the two values of n, `low,high` (default 1,2)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { countInstructions } from './instructions';
import { Shared, handUnit, libraryUnit, sharedInfrastructure } from './units';
import { DsqlSecurityChecks } from '../src';

type Variant = 'hand' | 'library' | 'library+checks' | 'hand+nag';
const VARIANTS: Variant[] = ['hand', 'library', 'library+checks', 'hand+nag'];

/** What `cdk synth` sets for an app (bench/synth.ts): path metadata and version reporting. */
const CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:version-reporting': true };

/** With --expose-gc (the measured processes run with it). */
const collectGarbage: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/**
 * One ordinary service: a queue and a function in the VPC's isolated subnets that knows its URL (four resources: the
 * queue, the function, its role and its security group; a grant would add a policy per service and take the stack
 * over CloudFormation's 500 resources).
 */
function ordinaryService(shared: Shared, i: number): void {
  const queue = new sqs.Queue(shared.stack, `Service${i}Queue`);
  new lambda.Function(shared.stack, `Service${i}`, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    vpc: shared.vpc,
    environment: { QUEUE_URL: queue.queueUrl },
  });
}

/** Build and synthesize one app of the variant; returns the number of resources. */
export function synthRealistic(variant: Variant, services: number, workdir: string): number {
  const outdir = fs.mkdtempSync(path.join(workdir, 'realistic-'));
  collectGarbage(); // the previous app's garbage is not counted in this one (as in bench/synth.ts)
  const app = new App({ outdir, context: CLI_CONTEXT });
  if (variant === 'library+checks') Aspects.of(app).add(new DsqlSecurityChecks());
  if (variant === 'hand+nag') Aspects.of(app).add(new AwsSolutionsChecks());
  const shared = sharedInfrastructure(app, 'Realistic');
  (variant.startsWith('library') ? libraryUnit : handUnit)(shared, 0);
  for (let i = 0; i < services; i++) ordinaryService(shared, i);
  const assembly = app.synth();
  const resources = Object.keys(assembly.getStackByName(Stack.of(shared.stack).stackName).template.Resources ?? {}).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return resources;
}

/** In the measured process: one small app of the variant (warm-up), then `n` apps of the row. */
function child(variant: Variant, services: number, n: number): void {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-realistic-'));
  try {
    synthRealistic(variant, 4, workdir);
    for (let i = 0; i < n; i++) synthRealistic(variant, services, workdir);
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const services = Number(process.env.BENCH_SERVICES ?? 110);
  const [low, high] = (process.env.BENCH_N ?? '1,2').split(',').map(Number);
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-realistic-'));
  const resources = synthRealistic('library', services, workdir);
  fs.rmSync(workdir, { recursive: true, force: true });
  // Eight measured processes, two at a time (the machines have 2 cores); each count is independent of the load.
  const jobs = VARIANTS.flatMap((variant) => [low, high].map((n) => ({ variant, n })));
  const counts = new Map<string, number>();
  const started = Date.now();
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const count = await countInstructions(__filename, ['child', job.variant, String(services), String(job.n)]);
      counts.set(`${job.variant} ${job.n}`, count);
      process.stderr.write(`${job.variant} n=${job.n}: ${count} instructions (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  };
  await Promise.all([worker(), worker()]);
  const perSynth = (v: Variant) => (counts.get(`${v} ${high}`)! - counts.get(`${v} ${low}`)!) / (high - low);
  const hand = perSynth('hand');
  const lines = ['| variant | instructions / synth | ratio to hand-written |', '| --- | ---: | ---: |',
    ...VARIANTS.map((v) => `| ${v} | ${(perSynth(v) / 1e9).toFixed(3)} G | ${(perSynth(v) / hand).toFixed(3)} |`)];
  process.stdout.write(`One secure unit among ${services} ordinary services (${resources} resources with the library), instructions per synth `
    + `(valgrind cachegrind, node --predictable --single-threaded, slope between n=${low} and n=${high}, ${process.version}):\n\n${lines.join('\n')}\n`);
}

if (process.argv[2] === 'child') {
  child(process.argv[3] as Variant, Number(process.argv[4]), Number(process.argv[5]));
} else if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
