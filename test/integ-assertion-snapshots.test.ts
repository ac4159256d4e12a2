/**
 * The committed assertion stacks are what the integ apps synthesize now.
 *
 * integ-runner compares only the stacks under test with their snapshots (`integ:verify`), not the assertion
 * stacks, so an assertion changed in integ/integ.*.ts and not re-snapshotted would go unnoticed, and
 * test/integ-assertions.test.ts, which reads the assertions from the snapshots, would prove the old ones.
 * Here each integ app is synthesized (as in test/compliance/integ-apps.test.ts: `App` records its instances
 * and skips asset bundling, which the assertion stacks do not depend on) and its assertion stack compared
 * with the snapshot, the per-synthesis `salt` of each assertion aside.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import type { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { INTEG_DIR, loadSnapshots, Snapshot } from './support/integ-snapshots';
import { deploymentProvenRows, driftProblems } from './support/report-assertions';
import { connected } from '../integ/clients/outcomes';
import { AccessReport, provenByDeploymentRows } from '../integ/clients/verdicts';

const captured: App[] = [];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RECOMMENDED_FLAGS: Record<string, unknown> = require('@aws-cdk/integ-runner/lib/recommended-feature-flags.json');

jest.mock('aws-cdk-lib', () => {
  const actual = jest.requireActual('aws-cdk-lib');
  class RecordingApp extends actual.App {
    constructor(props: Record<string, any> = {}) {
      super({
        ...props,
        outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-integ-assertions-')),
        // integ-runner synthesizes with aws-cdk-lib's recommended feature flags (its own copy of them).
        context: { ...RECOMMENDED_FLAGS, ...props.context, 'aws:cdk:bundling-stacks': [] },
      });
      captured.push(this as unknown as App);
    }
  }
  return new Proxy(actual, { get: (target, prop) => (prop === 'App' ? RecordingApp : target[prop]) });
});

/** A template without the `salt` that integ-tests-alpha stamps on each assertion at synthesis (Date.now()). */
function withoutSalt(template: any): any {
  const resources = Object.fromEntries(Object.entries<any>(template.Resources ?? {}).map(([id, r]) => {
    if (!String(r.Type).startsWith('Custom::DeployAssert@')) return [id, r];
    const { salt: _salt, ...properties } = r.Properties ?? {};
    return [id, { ...r, Properties: properties }];
  }));
  return { ...template, Resources: resources };
}

const snapshots = loadSnapshots();

/** Each integ app synthesized once (by the first test that needs it), and its IntegTest. */
const assemblies = new Map<string, CloudAssembly>();
const integTests = new Map<string, IntegTest[]>();

function synthesize(snapshot: Snapshot): CloudAssembly {
  const done = assemblies.get(snapshot.name);
  if (done) return done;
  const before = captured.length;
  // integ-runner synthesizes snapshots with this placeholder account (and the real one when it deploys).
  const saved = process.env.CDK_DEFAULT_ACCOUNT;
  process.env.CDK_DEFAULT_ACCOUNT = '12345678';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- run the integ script for its side effect
    require(path.join(INTEG_DIR, snapshot.name.replace(/\.snapshot$/, '')));
  } finally {
    if (saved === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
    else process.env.CDK_DEFAULT_ACCOUNT = saved;
  }
  const apps = captured.slice(before);
  expect(apps).toHaveLength(1);
  const assembly = apps[0].synth();
  assemblies.set(snapshot.name, assembly);
  integTests.set(snapshot.name, apps[0].node.findAll().filter((c): c is IntegTest => c instanceof IntegTest));
  return assembly;
}

afterAll(() => {
  for (const assembly of assemblies.values()) fs.rmSync(assembly.directory, { recursive: true, force: true });
});

test.each(snapshots.map((s) => [s.name, s] as const))('%s: the assertion stacks are current', (_name, snapshot) => {
  const assembly = synthesize(snapshot);
  expect(snapshot.assertionStacks.length).toBeGreaterThan(0);
  for (const stackName of snapshot.assertionStacks) {
    const synthesized = assembly.getStackByName(stackName).template;
    // When this fails: `npx projen integ:update`, and commit the snapshot.
    expect(withoutSalt(synthesized)).toEqual(withoutSalt(snapshot.templates[stackName]));
  }
});

const readReport = (dir: string): AccessReport => JSON.parse(fs.readFileSync(path.join(dir, 'dsql-access-report.json'), 'utf-8'));

/**
 * The connection assertions are the access report's verdicts (integ/clients/verdicts.ts): each app is
 * synthesized, and its assertions, read from the templates, are compared with the report the same synth wrote.
 */
test.each(snapshots.map((s) => [s.name, s] as const))('%s: every connection assertion is the report\'s verdict', (_name, snapshot) => {
  const assembly = synthesize(snapshot);
  expect(driftProblems(new Snapshot(assembly.directory), readReport(assembly.directory))).toEqual([]);
});

/**
 * The rows with no assertion because the deployment proves them: the helper's list (`provenByDeployment`,
 * also an info annotation on the cluster) is the one the drift check finds in the templates on its own.
 */
test.each(snapshots.map((s) => [s.name, s] as const))('%s: the rows proven by the deployment are the ones the helper lists', (_name, snapshot) => {
  const assembly = synthesize(snapshot);
  const listed = integTests.get(snapshot.name)!.flatMap(provenByDeploymentRows).sort();
  expect(listed).toEqual(deploymentProvenRows(new Snapshot(assembly.directory), readReport(assembly.directory)).sort());
  if (snapshot.name === 'integ.database-role.ts.snapshot') expect(listed).toEqual(['SecureDsqlDatabaseRole/SetupSql via internet']);
});

describe('integ.database-role: a set-up function proven by the deployment, and a database check next to a verdict', () => {
  const name = 'integ.database-role.ts.snapshot';
  const DR = 'SecureDsqlDatabaseRole';
  const dir = () => synthesize(snapshots.find((s) => s.name === name)!).directory;
  const report = (client?: string, route: object = {}) => {
    const r = readReport(dir());
    if (client) {
      const c = r.clusters[0].clients.find((x) => x.path === `${DR}/${client}`)!;
      c.routes[0] = { ...c.routes[0], ...route };
    }
    return r;
  };
  /** The synthesized app, with the database check's assertion (the one whose payload names `databaseCheck`) edited. */
  const withDatabaseCheck = (edit: (properties: any) => any) => {
    const snap = new Snapshot(dir());
    let edited = 0;
    for (const stack of snap.assertionStacks) {
      for (const r of Object.values<any>(snap.templates[stack].Resources)) {
        if (!JSON.stringify(r.Properties ?? {}).includes('databaseCheck')) continue;
        r.Properties = edit(r.Properties);
        edited++;
      }
    }
    expect(edited).toBe(1);
    return snap;
  };
  const DENIED = { allowed: false, deniedBy: ['identity'] };

  test('control: no problem, SetupSql has no assertion, ShopClient a derived one and the database check', () => {
    expect(driftProblems(new Snapshot(dir()), report())).toEqual([]);
    expect(driftProblems(withDatabaseCheck((p) => p), report())).toEqual([]);
  });

  test('a row of SetupSql the report denies needs an assertion (the deployment proves only a connection)', () => {
    expect(driftProblems(new Snapshot(dir()), report('SetupSql', DENIED)))
      .toEqual([`${DR}/SetupSql via internet: 0 assertions derived from the report's verdict, expected exactly one`]);
  });

  test('SetupSql run by no custom resource needs an assertion', () => {
    const snap = new Snapshot(dir());
    const resources = snap.resolved[DR].json.Resources;
    const setup = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::CloudFormation::CustomResource' && id.startsWith('Setup'));
    expect(setup).toHaveLength(1);
    delete resources[setup[0]];
    expect(driftProblems(snap, report())).toEqual([`${DR}/SetupSql via internet: 0 assertions derived from the report's verdict, expected exactly one`]);
  });

  test('the database check must agree with the client\'s verdict', () => {
    expect(driftProblems(new Snapshot(dir()), report('ShopClient', DENIED))).toEqual(expect.arrayContaining([
      expect.stringMatching(/the database check on SecureDsqlDatabaseRole\/ShopClient expects its statement to run, but the report's verdict via internet gives refused/),
      `${DR}/ShopClient via internet: the assertion expects connected, the report's verdict gives refused`,
    ]));
  });

  test('unmarked, it is a hand-written connection assertion; marked, it must run a statement and expect queried()', () => {
    const unmarked = withDatabaseCheck((p) => JSON.parse(JSON.stringify(p).replace(/databaseCheck/g, 'note')));
    expect(driftProblems(unmarked, report())).toEqual([expect.stringMatching(/a hand-written assertion on SecureDsqlDatabaseRole\/ShopClient, whose rows the report decides/)]);
    const noSql = withDatabaseCheck((p) => JSON.parse(JSON.stringify(p).replace(/\\+"sql\\+":\\+"SELECT id FROM shop.products\\+",/, '')));
    expect(driftProblems(noSql, report())).toEqual([expect.stringMatching(/the database check on SecureDsqlDatabaseRole\/ShopClient runs no statement/)]);
    const asVerdict = withDatabaseCheck((p) => ({ ...p, expected: connected().result }));
    expect(driftProblems(asVerdict, report())).toEqual([expect.stringMatching(/the database check on SecureDsqlDatabaseRole\/ShopClient expects connected, not queried\(\)/)]);
  });
});

describe('the drift check fails when an assertion and the report disagree', () => {
  const name = 'integ.access-verdicts.ts.snapshot';
  const AV = 'SecureDsqlAccessVerdicts';
  const ENDPOINT = `${AV}/Cluster/Private`;
  /** The app's report with one route replaced. */
  const withRoute = (client: string, via: string, route: object) => {
    const report = readReport(synthesize(snapshots.find((s) => s.name === name)!).directory);
    const c = report.clusters[0].clients.find((x) => x.path === `${AV}/${client}`)!;
    const i = c.routes.findIndex((r) => r.via === via);
    expect(i).toBeGreaterThanOrEqual(0);
    c.routes[i] = { ...c.routes[i], ...route };
    return report;
  };
  const problems = (report: AccessReport) => driftProblems(new Snapshot(synthesize(snapshots.find((s) => s.name === name)!).directory), report);

  test('control: the report as written', () => {
    expect(problems(withRoute('Allowed', ENDPOINT, {}))).toEqual([]);
  });

  test.each([
    ['allowed → denied by a security group', 'Allowed', ENDPOINT, { allowed: false, deniedBy: ['security-group'] }, 'the assertion expects connected, the report\'s verdict gives unreachable'],
    ['denied by the endpoint policy → by a network ACL', 'NotListed', ENDPOINT, { deniedBy: ['network-acl'] }, 'the assertion expects refused, the report\'s verdict gives unreachable'],
    ['no route → denied by the cluster policy only', 'Allowed', 'internet', { deniedBy: ['cluster-policy'] }, 'the assertion expects unreachable, the report\'s verdict gives refused'],
    ['denied → allowed', 'Outside', 'internet', { allowed: true, deniedBy: [] }, 'the assertion expects refused, the report\'s verdict gives connected'],
    ['decided → unknown', 'OtherSubnet', ENDPOINT, { deniedBy: [], unknown: true, unknownLayers: ['network-acl'] }, 'the report does not decide it, yet 1 assertion(s)'],
  ])('%s', (_what, client, via, route, message) => {
    expect(problems(withRoute(client, via, route))).toEqual([expect.stringContaining(`${AV}/${client} via ${via}: ${message}`)]);
  });

  test('a row the report adds has no assertion', () => {
    const report = withRoute('Allowed', ENDPOINT, {});
    report.clusters[0].clients.push({ ...report.clusters[0].clients[0], path: `${AV}/Newcomer` });
    expect(problems(report)).toEqual(expect.arrayContaining([`${AV}/Newcomer via ${ENDPOINT}: 0 assertions derived from the report's verdict, expected exactly one`]));
  });
});
