/**
 * Where the library's constructs declare themselves to the access model, and the hook that runs the model
 * once per synth (docs/ARCHITECTURE.md, "Access model").
 *
 * The first library construct created in a Stage (an App, or a Stage inside it) adds one construct,
 * `SecureDsqlAccessModel`, at the Stage's root. Its validation runs during `app.synth()`, after aspects
 * and cross-stack references, before the templates are written: it collects the model in one pass over
 * the Stage's tree, evaluates it, reports errors as validation errors (they fail synth like every other
 * validation) and warnings as acknowledgeable annotations, and writes `dsql-access-report.json` and
 * `dsql-access-report.md` into the Stage's cloud assembly directory. The context key
 * `secure-dsql:accessReport: false` turns the files off (never the checks).
 *
 * Registration is one call per construct; nothing here walks the tree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Stage } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import type { IDsqlCluster } from '../cluster-ref';
import { runChecks } from './checks';
import { collect } from './collect';
import type { AccessRegistry } from './declarations';
import { evaluateModel } from './evaluate';
import { REPORT_JSON, REPORT_MARKDOWN, renderJson, renderMarkdown } from './report';
import { withValidationCode } from '../private/errors';
import { WARNING_IDS, warnAtSynth as warn } from '../private/warnings';

/** The context key that turns the report files off (`false`). */
export const REPORT_CONTEXT_KEY = 'secure-dsql:accessReport';

const REGISTRIES = new WeakMap<IConstruct, AccessRegistry>();

function emptyRegistry(): AccessRegistry {
  return { clusters: [], endpoints: [], grants: [], connectPolicies: [], databaseRoles: [], handlers: [] };
}

/** The registry of the Stage `scope` belongs to; the first call in a Stage installs the hook. */
export function registryOf(scope: IConstruct): AccessRegistry {
  const stage = Stage.of(scope);
  if (!stage) return emptyRegistry();
  let registry = REGISTRIES.get(stage);
  if (!registry) {
    registry = emptyRegistry();
    REGISTRIES.set(stage, registry);
    install(stage, registry);
  }
  return registry;
}

/** A cluster created or imported by the library. */
export function registerCluster(cluster: IDsqlCluster): void {
  registryOf(cluster).clusters.push(cluster);
}

/** A DsqlPrivateLinkEndpoint. */
export function registerPrivateLinkEndpoint(endpoint: IConstruct): void {
  registryOf(endpoint).endpoints.push(endpoint);
}

/** A `grant(grantee, ...actions)` on a cluster: the grantee is a declared client when an action connects. */
export function registerGrant(cluster: IDsqlCluster, grantee: iam.IGrantable, actions: readonly string[]): void {
  registryOf(cluster).grants.push({ cluster, grantee, actions: [...actions] });
}

/** A DsqlConnectPolicy: the roles, users and groups its managed policies are attached to are clients. */
export function registerConnectPolicy(policy: IConstruct, clusters: readonly IDsqlCluster[], actions: readonly string[],
  managedPolicies: readonly iam.ManagedPolicy[], attachedIdentities: readonly iam.IGrantable[] = []): void {
  registryOf(policy).connectPolicies.push({ policy, clusters: [...clusters], actions: [...actions], managedPolicies, attachedIdentities });
}

/**
 * A DsqlDatabaseRole: the principals mapped to it are clients (`dsql:DbConnect`). The lists are read at
 * synth, so principals added later count too.
 */
export function registerDatabaseRole(role: IConstruct, cluster: IDsqlCluster, principals: readonly iam.IGrantable[],
  principalArns: readonly string[]): void {
  registryOf(role).databaseRoles.push({ role, cluster, principals, principalArns });
}

/**
 * The function that manages database roles on `cluster` (it connects as `admin`): synth fails when the
 * model shows it can reach the cluster on no route, since the deployment would fail. `role` is the
 * construct the error names (a DsqlDatabaseRole, or the shared provider of a cluster); `endpoint` the
 * connection endpoint it connects through, if any (one the model cannot see counts as an unknown route).
 */
export function registerDatabaseRoleHandler(role: IConstruct, cluster: IDsqlCluster, handler: iam.IGrantable, endpoint?: IConstruct): void {
  registryOf(role).handlers.push({ role, cluster, handler, endpoint });
}

/** Whether the report files are written for this Stage. */
function reportEnabled(stage: Stage): boolean {
  const value = stage.node.tryGetContext(REPORT_CONTEXT_KEY);
  return !(value === false || value === 'false');
}


function install(stage: Stage, registry: AccessRegistry): void {
  let id = 'SecureDsqlAccessModel';
  for (let n = 2; stage.node.tryFindChild(id); n++) id = `SecureDsqlAccessModel${n}`;
  const host = new Construct(stage, id);
  host.node.addValidation({ validate: () => runAccessModel(stage, registry, host) });
}

/** Collect, evaluate, check and report. Returns the errors. */
export function runAccessModel(stage: Stage, registry: AccessRegistry, host?: IConstruct): string[] {
  const started = process.hrtime.bigint();
  let errors: string[] = [];
  try {
    const collected = collect(stage, registry);
    const verdicts = evaluateModel(collected.model);
    const findings = runChecks(collected, verdicts);
    errors = findings.filter((f) => f.level === 'error').map((f) => withValidationCode(f.message));
    for (const f of findings) {
      if (f.level === 'warning') warn(f.construct ?? host ?? stage, f.id, f.message);
    }
    const analysisMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (reportEnabled(stage)) {
      const stats = { analysisMs: Math.round(analysisMs * 10) / 10, constructs: collected.constructCount };
      const outdir = stage.outdir;
      fs.mkdirSync(outdir, { recursive: true });
      fs.writeFileSync(path.join(outdir, REPORT_JSON), JSON.stringify(renderJson(verdicts, findings, stats), undefined, 2));
      fs.writeFileSync(path.join(outdir, REPORT_MARKDOWN), renderMarkdown(verdicts, findings));
    }
  } catch (e) {
    // A defect of the model must not hide the app's own validation errors: say so, and let synth go on.
    const target = registry.clusters[0] ?? host ?? stage;
    Annotations.of(target).addWarningV2(WARNING_IDS.accessModelFailed,
      `The secure-dsql access model could not analyse this app (${(e as Error).message}); no access checks ran and no report was written. Please report this.`);
  }
  return errors;
}

/**
 * The JSON report (`dsql-access-report.json`'s content, without findings and timings) of the Stage as its tree
 * stands now: for code that must act on the verdicts before the validation writes the files (the integ tests
 * derive their connection assertions from it). The validation's own run stays the reference.
 */
export function accessReportOf(stage: Stage): Record<string, unknown> {
  const collected = collect(stage, REGISTRIES.get(stage) ?? emptyRegistry());
  return renderJson(evaluateModel(collected.model), [], { analysisMs: 0, constructs: collected.constructCount });
}
