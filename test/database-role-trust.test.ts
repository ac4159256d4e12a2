/**
 * The handler's trusted configuration (its environment) and the checks of events against it, without a
 * server. The handler tests (database-role-handler.test.ts) show the same checks refusing forged events
 * before any connection; the construct tests show that what the template declares passes them.
 */
import { ARN_A, ARN_B, CLUSTER_ID, ENDPOINT, resourceProperties as props, STACK_ID, trustedEnvironment } from './support/database-role-props';
import {
  applyMismatches, declaredState, digestOf, parseTrustedConfig, targetMismatches, TRUST_ENV,
} from '../src/handlers/database-role/trust';
import { isDsqlHostName } from '../src/private/facts/patterns';

describe('declaredState and digestOf', () => {
  test('the state is the role name, principals, privileges, removal policy and adoption, in template order', () => {
    expect(declaredState(props({ PrincipalArns: [ARN_B, ARN_A] }))).toEqual([
      'app_rw', [ARN_B, ARN_A], [['orders', ['USAGE'], ['SELECT', 'INSERT']]], 'destroy', 'false',
    ]);
  });

  test('missing lists read as empty lists and missing scalars as their defaults, as the parser reads them', () => {
    expect(declaredState({ RoleName: 'r' })).toEqual(['r', [], [], 'destroy', 'false']);
    expect(declaredState({ RoleName: 'r', PrincipalArns: '', SchemaPrivileges: [] })).toEqual(['r', [], [], 'destroy', 'false']);
  });

  test('every part of the state changes the digest; nothing else does', () => {
    const base = digestOf(declaredState(props()));
    expect(base).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(digestOf(declaredState(props({ ServiceToken: 'other', Endpoint: 'x', ClusterIdentifier: 'y' })))).toBe(base);
    for (const change of [
      { RoleName: 'other' }, { PrincipalArns: [ARN_A, ARN_B] }, { PrincipalArns: [] },
      { SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE', 'CREATE'], TablePrivileges: ['SELECT', 'INSERT'] }] },
      { RemovalPolicy: 'retain' }, { AdoptExisting: 'true' },
    ]) {
      expect(digestOf(declaredState(props(change)))).not.toBe(base);
    }
  });
});

describe('isDsqlHostName', () => {
  test.each<[string, boolean]>([
    [`${CLUSTER_ID}.dsql.us-east-1.on.aws`, true],
    [`${CLUSTER_ID}.dsql-a1b2.us-east-1.on.aws`, true],
    [`${CLUSTER_ID}.dsql.eu-west-1.on.aws`, false],
    ['zzzzzzzzzzzzzzzzzzzzzzzzzz.dsql.us-east-1.on.aws', false],
    [`${CLUSTER_ID}.dsql.us-east-1.on.aws.attacker.example`, false],
    [`x.${CLUSTER_ID}.dsql.us-east-1.on.aws`, false],
    ['db.attacker.example', false],
    [`${CLUSTER_ID}.rds.us-east-1.on.aws`, false],
  ])('%s of cluster %s in us-east-1: %s', (host, expected) => {
    expect(isDsqlHostName(host, CLUSTER_ID, 'us-east-1')).toBe(expected);
  });

  test('without a cluster id or Region, any DSQL host name shape', () => {
    expect(isDsqlHostName('zzzzzzzzzzzzzzzzzzzzzzzzzz.dsql.ap-south-2.on.aws')).toBe(true);
    expect(isDsqlHostName('short.dsql.us-east-1.on.aws')).toBe(false);
  });
});

describe('parseTrustedConfig', () => {
  const env = trustedEnvironment([props()]);

  test('reads what the construct writes', () => {
    const config = parseTrustedConfig(env);
    expect(config).toMatchObject({ clusterIdentifier: CLUSTER_ID, host: ENDPOINT, region: 'us-east-1', stackId: STACK_ID });
    expect([...config.roles.entries()]).toEqual([['app_rw', { kind: 'digest', digest: digestOf(declaredState(props())) }]]);
  });

  test('reads the three kinds of role checks', () => {
    const state = declaredState(props({ RoleName: 'b' }));
    const config = parseTrustedConfig({ ...env, [TRUST_ENV.roles]: JSON.stringify([['a', '*'], ['b', state], ['c', digestOf(state)]]) });
    expect(config.roles.get('a')).toEqual({ kind: 'name' });
    expect(config.roles.get('b')).toEqual({ kind: 'state', state });
    expect(config.roles.get('c')).toEqual({ kind: 'digest', digest: digestOf(state) });
  });

  test.each<[string, Record<string, string | undefined>, string]>([
    ['no cluster', { [TRUST_ENV.clusterIdentifier]: undefined }, 'environment variable DSQL_CLUSTER_IDENTIFIER is not set'],
    ['no roles', { [TRUST_ENV.roles]: undefined }, 'environment variable DSQL_ROLES is not set'],
    ['a host of another cluster', { [TRUST_ENV.host]: 'zzzzzzzzzzzzzzzzzzzzzzzzzz.dsql.us-east-1.on.aws' }, 'is not an Aurora DSQL host name of cluster abcdefghijklmnopqrstuvwxyz in us-east-1'],
    ['a host that is not DSQL', { [TRUST_ENV.host]: 'db.attacker.example' }, 'is not an Aurora DSQL host name'],
    ['a bad Region', { [TRUST_ENV.region]: 'moon-1' }, 'is not a Region'],
    ['roles that are not JSON', { [TRUST_ENV.roles]: '[' }, 'DSQL_ROLES is not JSON'],
    ['roles that are not a list', { [TRUST_ENV.roles]: '{}' }, 'DSQL_ROLES is not a list'],
    ['a malformed entry', { [TRUST_ENV.roles]: '[["a"]]' }, 'holds an entry that is not [roleName, check]'],
    ['a malformed check', { [TRUST_ENV.roles]: '[["a", "sha256:short"]]' }, 'holds a malformed check for role "a"'],
    ['a state of another name', { [TRUST_ENV.roles]: JSON.stringify([['a', declaredState(props({ RoleName: 'b' }))]]) }, 'holds a malformed check for role "a"'],
    ['a role twice', { [TRUST_ENV.roles]: '[["a", "*"], ["a", "*"]]' }, 'declares role "a" twice'],
  ])('refuses %s: the function then acts on nothing', (_what, change, message) => {
    expect(() => parseTrustedConfig({ ...env, ...change })).toThrow('the function\'s configuration is not usable, so it acts on nothing: ');
    expect(() => parseTrustedConfig({ ...env, ...change })).toThrow(message);
  });
});

describe('event checks', () => {
  const config = parseTrustedConfig(trustedEnvironment([props(), props({ RoleName: 'by_name' })]));
  const event = (overrides: Record<string, unknown> = {}, stackId = STACK_ID) => ({ StackId: stackId, ResourceProperties: props(overrides) });

  test('the declared event matches', () => {
    expect(applyMismatches(config, event())).toEqual([]);
    expect(targetMismatches(config, event())).toEqual([]);
  });

  test('every mismatch is named', () => {
    expect(applyMismatches(config, event({ Region: 'eu-west-1', Endpoint: 'x.example', PrincipalArns: [ARN_B] }, 'other'))).toEqual([
      `Endpoint "x.example" is not this function's "${ENDPOINT}"`,
      'Region "eu-west-1" is not this function\'s "us-east-1"',
      `StackId "other" is not this function's "${STACK_ID}"`,
      expect.stringMatching(/^the state of role "app_rw"/),
    ]);
  });

  test('a name-only role is checked by name, cluster, host and stack only', () => {
    const named = parseTrustedConfig({ ...trustedEnvironment([]), [TRUST_ENV.roles]: '[["by_name", "*"]]' });
    expect(applyMismatches(named, event({ RoleName: 'by_name', PrincipalArns: [ARN_B] }))).toEqual([]);
    expect(applyMismatches(named, event({ RoleName: 'by_name', Endpoint: 'x.example' }))).toHaveLength(1);
    expect(applyMismatches(named, event({ RoleName: 'other' }))).toEqual(['RoleName "other" is not declared for this function (declared: "by_name")']);
  });
});
