/**
 * DsqlConnectPolicy split into several managed policies: the parts are ordered (every part with an Allow after
 * every part with a Deny for the same clusters), and the managed policies per role, user or group are counted
 * across the whole app against the IAM quota.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureDsqlCluster } from '../src';
import { DsqlConnectPolicy } from '../src/connect-policy';
import { ENV } from './support/iam-eval';

/** Non-adjacent /32s (every other address), so merging cannot shorten them. */
function scatteredIps(count: number, firstOctet = 11): string[] {
  return Array.from({ length: count }, (_, i) => `${firstOctet}.${Math.floor(i / 128)}.${(i % 128) * 2}.0/32`);
}

function role(s: Stack, id = 'App'): iam.Role {
  return new iam.Role(s, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

interface Part {
  readonly id: string;
  readonly dependsOn: string[];
  readonly allows: Set<string>;
  readonly denies: Set<string>;
}

/** The managed policies of the template: their DependsOn and the clusters each one allows and denies. */
function parts(s: Stack): Part[] {
  const resources = Template.fromStack(s).toJSON().Resources as Record<string, any>;
  const clustersOf = (statement: any) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource])
    .map((r: any) => (typeof r === 'string' ? r : r['Fn::GetAtt'][0]));
  return Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy').map(([id, r]) => {
    const statements: any[] = r.Properties.PolicyDocument.Statement;
    return {
      id,
      dependsOn: r.DependsOn ?? [],
      allows: new Set(statements.filter((x) => x.Effect === 'Allow').flatMap(clustersOf)),
      denies: new Set(statements.filter((x) => x.Effect === 'Deny').flatMap(clustersOf)),
    };
  });
}

/** The order CloudFormation creates the parts in (a topological sort of DependsOn); fails on a cycle. */
function creationOrder(all: Part[]): string[] {
  const done: string[] = [];
  const pending = new Map(all.map((p) => [p.id, p.dependsOn.filter((d) => all.some((q) => q.id === d))]));
  while (pending.size > 0) {
    const ready = [...pending].filter(([, deps]) => deps.every((d) => done.includes(d))).map(([id]) => id);
    if (ready.length === 0) throw new Error(`dependency cycle among ${[...pending.keys()].join(', ')}`);
    for (const id of ready) {
      done.push(id);
      pending.delete(id);
    }
  }
  return done;
}

/** Every part holding an Allow depends on every other part holding a Deny for one of its clusters. */
function expectAllowsAfterDenies(all: Part[]): void {
  let checked = 0;
  for (const a of all) {
    for (const d of all) {
      if (a === d || a.allows.size === 0 || ![...d.denies].some((c) => a.allows.has(c))) continue;
      expect({ part: a.id, dependsOn: a.dependsOn }).toEqual({ part: a.id, dependsOn: expect.arrayContaining([d.id]) });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
  // Creation follows it, and deletion (the reverse) removes every Allow before the Denies it needs.
  const order = creationOrder(all);
  for (const a of all.filter((p) => p.allows.size > 0)) {
    for (const d of all.filter((p) => p !== a && [...p.denies].some((c) => a.allows.has(c)))) {
      expect(order.indexOf(d.id)).toBeLessThan(order.indexOf(a.id));
    }
  }
}

describe('split parts are ordered: every Allow after every Deny for the same clusters', () => {
  test('two parts (statements that fit alone but not together)', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const db = new SecureDsqlCluster(s, 'Db');
    const principalArns = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::123456789012:role/application-role-${i}`);
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [db], roles: [role(s)], conditions: { sourceIps: scatteredIps(250), principalArns } });
    expect(policy.managedPolicies).toHaveLength(2);
    const all = parts(s);
    expectAllowsAfterDenies(all);
    // No part depends on a part that holds no Deny for its clusters, and a part without Allow depends on nothing.
    for (const p of all.filter((x) => x.allows.size === 0)) expect(p.dependsOn).toEqual([]);
  });

  test('many parts, cut by cluster: at most one part mixes Allow and Deny, so the order has no cycle', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const clusters = Array.from({ length: 40 }, (_, i) => new SecureDsqlCluster(s, `Db${i}`));
    const policy = new DsqlConnectPolicy(s, 'Connect', {
      clusters, roles: [role(s)], conditions: { sourceIps: scatteredIps(200), principalArns: ['arn:aws:iam::123456789012:role/app-*'] },
    });
    expect(policy.managedPolicies.length).toBeGreaterThan(2);
    const all = parts(s);
    expect(all.filter((p) => p.allows.size > 0 && p.denies.size > 0).length).toBeLessThanOrEqual(1);
    expectAllowsAfterDenies(all);
  });

  test('a policy that fits in one part has no dependency', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    new DsqlConnectPolicy(s, 'Connect', { clusters: [new SecureDsqlCluster(s, 'Db')], roles: [role(s)], conditions: { blockPublicAccess: true } });
    expect(parts(s).map((p) => p.dependsOn)).toEqual([[]]);
  });
});

describe('managed policies per identity, counted across the whole app', () => {
  const managed = (s: Stack, id: string) => new iam.ManagedPolicy(s, id, {
    statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${id.toLowerCase()}/*`] })],
  });
  const connect = (s: Stack, id: string, props: Partial<ConstructorParameters<typeof DsqlConnectPolicy>[2]> = {}) =>
    new DsqlConnectPolicy(s, id, { clusters: [new SecureDsqlCluster(s, `${id}Db`)], ...props });

  test('10 on a role (two DsqlConnectPolicies, attachToRole, addManagedPolicy, AWS managed) pass; the 11th fails once, naming them all', () => {
    const build = (extra: number) => {
      const app = new App();
      const s = new Stack(app, 'Stack', { env: ENV });
      const r = role(s);
      connect(s, 'A', { roles: [r] });
      connect(s, 'B').attachToRole(r);
      r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'));
      r.addManagedPolicy(managed(s, 'ViaRole'));
      for (let i = 0; i < 6 + extra; i++) managed(s, `Other${i}`).attachToRole(r);
      return app;
    };
    expect(() => build(0).synth()).not.toThrow();
    const error = (() => {
      try {
        build(1).synth();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/Stack\/A: roles attaches role Stack\/App to 11 managed policies \(1 of Stack\/A, 1 of Stack\/B, 9 other\), over the IAM quota of 10 managed policies per role \(the default\) \(got "11 managed policies"\)\. .*declare it with attachedPoliciesQuota\./);
    // One validation per app, whatever the number of DsqlConnectPolicies: the problem is reported once.
    expect(error.match(/attaches role Stack\/App/g)).toHaveLength(1);
  });

  test('a split policy counts every part; a declared quota of 20 admits more, 21 fail', () => {
    const build = (others: number, quota?: number) => {
      const app = new App();
      const s = new Stack(app, 'Stack', { env: ENV });
      const r = role(s);
      const principalArns = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::123456789012:role/application-role-${i}`);
      const split = connect(s, 'Split', { roles: [r], conditions: { sourceIps: scatteredIps(250), principalArns }, attachedPoliciesQuota: quota });
      expect(split.managedPolicies).toHaveLength(2);
      for (let i = 0; i < others; i++) managed(s, `Other${i}`).attachToRole(r);
      return app;
    };
    expect(() => build(8).synth()).not.toThrow();
    expect(() => build(9).synth()).toThrow(/Stack\/Split: roles attaches role Stack\/App to 11 managed policies \(2 of Stack\/Split, 9 other\), over the IAM quota of 10/);
    expect(() => build(18, 20).synth()).not.toThrow();
    expect(() => build(19, 20).synth()).toThrow(/attaches role Stack\/App to 21 managed policies .*over the IAM quota of 20 managed policies per role \(declared with attachedPoliciesQuota\)/);
  });

  test('an L1 role\'s ManagedPolicyArns count, and users and groups are counted too', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    const arns = Array.from({ length: 10 }, (_, i) => `arn:aws:iam::123456789012:policy/existing-${i}`);
    const l1 = new iam.CfnRole(s, 'L1', { assumeRolePolicyDocument: { Statement: [] }, managedPolicyArns: arns });
    connect(s, 'ForL1', { roles: [iam.Role.fromRoleName(s, 'L1Ref', l1.ref)] });
    const user = new iam.User(s, 'Dev', { managedPolicies: arns.map((a, i) => iam.ManagedPolicy.fromManagedPolicyArn(s, `U${i}`, a)) });
    connect(s, 'ForUser', { users: [user] });
    const group = new iam.Group(s, 'Devs');
    for (let i = 0; i < 9; i++) managed(s, `G${i}`).attachToGroup(group);
    connect(s, 'ForGroup', { groups: [group] });
    expect(() => app.synth()).toThrow(/Stack\/ForL1: roles attaches role Stack\/L1 to 11 managed policies \(1 of Stack\/ForL1, 10 other\)/);
    expect(() => app.synth()).toThrow(/Stack\/ForUser: users attaches user Stack\/Dev to 11 managed policies/);
    expect(() => app.synth()).not.toThrow(/attaches group/); // 10: at the quota, not over it
  });

  test('across stacks: a role of one stack, policies of another (through an export)', () => {
    const app = new App();
    const a = new Stack(app, 'Roles', { env: ENV });
    const b = new Stack(app, 'Policies', { env: ENV });
    const r = role(a);
    connect(b, 'Connect', { roles: [r] });
    for (let i = 0; i < 5; i++) managed(a, `InA${i}`).attachToRole(r);
    for (let i = 0; i < 5; i++) managed(b, `InB${i}`).attachToRole(r);
    expect(() => app.synth()).toThrow(/Policies\/Connect: roles attaches role Roles\/App to 11 managed policies \(1 of Policies\/Connect, 10 other\)/);
  });

  test('an imported role counts the policies the app attaches to it', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    const imported = iam.Role.fromRoleArn(s, 'Imported', 'arn:aws:iam::123456789012:role/existing-app');
    connect(s, 'Connect', { roles: [imported] });
    for (let i = 0; i < 10; i++) managed(s, `Other${i}`).attachToRole(imported);
    expect(() => app.synth()).toThrow(/Stack\/Connect: roles attaches role existing-app to 11 managed policies/);
  });

  test('identities without a DsqlConnectPolicy are not this library\'s business', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    const r = role(s);
    for (let i = 0; i < 12; i++) managed(s, `Other${i}`).attachToRole(r);
    connect(s, 'Connect', { roles: [role(s, 'Other')] });
    expect(() => app.synth()).not.toThrow();
  });
});
