/**
 * Compliance harness: run cdk-nag rule packs and the AWS Control Tower proactive controls (cfn-guard) over a
 * CDK app, and return what they find as plain data that tests can assert on.
 *
 * - `runNagPacks(app)` adds the AwsSolutions, NIST 800-53 R5 and HIPAA Security packs of cdk-nag 2.x as aspects
 *   (cdk-nag 2.38 is the major that works with the pinned aws-cdk-lib 2.255, see docs/ARCHITECTURE.md, "Decisions"), synthesizes
 *   the app, and returns every finding: unsuppressed errors and warnings, and suppressed ones with their reason.
 * - `runCfnGuard(app)` synthesizes the app and runs the cfn-guard binary shipped in
 *   `@cdklabs/cdk-validator-cfnguard` with the Control Tower rules of the chosen services (EC2, IAM, KMS,
 *   Lambda, S3 and CloudTrail by default) on every stack template, offline.
 *
 * Both name each finding by rule and by construct path, so a test can say "zero errors under the library's
 * constructs" with `ownedBy(...)`, and "the deliberately insecure canary is flagged" with `findingsAt(...)`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import {
  AwsSolutionsChecks, HIPAASecurityChecks, INagLogger, NagLoggerComplianceData, NagLoggerErrorData,
  NagLoggerNonComplianceData, NagLoggerNotApplicableData, NagLoggerSuppressedData, NagLoggerSuppressedErrorData,
  NagMessageLevel, NIST80053R5Checks,
} from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';

// ---------------------------------------------------------------------------------------------------------------
// cdk-nag
// ---------------------------------------------------------------------------------------------------------------

/** The cdk-nag packs the library is held to. */
export const NAG_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security'] as const;
export type NagPackName = typeof NAG_PACKS[number];

/** One cdk-nag finding on one resource. */
export interface NagFinding {
  /** The pack, e.g. `AwsSolutions`. */
  readonly pack: string;
  /** The rule id as cdk-nag prints it, e.g. `AwsSolutions-IAM5` or `NIST.800.53.R5-IAMNoInlinePolicy`. */
  readonly ruleId: string;
  /** The finding id for rules with several findings per resource (e.g. `Action::*`); else the rule id. */
  readonly findingId: string;
  /** `error` or `warning` (cdk-nag's rule level); `validation-failure` when the rule itself threw. */
  readonly level: 'error' | 'warning' | 'info' | 'validation-failure';
  /** Construct path of the CfnResource, e.g. `Stack/Db/Resource`. */
  readonly path: string;
  /** CloudFormation type of the resource. */
  readonly resourceType: string;
  /** What the rule checks, in cdk-nag's words. */
  readonly info: string;
  /** Set when the finding is suppressed (acknowledged) on the resource: the reason given. */
  readonly suppressedReason?: string;
}

/** The findings of the cdk-nag packs on one app. */
export interface NagResult {
  /** Every finding, suppressed or not. */
  readonly findings: NagFinding[];
  /** Unsuppressed findings of level error. */
  readonly errors: NagFinding[];
  /** Unsuppressed findings of level warning (reported, not gated). */
  readonly warnings: NagFinding[];
  /** Suppressed (acknowledged) findings. */
  readonly suppressed: NagFinding[];
  /** The assembly the app synthesized into. */
  readonly assembly: CloudAssembly;
}

function levelOf(level: NagMessageLevel): NagFinding['level'] {
  switch (level) {
    case NagMessageLevel.ERROR: return 'error';
    case NagMessageLevel.WARN: return 'warning';
    default: return 'info';
  }
}

/** A cdk-nag logger that records findings as data (the annotations are still written by cdk-nag itself). */
class RecordingLogger implements INagLogger {
  public readonly findings: NagFinding[] = [];

  public onCompliance(_data: NagLoggerComplianceData): void { /* compliant: nothing to record */ }
  public onNotApplicable(_data: NagLoggerNotApplicableData): void { /* not applicable: nothing to record */ }

  public onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.findings.push(this.finding(data, levelOf(data.ruleLevel), data.findingId));
  }

  public onSuppressed(data: NagLoggerSuppressedData): void {
    this.findings.push({ ...this.finding(data, levelOf(data.ruleLevel), data.findingId), suppressedReason: data.suppressionReason });
  }

  public onError(data: NagLoggerErrorData): void {
    this.findings.push({ ...this.finding(data, 'validation-failure', data.ruleId), info: data.errorMessage });
  }

  public onSuppressedError(data: NagLoggerSuppressedErrorData): void {
    this.findings.push({
      ...this.finding(data, 'validation-failure', data.ruleId),
      info: data.errorMessage,
      suppressedReason: data.errorSuppressionReason,
    });
  }

  private finding(data: NagLoggerComplianceData, level: NagFinding['level'], findingId: string): NagFinding {
    return {
      pack: data.nagPackName,
      ruleId: data.ruleId,
      findingId: findingId || data.ruleId,
      level,
      path: data.resource.node.path,
      resourceType: data.resource.cfnResourceType,
      info: data.ruleInfo,
    };
  }
}

/**
 * Apply the cdk-nag packs to `app` as aspects, synthesize it and return the findings.
 *
 * Call it once per app, after the app is fully built and before anything else synthesizes it.
 */
export function runNagPacks(app: App, packs: readonly NagPackName[] = NAG_PACKS): NagResult {
  const logger = new RecordingLogger();
  const props = { verbose: true, reports: false, additionalLoggers: [logger] };
  for (const pack of packs) {
    switch (pack) {
      case 'AwsSolutions': Aspects.of(app).add(new AwsSolutionsChecks(props)); break;
      case 'NIST.800.53.R5': Aspects.of(app).add(new NIST80053R5Checks(props)); break;
      case 'HIPAA.Security': Aspects.of(app).add(new HIPAASecurityChecks(props)); break;
    }
  }
  const assembly = app.synth();
  const findings = logger.findings;
  return {
    findings,
    errors: findings.filter(f => !f.suppressedReason && (f.level === 'error' || f.level === 'validation-failure')),
    warnings: findings.filter(f => !f.suppressedReason && f.level === 'warning'),
    suppressed: findings.filter(f => f.suppressedReason !== undefined),
    assembly,
  };
}

/** Group findings by rule id, then by construct path: `{ 'AwsSolutions-IAM5': ['Stack/Role/Resource', …] }`. */
export function groupByRule(findings: readonly { ruleId: string; path: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of findings) {
    const paths = out[f.ruleId] ??= [];
    if (!paths.includes(f.path)) paths.push(f.path);
  }
  for (const paths of Object.values(out)) paths.sort();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Group findings by construct path, then by rule: `{ 'Stack/Role/Resource': ['AwsSolutions-IAM5', …] }`. */
export function groupByPath(findings: readonly { ruleId: string; path: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of findings) {
    const rules = out[f.path] ??= [];
    if (!rules.includes(f.ruleId)) rules.push(f.ruleId);
  }
  for (const rules of Object.values(out)) rules.sort();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

// ---------------------------------------------------------------------------------------------------------------
// cfn-guard with the Control Tower proactive controls
// ---------------------------------------------------------------------------------------------------------------

/** Rule directories of `@cdklabs/cdk-validator-cfnguard` for the services the library touches. */
export const GUARD_SERVICES = {
  EC2: 'ec2',
  IAM: 'identityandaccessmanagement',
  KMS: 'keymanagementservice',
  Lambda: 'lambda',
  S3: 's3',
  CloudTrail: 'cloudtrail',
} as const;
export type GuardService = keyof typeof GUARD_SERVICES;

const GUARD_PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));

/** The cfn-guard binary shipped in the npm package, for this platform. */
export function guardBinary(): string {
  const platform = os.platform() === 'linux' ? 'ubuntu' : os.platform() === 'darwin' ? 'macos' : undefined;
  const arch = os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : undefined;
  if (!platform || !arch) {
    throw new Error(`cfn-guard is shipped for linux and macOS on x64/arm64 only, not ${os.platform()}/${os.arch()}`);
  }
  return path.join(GUARD_PACKAGE, 'bin', platform, arch, 'cfn-guard');
}

/** The Control Tower rule directory of a service. */
export function guardRulesDir(service: GuardService): string {
  return path.join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard', GUARD_SERVICES[service]);
}

/** One failing Control Tower control on one resource. */
export interface GuardFinding {
  /** The Control Tower control id, e.g. `CT.EC2.PR.4`. */
  readonly ruleId: string;
  /** The guard rule name, e.g. `vpc_sg_restricted_common_ports_check`. */
  readonly ruleName: string;
  /** The stack (artifact id) whose template failed. */
  readonly stack: string;
  /** Logical id of the resource in the template. */
  readonly logicalId: string;
  /** Construct path of the resource (the logical id when no construct matches). */
  readonly path: string;
  /** The control's text, e.g. "Require that an Amazon EC2 subnet does not automatically assign public IP addresses". */
  readonly description: string;
  /** Set when the resource acknowledges the control in `Metadata.guard.SuppressedRules`. */
  readonly suppressed?: boolean;
}

export interface GuardResult {
  /** Every failure, acknowledged or not. */
  readonly findings: GuardFinding[];
  /** Failures not acknowledged by the resource. */
  readonly failures: GuardFinding[];
  /** Failures the resource acknowledges (`Metadata.guard.SuppressedRules` lists the rule name or control id). */
  readonly suppressed: GuardFinding[];
  /** Number of templates checked. */
  readonly templates: number;
}

export interface GuardOptions {
  /** @default all of GUARD_SERVICES */
  readonly services?: GuardService[];
  /** An assembly already synthesized from `app` (e.g. by runNagPacks); @default app.synth() */
  readonly assembly?: CloudAssembly;
}

const CONTROL_ID = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]:\s*([^\n]*)/;

/** Walk cfn-guard's structured output and collect (control, resource) pairs under one failing rule. */
function collectFailures(node: unknown, control: { id: string; description: string }, out: Map<string, { id: string; description: string }>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectFailures(child, control, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const messages = obj.messages as { custom_message?: string | null } | undefined;
  const match = messages?.custom_message ? CONTROL_ID.exec(messages.custom_message) : null;
  const here = match ? { id: match[1], description: match[2].trim() } : control;
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'path' && typeof value === 'string' && value.startsWith('/Resources/')) {
      const logicalId = value.split('/')[2];
      // The most specific control id wins (a nested custom message over the rule name).
      const previous = out.get(logicalId);
      if (!previous || !previous.id.startsWith('CT.')) out.set(logicalId, here);
    } else {
      collectFailures(value, here, out);
    }
  }
}

/** Map `<artifactId>/<logicalId>` to construct paths for every CfnResource in the app. */
function logicalIdPaths(app: App): Map<string, string> {
  const map = new Map<string, string>();
  for (const c of app.node.findAll()) {
    if (CfnResource.isCfnResource(c)) {
      const stack = Stack.of(c);
      map.set(`${stack.artifactId}/${stack.resolve(c.logicalId)}`, c.node.path);
    }
  }
  return map;
}

function stacksOf(assembly: CloudAssembly): { artifactId: string; templateFullPath: string; template: any }[] {
  const out: { artifactId: string; templateFullPath: string; template: any }[] = [];
  const visit = (asm: CloudAssembly) => {
    for (const s of asm.stacks) out.push({ artifactId: s.id, templateFullPath: s.templateFullPath, template: s.template });
    for (const nested of asm.nestedAssemblies) visit(nested.nestedAssembly);
  };
  visit(assembly);
  return out;
}

/**
 * Run cfn-guard with the Control Tower proactive-control rules of `services` on every template of `app`.
 */
export function runCfnGuard(app: App, options: GuardOptions = {}): GuardResult {
  const assembly = options.assembly ?? app.synth();
  const services = options.services ?? (Object.keys(GUARD_SERVICES) as GuardService[]);
  const stacks = stacksOf(assembly);
  const paths = logicalIdPaths(app);
  const byFile = new Map(stacks.map(s => [path.resolve(s.templateFullPath), s]));

  const args = ['validate', '--output-format', 'json', '--show-summary', 'none', '--structured'];
  for (const service of services) args.push('--rules', guardRulesDir(service));
  for (const s of stacks) args.push('--data', s.templateFullPath);
  const proc = spawnSync(guardBinary(), args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  if (proc.error) throw proc.error;
  // cfn-guard exits 0 (all pass), 19 (some rule failed) or 5 (some rule failed in another way): anything else
  // is a failure of the tool, not of the template.
  if (![0, 5, 19].includes(proc.status ?? -1)) {
    throw new Error(`cfn-guard exited with ${proc.status ?? proc.signal}: ${proc.stderr}`);
  }
  const output = proc.stdout.trim();
  const reports: any[] = output ? JSON.parse(output) : [];

  const findings: GuardFinding[] = [];
  for (const report of reports) {
    const stack = byFile.get(path.resolve(report.name));
    if (!stack) throw new Error(`cfn-guard reported on an unknown file ${report.name}`);
    for (const entry of Object.values<any>(report.not_compliant ?? {})) {
      const rule = entry.Rule ?? entry;
      const ruleName: string = rule.name;
      const resources = new Map<string, { id: string; description: string }>();
      collectFailures(rule, { id: ruleName, description: ruleName }, resources);
      for (const [logicalId, control] of resources) {
        const acknowledged: unknown = stack.template.Resources?.[logicalId]?.Metadata?.guard?.SuppressedRules;
        const suppressed = Array.isArray(acknowledged) && (acknowledged.includes(ruleName) || acknowledged.includes(control.id));
        findings.push({
          ruleId: control.id,
          ruleName,
          stack: stack.artifactId,
          logicalId,
          path: paths.get(`${stack.artifactId}/${logicalId}`) ?? logicalId,
          description: control.description,
          ...(suppressed ? { suppressed: true } : {}),
        });
      }
    }
  }
  findings.sort((a, b) => `${a.path} ${a.ruleId}`.localeCompare(`${b.path} ${b.ruleId}`));
  return {
    findings,
    failures: findings.filter(f => !f.suppressed),
    suppressed: findings.filter(f => f.suppressed),
    templates: stacks.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Ownership: which resources the library creates
// ---------------------------------------------------------------------------------------------------------------

/** Anything that can say "this construct path is mine". */
export type PathFilter = (constructPath: string) => boolean;

/**
 * Construct classes of a module's exports (e.g. `import * as lib from '../../src'`): every exported class
 * that extends `Construct`. New constructs are picked up as they are exported.
 */
export function constructClassesOf(module: Record<string, unknown>): (abstract new (...args: any[]) => Construct)[] {
  return Object.values(module).filter((v): v is abstract new (...args: any[]) => Construct =>
    typeof v === 'function' && v.prototype instanceof Construct);
}

/**
 * The paths of the constructs in `app` that are instances of `classes` (the library's constructs), outermost
 * only: a library construct nested in another one is covered by its parent.
 */
export function ownedRoots(app: IConstruct, classes: readonly (abstract new (...args: any[]) => Construct)[]): string[] {
  const roots: string[] = [];
  const visit = (c: IConstruct) => {
    if (classes.some(cls => c instanceof cls)) {
      roots.push(c.node.path);
      return;
    }
    for (const child of c.node.children) visit(child);
  };
  visit(app);
  return roots;
}

/** A filter that is true for a path at or under one of `roots`. */
export function under(roots: readonly string[]): PathFilter {
  return p => roots.some(root => p === root || p.startsWith(`${root}/`));
}

/** Findings whose resource is at or under one of `roots`. */
export function findingsUnder<T extends { path: string }>(findings: readonly T[], roots: readonly string[]): T[] {
  const mine = under(roots);
  return findings.filter(f => mine(f.path));
}

/** Findings on the resources of construct `scope` (a path prefix), e.g. the insecure canary. */
export function findingsAt<T extends { path: string }>(findings: readonly T[], scope: IConstruct | string): T[] {
  return findingsUnder(findings, [typeof scope === 'string' ? scope : scope.node.path]);
}

/**
 * The cdk-nag acknowledgements (`Metadata.cdk_nag.rules_to_suppress`) of the resources under `roots`, as
 * `{ path, id, reason }` rows.
 */
export function nagAcknowledgements(app: IConstruct, roots: readonly string[]): { path: string; id: string; reason: string }[] {
  const mine = under(roots);
  const rows: { path: string; id: string; reason: string }[] = [];
  for (const c of app.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || !mine(c.node.path)) continue;
    const meta = c.getMetadata('cdk_nag') as { rules_to_suppress?: { id: string; reason: string }[] } | undefined;
    for (const rule of meta?.rules_to_suppress ?? []) rows.push({ path: c.node.path, id: rule.id, reason: rule.reason });
  }
  return rows;
}

/**
 * Remove the cdk-nag and cfn-guard acknowledgements from the resources under `roots` (before synthesis), and
 * return what was removed: used to prove that every acknowledgement is needed.
 */
export function stripAcknowledgements(app: IConstruct, roots: readonly string[]): { path: string; nag: string[]; guard: string[] }[] {
  const mine = under(roots);
  const removed: { path: string; nag: string[]; guard: string[] }[] = [];
  for (const c of app.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || !mine(c.node.path)) continue;
    const metadata = c.cfnOptions.metadata ?? {};
    const nag = ((metadata.cdk_nag?.rules_to_suppress ?? []) as { id: string }[]).map(r => r.id);
    const guard = (metadata.guard?.SuppressedRules ?? []) as string[];
    if (nag.length === 0 && guard.length === 0) continue;
    const { cdk_nag: _nag, guard: _guard, ...rest } = metadata;
    c.cfnOptions.metadata = rest;
    removed.push({ path: c.node.path, nag, guard });
  }
  return removed;
}

/** A fresh app that synthesizes into its own temporary directory (cleaned up by the OS, never by the repo). */
export function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-compliance-')) });
}

/** Format findings for a failure message: one `rule  path` line each. */
export function formatFindings(findings: readonly { ruleId: string; path: string }[]): string {
  return findings.map(f => `${f.ruleId}  ${f.path}`).join('\n');
}
