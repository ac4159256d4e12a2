/**
 * One IAM semantics, two analysers (docs/ARCHITECTURE.md, "Facts and policy semantics"): the access model (its
 * synth-time checks) and DsqlSecurityChecks (rule DSQL-C3) judge the same cluster resource policies, and must agree
 * on which ones Aurora DSQL block public access rejects. Both read the policy with their own reader and decide with
 * the one predicate (`bpaRejects`, src/private/policy/predicates.ts).
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { DsqlSecurityChecks, SecureDsqlCluster } from '../src';
import { ACCOUNT, ENV } from './support/iam-eval';
import { readStatements } from '../src/private/policy/json';
import { bpaRejects, bpaRestricts } from '../src/private/policy/predicates';

interface Verdicts {
  /** The access model refuses the policy as public (or as an Allow with NotPrincipal). */
  readonly accessModel: boolean;
  /** DSQL-C3 reports an Allow to everyone without a trusted restricting condition. */
  readonly rulePack: boolean;
}

/** Synthesize a cluster whose raw resource policy is `statement`, with the rule pack, and read both verdicts. */
function judge(statement: Record<string, unknown>): Verdicts {
  const app = new App();
  Aspects.of(app).add(new DsqlSecurityChecks());
  const stack = new Stack(app, 'S', { env: ENV });
  const cluster = new SecureDsqlCluster(stack, 'Db');
  cluster.cfnCluster.policyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Generated', ...statement }] });
  let message = '';
  try {
    app.synth();
  } catch (e) {
    message = (e as Error).message;
  }
  const errors = (c: IConstruct) => c.node.metadata.filter((m) => m.type === 'aws:cdk:error').map((m) => String(m.data));
  return {
    accessModel: /statement Generated (grants to every principal without a condition on a trusted key|grants to everyone but the listed principals)/.test(message),
    rulePack: errors(cluster.cfnCluster).some((m) => m.startsWith('[DSQL-C3]') && m.includes('without a trusted restricting condition')),
  };
}

const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

describe('the known disagreement, now one verdict', () => {
  test('Allow * dsql:DbConnect restricted only by Bool aws:PrincipalIsAWSService "false": both report it (BPA trusts the key with "true" only)', () => {
    expect(judge({ Effect: 'Allow', Principal: '*', Action: 'dsql:DbConnect', Resource: '*', Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } } }))
      .toEqual({ accessModel: true, rulePack: true });
  });

  test('control: the same statement restricted by a literal aws:PrincipalAccount is clean in both', () => {
    expect(judge({ Effect: 'Allow', Principal: '*', Action: 'dsql:DbConnect', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }))
      .toEqual({ accessModel: false, rulePack: false });
  });
});

describe('bpaRestricts: the documented rule', () => {
  const restricts = (operator: string, key: string, values: unknown) =>
    bpaRestricts(readStatements({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { [operator]: { [key]: values } } }] })![0].conditions[0]);

  test.each([
    ['StringEquals', 'aws:SourceVpc', 'vpc-0123456789abcdef0', true],
    ['StringEquals', 'aws:SourceVpc', { Ref: 'Vpc' }, true],
    ['ArnLike', 'aws:PrincipalArn', ROLE, true],
    ['ForAnyValue:StringEquals', 'aws:PrincipalOrgPaths', 'o-abcdefghij/r-ab12/', true],
    ['Bool', 'aws:PrincipalIsAWSService', 'true', true],
    ['Bool', 'aws:PrincipalIsAWSService', 'false', false],
    ['StringEqualsIfExists', 'aws:SourceVpc', 'vpc-0123456789abcdef0', false],
    ['ForAllValues:StringEquals', 'aws:PrincipalOrgID', 'o-abcdefghij', false],
    ['StringNotEquals', 'aws:PrincipalAccount', ACCOUNT, false],
    ['StringLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:role/*`, false],
    ['StringEquals', 'aws:PrincipalArn', '${aws:username}', false],
    ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', false],
    ['StringEquals', 'aws:PrincipalTag/team', 'db', false],
  ])('%s %s %j restricts: %s', (operator, key, values, expected) => {
    expect(restricts(operator, key, values)).toBe(expected);
  });
});

describe('generated policies: both analysers agree with each other and with the predicate', () => {
  const condition = fc.record({
    operator: fc.constantFrom('StringEquals', 'StringLike', 'StringEqualsIfExists', 'ForAllValues:StringEquals', 'ForAnyValue:StringEquals',
      'StringNotEquals', 'Bool', 'ArnLike', 'ArnEquals', 'IpAddress', 'Null'),
    key: fc.constantFrom('aws:SourceVpc', 'aws:SourceVpce', 'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:PrincipalOrgID',
      'aws:PrincipalIsAWSService', 'aws:SourceIp', 'aws:PrincipalTag/team', 'aws:VpcSourceIp'),
    value: fc.constantFrom('true', 'false', 'vpc-0123456789abcdef0', ROLE, `arn:aws:iam::${ACCOUNT}:role/*`, ACCOUNT, 'o-abcdefghij',
      '203.0.113.0/24', '${aws:userid}'),
  });
  const statement = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    who: fc.constantFrom<Record<string, unknown>>({ Principal: '*' }, { Principal: { AWS: '*' } }, { Principal: { AWS: ROLE } },
      { Principal: { AWS: [ROLE, '*'] } }, { NotPrincipal: { AWS: ROLE } }),
    Action: fc.constantFrom('dsql:DbConnect', 'dsql:*', ['dsql:DbConnect', 'dsql:DbConnectAdmin']),
    conditions: fc.array(condition, { maxLength: 3 }),
  }).map(({ who, conditions, ...rest }) => {
    const block: Record<string, Record<string, string>> = {};
    for (const c of conditions) (block[c.operator] ??= {})[c.key] = c.value;
    return { ...rest, ...who, Resource: '*', ...(conditions.length > 0 ? { Condition: block } : {}) };
  });

  test('the access model refuses a statement exactly when DSQL-C3 reports it, and exactly when bpaRejects says so', () => {
    const seen = new Set<boolean>();
    fc.assert(fc.property(statement, (st) => {
      const verdicts = judge(st);
      const expected = bpaRejects(readStatements({ Statement: [st] })![0]);
      seen.add(expected);
      expect(verdicts).toEqual({ accessModel: expected, rulePack: expected });
    }), { numRuns: 40, seed: 21 });
    expect([...seen].sort()).toEqual([false, true]); // both outcomes were tried
  });
});
