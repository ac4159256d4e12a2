/**
 * Do an integ app's connection assertions say what its access report says? (integ/clients/verdicts.ts makes
 * them; this reads them back from the synthesized templates, independently of how they were made.)
 *
 * Rules: every client × route the report decides has exactly one assertion derived from it (its event names the
 * row in `reportRow`), whose pattern is the one `expectationOf` gives for the row; an unknown row has none; a
 * derived assertion names a row the report has; a hand-written assertion (no `reportRow`) only invokes a client
 * whose every row the report leaves unknown (the test's author decides where the report cannot), or is marked
 * `databaseCheck` (a database-side check, not a connection verdict: it runs `sql`, expects `queried()`, and
 * its client's every decided row must expect connected, as the user it logs in as). Whether a
 * `dsql:DbConnect` client is mapped to the database role it logs in as is read from the template (the
 * `Custom::DsqlDatabaseRole` resources' `PrincipalArns`), not from the helper.
 *
 * A decided row with no assertion is accepted only when the deployment proves it (`deploymentProvenRows`): the
 * report allows it, and the client is the onEvent function of a Provider framework that a custom resource of
 * the stacks under test calls (the custom resource fails the deployment when the function fails).
 */
import { assertionsOf, Snapshot, SnapshotAssertion } from './integ-snapshots';
import { queried } from '../../integ/clients/outcomes';
import { AccessReport, ReportRoute, expectationOf, expectedResult, Expectation } from '../../integ/clients/verdicts';

/** An SDK-call parameter as the assertion handler decodes it: the template holds each one JSON-encoded. */
export function decodeParameter(value: string): string {
  const decoded = JSON.parse(value);
  return typeof decoded === 'string' ? decoded : value;
}

const PATTERNS: Expectation[] = ['connected', 'refused', 'unreachable'];

function describePattern(expected: string): string {
  return PATTERNS.find((e) => expectedResult(e).result === expected) ?? `another pattern (${expected})`;
}

interface Invocation {
  readonly assertion: SnapshotAssertion;
  readonly event: { user?: string; sql?: unknown; databaseCheck?: unknown; reportRow?: { client: string; via: string } };
  readonly fn: { stack: string; logicalId: string; properties: any };
}

/** Whether a function's IAM role is mapped to the database role `user` by a Custom::DsqlDatabaseRole of the snapshot. */
function mapped(snapshot: Snapshot, fn: Invocation['fn'], user: string): boolean {
  return snapshot.testResources('Custom::DsqlDatabaseRole')
    .some((r) => r.properties.RoleName === user && (r.properties.PrincipalArns as unknown[]).includes(fn.properties.Role));
}

/** The Lambda function of the stacks under test at a construct path (a report client's path), if any. */
function functionAt(snapshot: Snapshot, path: string): Invocation['fn'] | undefined {
  return snapshot.testResources('AWS::Lambda::Function').find((f) => snapshot.constructPath(f.stack, f.logicalId) === path);
}

/** Whether a custom resource of the stacks under test runs the function (through a Provider framework's onEvent). */
function runByCustomResource(snapshot: Snapshot, fn: Invocation['fn']): boolean {
  const arn = snapshot.resolved[fn.stack].getAtt(fn.logicalId, 'Arn');
  const frameworks = snapshot.testResources('AWS::Lambda::Function')
    .filter((f) => f.properties.Environment?.Variables?.USER_ON_EVENT_FUNCTION_ARN === arn)
    .map((f) => snapshot.resolved[f.stack].getAtt(f.logicalId, 'Arn'));
  return snapshot.testStacks.some((stack) => Object.values<any>(snapshot.resolved[stack].json.Resources)
    .some((r) => (r.Type === 'AWS::CloudFormation::CustomResource' || String(r.Type).startsWith('Custom::'))
      && frameworks.includes(r.Properties?.ServiceToken)));
}

/**
 * The rows the report allows whose client a custom resource runs: the deployment proves them (a failed
 * connection fails the custom resource, and so the deployment), so they need no assertion.
 */
function provableByDeployment(snapshot: Snapshot, report: AccessReport): string[] {
  return report.clusters.flatMap((c) => c.clients.flatMap((client) => {
    const fn = functionAt(snapshot, client.path);
    if (!fn || !runByCustomResource(snapshot, fn)) return [];
    return client.routes.filter((r) => expectationOf(r) === 'connected').map((r) => `${client.path} via ${r.via}`);
  }));
}

/** Every disagreement between the invoke assertions of a synthesized integ app and its report. */
export function driftProblems(snapshot: Snapshot, report: AccessReport): string[] {
  return analyse(snapshot, report).problems;
}

/** The decided rows that have no assertion because the deployment proves them (see provableByDeployment). */
export function deploymentProvenRows(snapshot: Snapshot, report: AccessReport): string[] {
  return analyse(snapshot, report).provenByDeployment;
}

function analyse(snapshot: Snapshot, report: AccessReport): { problems: string[]; provenByDeployment: string[] } {
  const problems: string[] = [];
  const provenByDeployment: string[] = [];
  const functions = snapshot.testResources('AWS::Lambda::Function');
  const derived = new Map<string, Invocation[]>();
  const handWritten: Array<Invocation & { path: string }> = [];
  for (const a of assertionsOf(snapshot)) {
    if (a.properties.service !== 'Lambda' || a.properties.api !== 'invoke') continue;
    const name = decodeParameter(a.properties.parameters.FunctionName);
    const fn = functions.find((f) => snapshot.resolved[f.stack].ref(f.logicalId) === name);
    if (!fn) {
      problems.push(`${a.name}: invokes ${name}, which is no function of the stacks under test`);
      continue;
    }
    const inv: Invocation = { assertion: a, event: JSON.parse(decodeParameter(a.properties.parameters.Payload)), fn };
    const row = inv.event.reportRow;
    if (row) derived.set(`${row.client} via ${row.via}`, [...(derived.get(`${row.client} via ${row.via}`) ?? []), inv]);
    else handWritten.push({ ...inv, path: snapshot.constructPath(fn.stack, fn.logicalId) });
  }
  const rows: Array<{ key: string; client: string; route: ReportRoute }> = report.clusters.flatMap((c) => c.clients
    .flatMap((client) => client.routes.map((route) => ({ key: `${client.path} via ${route.via}`, client: client.path, route }))));
  const byDeployment = provableByDeployment(snapshot, report);
  for (const row of rows) {
    const got = derived.get(row.key) ?? [];
    if (expectationOf(row.route) === undefined) {
      if (got.length > 0) problems.push(`${row.key}: the report does not decide it, yet ${got.length} assertion(s) derived from it`);
      continue;
    }
    if (got.length === 0 && byDeployment.includes(row.key)) {
      provenByDeployment.push(row.key);
      continue;
    }
    if (got.length !== 1) {
      problems.push(`${row.key}: ${got.length} assertions derived from the report's verdict, expected exactly one`);
      continue;
    }
    const [inv] = got;
    const user = inv.event.user ?? '';
    const want = expectationOf(row.route, user === 'admin' || mapped(snapshot, inv.fn, user))!;
    const has = describePattern(inv.assertion.properties.expected);
    if (has !== want) problems.push(`${row.key}: the assertion expects ${has}, the report's verdict gives ${want}`);
  }
  for (const key of derived.keys()) {
    if (!rows.some((r) => r.key === key)) problems.push(`${key}: an assertion derived from a row the report does not have`);
  }
  for (const h of handWritten) {
    const decided = rows.filter((r) => r.client === h.path && expectationOf(r.route) !== undefined);
    if (decided.length === 0) continue;
    if (h.event.databaseCheck === undefined) {
      problems.push(`${h.assertion.name}: a hand-written assertion on ${h.path}, whose rows the report decides: derive it (assertReportVerdicts)`);
      continue;
    }
    problems.push(...databaseCheckProblems(snapshot, h, decided.map((r) => r.route)));
  }
  return { problems, provenByDeployment };
}

/**
 * A hand-written assertion marked `databaseCheck` is a check of what the database holds, next to the client's
 * connection verdicts: it runs a statement and expects it to succeed, so it must agree with them (every
 * decided row of its client connects, as the user it logs in as).
 */
function databaseCheckProblems(snapshot: Snapshot, h: Invocation & { path: string }, decided: ReportRoute[]): string[] {
  const what = `${h.assertion.name}: the database check on ${h.path}`;
  const problems: string[] = [];
  if (typeof h.event.databaseCheck !== 'string' || h.event.databaseCheck === '') problems.push(`${what} does not say what it proves (\`databaseCheck\`)`);
  if (typeof h.event.sql !== 'string' || h.event.sql === '') problems.push(`${what} runs no statement (\`sql\`): a connection is a verdict, derive it (assertReportVerdicts)`);
  if (h.assertion.properties.expected !== queried().result) problems.push(`${what} expects ${describePattern(h.assertion.properties.expected)}, not queried()`);
  const user = h.event.user ?? '';
  const isMapped = user === 'admin' || mapped(snapshot, h.fn, user);
  for (const route of decided) {
    const verdict = expectationOf(route, isMapped);
    if (verdict !== 'connected') problems.push(`${what} expects its statement to run, but the report's verdict via ${route.via} gives ${verdict} for ${user}`);
  }
  return problems;
}
