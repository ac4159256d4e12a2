/**
 * `npx projen bench`: synth-time and size benchmarks of secure-dsql, printed as markdown tables and written to
 * bench/RESULTS.md. Not a test: nothing here asserts a time.
 *
 * Environment:
 *   BENCH_REPS   repetitions per unit count (default 7 for 1 and 10 units, 3 for 50)
 *   BENCH_UNITS  comma-separated unit counts (default 1,10,50)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { handlerBundleBytes, RoleRow, runRoleBench } from './database-roles';
import { Cell, QUOTAS, QuotaRow, runQuotaBench } from './quotas';
import { SynthRow, runSynthBench } from './synth';
import { missingConstructs } from './units';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 100 ? n.toFixed(1) : fmt(n));

function synthTable(rows: SynthRow[]): string {
  const lines = [
    '| units | library synth (ms) | hand-written synth (ms) | time ratio | access model (ms) | access model / rest of library synth | library template (bytes) | hand-written template (bytes) | bytes ratio | library resources | hand-written resources | reps |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const lib = r.library;
    const na = 'not exported yet';
    const model = lib?.accessModelMs;
    // What the analysis adds: its time over the rest of the library's synth (which includes it).
    const share = lib && model !== undefined ? `${((100 * model) / (lib.ms - model)).toFixed(1)}%` : '—';
    lines.push(`| ${r.units} | ${lib ? ms(lib.ms) : na} | ${ms(r.hand.ms)} | ${lib ? (lib.ms / r.hand.ms).toFixed(2) : '—'} | `
      + `${model !== undefined ? ms(model) : '—'} | ${share} | `
      + `${lib ? fmt(lib.templateBytes) : na} | ${fmt(r.hand.templateBytes)} | ${lib ? (lib.templateBytes / r.hand.templateBytes).toFixed(2) : '—'} | `
      + `${lib ? lib.resources : na} | ${r.hand.resources} | ${r.repetitions} |`);
  }
  return lines.join('\n');
}

function roleTable(rows: RoleRow[], bundleBytes: number | undefined): string {
  const lines = [
    '| database roles on one cluster | Lambda functions | IAM roles | IAM policies | custom resources | template (bytes) | synth (ms) | reps |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.roles} | ${r.functions} | ${r.iamRoles} | ${r.iamPolicies} | ${r.customResources} | ${fmt(r.templateBytes)} | ${ms(r.synthMs)} | ${r.repetitions} |`);
  }
  const bundle = bundleBytes === undefined ? 'not built (run `npx projen bundle`)' : `${fmt(bundleBytes)} bytes (${(bundleBytes / 1024).toFixed(0)} KB)`;
  return `${lines.join('\n')}\n\nHandler bundle (assets/handlers/database-role.lambda/index.js, minified, no source map): ${bundle}.`;
}

function cell(c: Cell): string {
  switch (c.kind) {
    case 'size': {
      const pct = Math.round((100 * c.value) / c.quota);
      const over = c.value > c.quota ? ' **over quota**' : '';
      return `${fmt(c.value)} / ${fmt(c.quota)} (${pct}%)${over}${c.note ? ` — ${c.note}` : ''}`;
    }
    case 'rejected': return `rejected at synth: ${c.message.replace(/\|/g, '\\|')}`;
    case 'n/a': return `— (${c.why})`;
  }
}

function quotaTable(rows: QuotaRow[]): string {
  const lines = [
    `| input | cluster policy (chars / ${fmt(QUOTAS.clusterPolicy)}) | largest managed policy (chars / ${fmt(QUOTAS.managedPolicy)}) `
      + `| endpoint policy (chars / ${fmt(QUOTAS.endpointPolicy)}) | NACL rules per direction (/ ${QUOTAS.naclDefault} default, ${QUOTAS.naclMax} max) `
      + `| endpoint SG rules per direction (/ ${QUOTAS.securityGroupRules}) |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.input} | ${cell(r.clusterPolicy)} | ${cell(r.managedPolicy)} | ${cell(r.endpointPolicy)} | ${cell(r.naclRules)} | ${cell(r.securityGroupRules)} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const started = Date.now();
  const units = (process.env.BENCH_UNITS ?? '1,10,50').split(',').map(Number);
  const repsOverride = process.env.BENCH_REPS ? Number(process.env.BENCH_REPS) : undefined;
  const reps = (n: number) => repsOverride ?? (n >= 50 ? 5 : 9);

  const missing = missingConstructs();
  let synthSection = synthTable(runSynthBench(units, reps, missing.length === 0 ? ['library', 'hand'] : ['hand']));
  if (missing.length > 0) {
    synthSection += `\n\n_Library variant not run: ${missing.join(', ')} not exported from src/index.ts yet._`;
  }
  const quotaSection = quotaTable(runQuotaBench([10, 100, 1000], [10, 100]));
  const roleSection = roleTable(runRoleBench([1, 10], repsOverride ?? 9), handlerBundleBytes());
  const seconds = ((Date.now() - started) / 1000).toFixed(0);

  const cdkVersion = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf-8')).version;
  const markdown = [
    '# secure-dsql benchmarks',
    '',
    `Produced by \`npx projen bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, `
      + `aws-cdk-lib ${cdkVersion}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}; the run took ${seconds} s.`,
    '',
    '## Synth time and template size: secure units, library vs hand-written',
    '',
    'A unit is one cluster that refuses public connections, an interface endpoint for its connection service on',
    'TCP 5432 reachable from one client security group, and a managed policy that lets one role connect. Both',
    'variants share one VPC (2 isolated subnets, no NAT), the client security group and the role. Each row: one',
    'warm-up synth per variant, then N rounds alternating the two (order swapped each round) in one process; medians.',
    'Time is from `new App()` to the written cloud assembly. Ratios are library / hand-written. "access model" is the part',
    'of the library\'s synth spent in the whole-app access model (one pass over the tree, the verdicts, the checks and the',
    'report files), as it records in `dsql-access-report.json`; the next column is what it adds to the rest of the synth.',
    '',
    synthSection,
    '',
    '## Policy and rule sizes against AWS quotas',
    '',
    'Measured on the synthesized template: policies as compact JSON (IAM does not count whitespace), with every',
    'CloudFormation intrinsic replaced by a value of realistic length (a cluster ARN, a VPC id). CIDRs are distinct',
    '/24 blocks, no two adjacent (merging cannot shrink them): public ones for the policies, private ones (10.0.0.0/8)',
    'for the network ACL and security group, which only admit private ranges; principals are role ARNs. Trusted CIDRs go to',
    'the cluster policy and the connect policy (`sourceIps`), the endpoint\'s network ACL (`networkAcl`) and the',
    'endpoint\'s security group (`allowedClients`); principals go to the cluster policy and the connect policy',
    '(`principalArns`) and the endpoint policy (`allowedPrincipalArns`).',
    '',
    quotaSection,
    '',
    '## Database roles: what N roles on one cluster cost',
    '',
    'One cluster, one application role, and N DsqlDatabaseRoles mapped to it (each with USAGE on one schema). The',
    'roles share one handler function and one provider framework function per stack, cluster and placement; the',
    'counts leave out the application role. Synth time as above (one warm-up, median of the repetitions).',
    '',
    roleSection,
    '',
  ].join('\n');

  console.log(markdown);
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), markdown);
}

main();
