/**
 * Do an integ app's connection assertions say what its access report says? (integ/clients/verdicts.ts makes
 * them; this reads them back from the synthesized templates, independently of how they were made.)
 *
 * Rules: every client × route the report decides has exactly one assertion derived from it (its event names the
 * row in `reportRow`), whose pattern is the one `expectationOf` gives for the row; an unknown row has none; a
 * derived assertion names a row the report has; a hand-written assertion (no `reportRow`) only invokes a client
 * whose every row the report leaves unknown (the test's author decides where the report cannot). Whether a
 * `dsql:DbConnect` client is mapped to the database role it logs in as is read from the template (the
 * `Custom::DsqlDatabaseRole` resources' `PrincipalArns`), not from the helper.
 */
import { assertionsOf, Snapshot, SnapshotAssertion } from './integ-snapshots';
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
  readonly event: { user?: string; reportRow?: { client: string; via: string } };
  readonly fn: { stack: string; logicalId: string; properties: any };
}

/** Whether a function's IAM role is mapped to the database role `user` by a Custom::DsqlDatabaseRole of the snapshot. */
function mapped(snapshot: Snapshot, fn: Invocation['fn'], user: string): boolean {
  return snapshot.testResources('Custom::DsqlDatabaseRole')
    .some((r) => r.properties.RoleName === user && (r.properties.PrincipalArns as unknown[]).includes(fn.properties.Role));
}

/** Every disagreement between the invoke assertions of a synthesized integ app and its report. */
export function driftProblems(snapshot: Snapshot, report: AccessReport): string[] {
  const problems: string[] = [];
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
  for (const row of rows) {
    const got = derived.get(row.key) ?? [];
    if (expectationOf(row.route) === undefined) {
      if (got.length > 0) problems.push(`${row.key}: the report does not decide it, yet ${got.length} assertion(s) derived from it`);
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
    if (rows.some((r) => r.client === h.path && expectationOf(r.route) !== undefined)) {
      problems.push(`${h.assertion.name}: a hand-written assertion on ${h.path}, whose rows the report decides: derive it (assertReportVerdicts)`);
    }
  }
  return problems;
}
