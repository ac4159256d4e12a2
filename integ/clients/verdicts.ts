/**
 * Connection assertions derived from the access report (docs/ARCHITECTURE.md, "Integration tests: the report's
 * verdicts as assertions").
 *
 * `assertReportVerdicts(integ, { cluster, clients, endpoints, databaseRoles })` turns every client × route row
 * of the report of `cluster` into one connection assertion:
 * - allowed: `connected()`;
 * - denied by a policy layer only (identity, cluster-policy, endpoint-policy): `refused()`;
 * - denied by a network layer (security-group, network-acl, placement): `unreachable()`, the complement of
 *   `refused()`: packets that are dropped never reach a server that could refuse;
 * - unknown: no assertion; the row is listed (an info annotation on the cluster at synth, and `unknownRows()`).
 * A client is a function that answers the ConnectCheck event (`IVerdictClient`: a ConnectCheck, or a SqlClient
 * running `query`). A function a custom resource runs (a set-up step) cannot be invoked with that event: its
 * connection is proven by the deployment itself, which fails when the custom resource does. Such a function is
 * listed in `provenByDeployment`: its rows get no assertion, must all be allowed (a denied row fails synth: a
 * deployment proves only a connection that succeeds), and are listed (an info annotation, `provenByDeploymentRows()`).
 * The report judges IAM and the network; the database judges one more thing, the role mapping: a client with
 * `dsql:DbConnect` only logs in as a database role, and when the app maps it to none of `databaseRoles` the
 * database turns it away, so an allowed row of such a client is `refused()` (layer `database-role`).
 *
 * When: the report's verdicts are final only after the access model's validation, and an assertion added
 * then could not reference the stack under test (cross-stack references are resolved before validation).
 * So the assertions are made by an aspect on the App, which runs during synth before references are
 * resolved, from the model as the tree stands then (`accessReportOf`, the same collector and evaluator);
 * a validation of the helper, which runs after the model's own, evaluates the model again and fails synth
 * when a verdict changed in between (an aspect that changed the app later). Offline,
 * test/integ-assertion-snapshots.test.ts compares every assertion with the report file the synth wrote.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Annotations, App, Aspects, CfnResource, IAspect, Stack, Stage } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { CONNECT_RETRY, connected, refused, unreachable } from './outcomes';
import type { IDsqlCluster, IDsqlDatabaseRole, IDsqlPrivateLinkEndpoint } from '../../src';
import { accessReportOf } from '../../src/access/registry';

/** A route of a client, as `dsql-access-report.json` (version 1) gives it. */
export interface ReportRoute {
  readonly via: string;
  readonly allowed: boolean;
  readonly deniedBy: string[];
  readonly unknown: boolean;
  readonly unknownLayers: string[];
  readonly reasons: string[];
}

/** A client of a cluster, as `dsql-access-report.json` (version 1) gives it. */
export interface ReportClient {
  readonly path: string;
  readonly actions: string[];
  readonly kinds: string[];
  readonly declaredBy: string[];
  readonly routes: ReportRoute[];
}

/** The part of `dsql-access-report.json` (version 1) the integ tests read. */
export interface AccessReport {
  readonly version: number;
  readonly clusters: Array<{ readonly path: string; readonly clients: ReportClient[] }>;
}

/** The report layers whose denial drops packets: the client never reaches a server that could refuse it. */
export const NETWORK_LAYERS: readonly string[] = ['security-group', 'network-acl', 'placement'];

export type Expectation = 'connected' | 'refused' | 'unreachable';

/**
 * The outcome a deployment must show for one route of the report, or undefined when the report does not decide
 * (unknown). `databaseMapped`: false when the client connects with `dsql:DbConnect` as a database role the app
 * does not map it to (the database refuses it; the report does not judge the mapping).
 */
export function expectationOf(route: ReportRoute, databaseMapped = true): Expectation | undefined {
  if (route.unknown) return undefined;
  if (route.allowed) return databaseMapped ? 'connected' : 'refused';
  if (route.deniedBy.length === 0) return undefined;
  return route.deniedBy.some((l) => NETWORK_LAYERS.includes(l)) ? 'unreachable' : 'refused';
}

/** The integ-tests-alpha pattern of an expectation. */
export function expectedResult(e: Expectation): ExpectedResult {
  switch (e) {
    case 'connected': return connected();
    case 'refused': return refused();
    case 'unreachable': return unreachable();
  }
}

/** What a derived assertion sends the ConnectCheck: its event, and the report row it proves (ignored by the client). */
export interface VerdictEvent {
  readonly host: string;
  readonly region: string;
  readonly user: string;
  /** The report row: the client's path and the route (`internet` or the endpoint's path). */
  readonly reportRow: { readonly client: string; readonly via: string };
}

/**
 * A function a derived assertion may invoke: it answers the ConnectCheck event (`VerdictEvent` →
 * `{ ok, value | error }`, see ./connect-check.ts). ConnectCheck does; a SqlClient does when it runs `query`.
 */
export interface IVerdictClient extends lambda.IFunction {
  /** Whether the function answers the ConnectCheck event (false: it handles other events, e.g. a custom resource's). */
  readonly answersConnectCheckEvent: boolean;
}

export interface ReportVerdictsProps {
  /** The cluster whose report rows are asserted. */
  readonly cluster: IDsqlCluster;
  /**
   * The client functions, each where the report places it; a report row with a verdict and no client is an
   * error, and so is a client that does not answer the ConnectCheck event.
   */
  readonly clients: IVerdictClient[];
  /**
   * Functions run by a custom resource (the onEvent handler of a `cr.Provider` in the app), whose connection the
   * deployment proves: the custom resource, and so the deployment, fails when they cannot connect. Their rows
   * get no assertion and are listed; a row the report denies (or a function no Provider runs) fails synth.
   * @default - none
   */
  readonly provenByDeployment?: lambda.IFunction[];
  /** The interface endpoints of the cluster (each route through one connects to its host name). */
  readonly endpoints?: IDsqlPrivateLinkEndpoint[];
  /**
   * The database roles of the cluster. A `dsql:DbConnect` client connects as the role it is mapped to (else as
   * the first one, and is refused). The database-role handler's row is proven by a client mapped to a role it
   * manages: that client logs in as the role only if the handler reached the cluster and created it.
   */
  readonly databaseRoles?: IDsqlDatabaseRole[];
}

/** The rows the report leaves unknown, by IntegTest (they get no assertion). */
/**
 * Constructs a test harness adds beside an integ app (the compliance suite's insecure canary, whose admin policy
 * makes it a DSQL client) are not part of the integration test: mark their scope with `markOutsideTest` before
 * creating them, and their rows get no assertion (they are never deployed with the test).
 */
const OUTSIDE_TEST = Symbol.for('secure-dsql-integ.outside-test');

/** Mark `scope` (and everything under it) as added by a test harness, not part of the integration test. */
export function markOutsideTest(scope: IConstruct): void {
  (scope as unknown as Record<symbol, boolean>)[OUTSIDE_TEST] = true;
}

function outsideTest(stage: Stage, path: string): boolean {
  const parts = path.split('/');
  let node: IConstruct | undefined = stage;
  for (const part of parts.slice(stage.node.path === '' ? 0 : stage.node.path.split('/').length)) {
    node = node?.node.tryFindChild(part);
    if (!node) return false;
    if ((node as unknown as Record<symbol, boolean>)[OUTSIDE_TEST]) return true;
  }
  return false;
}

const UNKNOWN = new WeakMap<IntegTest, string[]>();
/** The rows proven by the deployment, by IntegTest (they get no assertion). */
const PROVEN_BY_DEPLOYMENT = new WeakMap<IntegTest, string[]>();

/** The rows of the report of `integ`'s app that got no assertion because the report leaves them unknown. */
export function unknownRows(integ: IntegTest): string[] {
  return [...(UNKNOWN.get(integ) ?? [])];
}

/** The rows of the report of `integ`'s app that got no assertion because the deployment proves them (`provenByDeployment`). */
export function provenByDeploymentRows(integ: IntegTest): string[] {
  return [...(PROVEN_BY_DEPLOYMENT.get(integ) ?? [])];
}

/** Every client × route of the report of `props.cluster`, each asserted as the report decides (see the file's doc). */
export function assertReportVerdicts(integ: IntegTest, props: ReportVerdictsProps): void {
  const app = App.of(integ);
  if (!app) throw new Error('assertReportVerdicts: the IntegTest is not in an App');
  let made: Map<string, Expectation | undefined> | undefined;
  Aspects.of(app).add(new class implements IAspect {
    public visit(node: IConstruct): void {
      if (node !== app || made) return;
      made = new Map();
      for (const row of plan(app, props)) {
        made.set(row.key, row.expectation);
        if (row.expectation === undefined) {
          UNKNOWN.set(integ, [...(UNKNOWN.get(integ) ?? []), row.key]);
          Annotations.of(props.cluster).addInfo(`No assertion for ${row.key}: the report says unknown (${row.unknownLayers.join(', ')})`);
          continue;
        }
        if (row.provenByDeployment) {
          PROVEN_BY_DEPLOYMENT.set(integ, [...(PROVEN_BY_DEPLOYMENT.get(integ) ?? []), row.key]);
          Annotations.of(props.cluster).addInfo(`No assertion for ${row.key}: proven by the deployment (the custom resource that runs it connects)`);
          continue;
        }
        addAssertion(integ, props, row);
      }
      chain(integ);
    }
  }());
  // The model's validation runs first (its construct is older than this one): its verdicts must be the ones used.
  const guard = new Construct(integ, `ReportVerdicts${sanitize(props.cluster.node.path)}`);
  guard.node.addValidation({
    validate: () => {
      if (!made) return ['assertReportVerdicts: the aspect did not run, so no assertion was derived from the report'];
      const now = new Map(plan(app, props).map((r) => [r.key, r.expectation]));
      const changed = [...new Set([...made.keys(), ...now.keys()])].filter((k) => made!.get(k) !== now.get(k));
      return changed.map((k) => `assertReportVerdicts: the report's verdict for ${k} changed after the assertions were made `
        + `(${made!.get(k) ?? 'none'} → ${now.get(k) ?? 'none'}): an aspect changed the app after the helper's; apply it earlier`);
    },
  });
}

interface Row {
  readonly key: string;
  readonly client: ReportClient;
  readonly route: ReportRoute;
  readonly expectation?: Expectation;
  readonly unknownLayers: string[];
  /** The function invoked, the user it logs in as. */
  readonly check?: IVerdictClient;
  readonly user?: string;
  /** The row is allowed and its client is in `provenByDeployment`: no assertion. */
  readonly provenByDeployment?: boolean;
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

/** The report's rows of the cluster, each with the client that proves it and the outcome to expect. */
function plan(stage: Stage, props: ReportVerdictsProps): Row[] {
  const report = accessReportOf(stage) as unknown as AccessReport;
  const cluster = report.clusters.find((c) => c.path === props.cluster.node.path);
  if (!cluster) throw new Error(`assertReportVerdicts: the report has no cluster ${props.cluster.node.path}`);
  const byDeployment = provenByDeploymentOf(stage, props, cluster.clients);
  const rows: Row[] = [];
  for (const client of cluster.clients) {
    if (outsideTest(stage, client.path)) continue;
    for (const route of client.routes) {
      const key = `${client.path} via ${route.via}`;
      const base = expectationOf(route);
      if (base === undefined) {
        rows.push({ key, client, route, unknownLayers: route.unknownLayers });
        continue;
      }
      if (byDeployment.has(client.path)) {
        if (base !== 'connected') {
          throw new Error(`assertReportVerdicts: the report denies ${key} (${route.deniedBy.join(', ')}), but ${client.path} is in \`provenByDeployment\`: `
            + 'a deployment proves only a connection that succeeds; give the client as a ConnectCheck in `clients`, or fix the access the app declares');
        }
        rows.push({ key, client, route, expectation: base, unknownLayers: [], provenByDeployment: true });
        continue;
      }
      const who = proverOf(props, client);
      if (!who) {
        throw new Error(`assertReportVerdicts: the report decides ${key} (${base}), but no ConnectCheck is at ${client.path}: `
          + 'give the client as a ConnectCheck in `clients` (a function a custom resource runs: in `provenByDeployment`), or leave it out of the app');
      }
      rows.push({ key, client, route, expectation: expectationOf(route, who.mapped), unknownLayers: [], check: who.check, user: who.user });
    }
  }
  return rows;
}

/**
 * The paths of the `provenByDeployment` functions, each checked: a client of the report, not also in `clients`,
 * and the onEvent handler of a `cr.Provider` of the app (a custom resource runs it, so the deployment fails when it does).
 */
function provenByDeploymentOf(stage: Stage, props: ReportVerdictsProps, clients: ReportClient[]): Set<string> {
  const listed = props.provenByDeployment ?? [];
  const problems: string[] = [];
  const providers = stage.node.findAll().filter((c): c is cr.Provider => c instanceof cr.Provider);
  for (const fn of listed) {
    const p = fn.node.path;
    if (!clients.some((c) => c.path === p)) problems.push(`${p} is no client of ${props.cluster.node.path} in the report: remove it from \`provenByDeployment\``);
    if (props.clients.some((c) => c.node.path === p)) problems.push(`${p} is in both \`clients\` and \`provenByDeployment\`: keep it in one`);
    if (!providers.some((pr) => pr.onEventHandler === fn)) {
      problems.push(`${p} is the onEvent handler of no cr.Provider in the app: a deployment proves its connection only when a custom resource runs it; give it in \`clients\` instead`);
    }
  }
  if (problems.length > 0) throw new Error(`assertReportVerdicts: provenByDeployment: ${problems.join('; ')}`);
  return new Set(listed.map((f) => f.node.path));
}

/** The client that proves a client's rows, the user it logs in as, and whether the database maps it. */
function proverOf(props: ReportVerdictsProps, client: ReportClient): { check: IVerdictClient; user: string; mapped: boolean } | undefined {
  const roles = props.databaseRoles ?? [];
  if (client.kinds.includes('database-role-handler')) {
    // The handler is proven by a client logging in as a role it created.
    for (const role of roles.filter((r) => client.declaredBy.includes(r.node.path))) {
      const witness = props.clients.find((c) => c.answersConnectCheckEvent && mapsTo(role, c));
      if (witness) return { check: witness, user: role.roleName, mapped: true };
    }
    return undefined;
  }
  const check = props.clients.find((c) => c.node.path === client.path);
  if (!check) return undefined;
  if (!check.answersConnectCheckEvent) {
    throw new Error(`assertReportVerdicts: ${client.path} is in \`clients\` but does not answer the ConnectCheck event: `
      + 'give a ConnectCheck (or a SqlClient running `query`), or, when a custom resource runs it, list it in `provenByDeployment`');
  }
  if (client.actions.includes('dsql:DbConnectAdmin')) return { check, user: 'admin', mapped: true };
  const role = roles.find((r) => mapsTo(r, check));
  if (role) return { check, user: role.roleName, mapped: true };
  if (roles.length === 0) throw new Error(`assertReportVerdicts: ${client.path} connects with dsql:DbConnect: give the database roles in \`databaseRoles\``);
  return { check, user: roles[0].roleName, mapped: false };
}

/** Whether the database role maps the function's IAM role (its custom resource's PrincipalArns, as deployed). */
function mapsTo(role: IDsqlDatabaseRole, check: IVerdictClient): boolean {
  const resource = role.node.defaultChild?.node.defaultChild as CfnResource | undefined;
  if (!resource || !check.role) return false;
  const stack = Stack.of(resource);
  const rendered = stack.resolve((resource as unknown as { _toCloudFormation(): any })._toCloudFormation());
  const properties = Object.values<any>(rendered.Resources)[0].Properties;
  const arn = JSON.stringify(stack.resolve(check.role.roleArn));
  return (properties.PrincipalArns as unknown[]).some((p) => JSON.stringify(p) === arn);
}

const POSITIVE = new WeakMap<IntegTest, Construct[]>();
const NEGATIVE = new WeakMap<IntegTest, Construct[]>();

function addAssertion(integ: IntegTest, props: ReportVerdictsProps, row: Row): void {
  const endpoint = (props.endpoints ?? []).find((e) => e.node.path === row.route.via);
  if (row.route.via !== 'internet' && !endpoint) {
    throw new Error(`assertReportVerdicts: ${row.key}: give the endpoint ${row.route.via} in \`endpoints\``);
  }
  const event: VerdictEvent = {
    host: endpoint ? endpoint.hostNameFor(props.cluster) : props.cluster.clusterEndpoint,
    region: Stack.of(props.cluster).region,
    user: row.user!,
    reportRow: { client: row.client.path, via: row.route.via },
  };
  const call = integ.assertions.invokeFunction({ functionName: row.check!.functionName, payload: JSON.stringify(event) });
  call.expect(expectedResult(row.expectation!)).waitForAssertions(CONNECT_RETRY);
  // The database roles exist before any client logs in.
  for (const role of props.databaseRoles ?? []) call.node.addDependency(role);
  const list = row.expectation === 'connected' ? POSITIVE : NEGATIVE;
  list.set(integ, [...(list.get(integ) ?? []), call]);
}

/**
 * The refusals and network failures run once every connection that must succeed did: a refusal is proof only
 * once the policies and the new roles are in effect (before that, everything is refused).
 */
function chain(integ: IntegTest): void {
  for (const negative of NEGATIVE.get(integ) ?? []) {
    for (const positive of POSITIVE.get(integ) ?? []) negative.node.addDependency(positive);
  }
}
