/**
 * The pure parts of the access model, on their own: symbolic values, condition operators, network ACLs and
 * security groups. Three-valued: `true`, `false`, `undefined` (unknown).
 */
import { Acl, PUBLIC_V4, SecurityGroup, aclVerdict, defaultAcl, sgVerdict } from '../src/access/network';
import { Condition, KeyValue, PrincipalRef, Request, Statement, evaluateCondition, statementApplies } from '../src/private/policy/evaluate';
import { Str, concat, globMatch, hole, strEquals } from '../src/private/policy/values';

const vpcA: Str = concat('vpc-', hole('S/A', 'vpc'));
const vpcB: Str = concat('vpc-', hole('S/B', 'vpc'));
const roleArn = (name: Str | string): Str => concat('arn:aws:iam::123456789012:role/', typeof name === 'string' ? name : name);

describe('symbolic values', () => {
  test('two resources of one kind never share an id; one resource always equals itself', () => {
    expect(strEquals(vpcA, vpcB)).toBe(false);
    expect(strEquals(vpcA, concat('vpc-', hole('S/A', 'vpc')))).toBe(true);
  });

  test('a literal against a deploy-time id is unknown, unless their fixed parts already differ', () => {
    expect(strEquals(['vpc-0123456789abcdef0'], vpcA)).toBeUndefined();
    expect(strEquals(['sg-0123456789abcdef0'], vpcA)).toBe(false);
  });

  test('glob patterns: certain when the wildcard covers the hole, impossible when the fixed parts clash, else unknown', () => {
    const generated = roleArn([hole('S/Role#name', 'iam-role-name')]);
    expect(globMatch(['arn:aws:iam::123456789012:role/*'], generated)).toBe(true);
    expect(globMatch(['arn:aws:iam::123456789012:role/app-*'], generated)).toBeUndefined();
    expect(globMatch(['arn:aws:iam::999999999999:role/*'], generated)).toBe(false);
    expect(globMatch(['arn:aws:iam::123456789012:role/app-?'], ['arn:aws:iam::123456789012:role/app-1'])).toBe(true);
    expect(globMatch(['dsql:Db*'], ['dsql:DbConnectAdmin'], true)).toBe(true);
    expect(globMatch(['dsql:Get*'], ['dsql:DbConnect'], true)).toBe(false);
  });
});

describe('condition operators on keys that are there, missing, or unknown', () => {
  const keys = new Map<string, KeyValue>([
    ['aws:sourcevpc', { kind: 'values', values: [vpcA] }],
    ['aws:sourceip', { kind: 'absent' }],
    ['aws:vpcsourceip', { kind: 'ip', within: ['10.0.1.0/24'] }],
  ]);
  const c = (operator: string, key: string, values: Str[]): Condition => ({ operator, key, values });

  test.each([
    ['Null true on a missing key', c('Null', 'aws:SourceIp', [['true']]), true],
    ['Null true on a present key', c('Null', 'aws:SourceVpc', [['true']]), false],
    ['a positive operator on a missing key', c('IpAddress', 'aws:SourceIp', [['203.0.113.0/24']]), false],
    ['a negated operator on a missing key', c('NotIpAddress', 'aws:SourceIp', [['203.0.113.0/24']]), true],
    ['…IfExists on a missing key', c('IpAddressIfExists', 'aws:SourceIp', [['203.0.113.0/24']]), true],
    ['ForAnyValue on a missing key', c('ForAnyValue:StringEquals', 'aws:SourceIp', [['x']]), false],
    ['ForAllValues on a missing key', c('ForAllValues:StringEquals', 'aws:SourceIp', [['x']]), true],
    ['StringNotEqualsIfExists of the same VPC', c('StringNotEqualsIfExists', 'aws:SourceVpc', [vpcA]), false],
    ['StringNotEqualsIfExists of another VPC of the app', c('StringNotEqualsIfExists', 'aws:SourceVpc', [vpcB]), true],
    ['StringEquals against a literal VPC id', c('StringEquals', 'aws:SourceVpc', [['vpc-0123456789abcdef0']]), undefined],
    ['a key the model does not know', c('StringEquals', 'aws:PrincipalOrgID', [['o-abc']]), undefined],
    ['IpAddress over the whole client subnet', c('IpAddress', 'aws:VpcSourceIp', [['10.0.0.0/16']]), true],
    ['IpAddress over part of the client subnet', c('IpAddress', 'aws:VpcSourceIp', [['10.0.1.0/25']]), undefined],
    ['IpAddress elsewhere', c('IpAddress', 'aws:VpcSourceIp', [['10.9.0.0/16']]), false],
  ] as Array<[string, Condition, boolean | undefined]>)('%s', (_name, condition, expected) => {
    expect(evaluateCondition(condition, keys)).toBe(expected);
  });
});

describe('a Deny with NotPrincipal', () => {
  const role: PrincipalRef = { arn: roleArn('app'), account: ['123456789012'], rootArn: ['arn:aws:iam::123456789012:root'], type: 'role' };
  const user: PrincipalRef = { arn: ['arn:aws:iam::123456789012:user/app'], account: ['123456789012'], rootArn: ['arn:aws:iam::123456789012:root'], type: 'user' };
  const deny = (names: string[]): Statement => ({
    effect: 'Deny', notPrincipal: { any: false, aws: names.map((n) => [n]), other: 0 }, actions: [['dsql:*']], resources: [['*']], conditions: [],
  });
  const req = (principal: PrincipalRef, principalHasBoundary = false): Request => ({
    principal, principalHasBoundary, action: 'dsql:DbConnect', resource: ['arn:aws:dsql:us-east-1:123456789012:cluster/x'], keys: new Map(),
  });

  test('naming a role by its ARN: whether its session is exempt is unknown (it signs as arn:aws:sts::…:assumed-role/…)', () => {
    expect(statementApplies(deny(['arn:aws:iam::123456789012:role/app']), req(role), true)).toBeUndefined();
  });
  test('naming a user: the user signs with that ARN, so it is exempt; a principal it does not name is denied', () => {
    expect(statementApplies(deny(['arn:aws:iam::123456789012:user/app']), req(user), true)).toBe(false);
    expect(statementApplies(deny(['arn:aws:iam::123456789012:role/other']), req(role), true)).toBe(true);
  });
  test('a principal with a permissions boundary is never exempt', () => {
    expect(statementApplies(deny(['arn:aws:iam::123456789012:user/app']), req(user, true), true)).toBe(true);
  });
});

describe('network ACLs: first match by rule number, default deny, whole ranges', () => {
  const acl = (entries: Acl['entries']): Acl => ({ key: 'a', path: 'S/Acl', known: true, entries });

  test('a deny before an allow wins, for the addresses it covers', () => {
    const a = acl([
      { ruleNumber: 90, egress: false, protocol: 6, allow: false, cidr: '10.0.1.0/24', from: 5432, to: 5432 },
      { ruleNumber: 100, egress: false, protocol: -1, allow: true, cidr: '10.0.0.0/16' },
    ]);
    expect(aclVerdict(a, false, ['10.0.1.0/24'], { from: 5432, to: 5432 }).verdict).toBe(false);
    expect(aclVerdict(a, false, ['10.0.2.0/24'], { from: 5432, to: 5432 }).verdict).toBe(true);
    // Part of the range denied: undecided.
    expect(aclVerdict(a, false, ['10.0.0.0/22'], { from: 5432, to: 5432 }).verdict).toBeUndefined();
  });

  test('the return traffic needs the whole ephemeral range', () => {
    const narrow = acl([{ ruleNumber: 100, egress: true, protocol: 6, allow: true, cidr: '10.0.0.0/16', from: 32768, to: 65535 }]);
    expect(aclVerdict(narrow, true, ['10.0.1.0/24'], { from: 1024, to: 65535 }).verdict).toBeUndefined();
    expect(aclVerdict(narrow, true, ['10.0.1.0/24'], { from: 1024, to: 32767 })).toEqual({ verdict: false, deniedBy: 'the default rule (*)' });
  });

  test('the default ACL lets everything through; an unknown ACL decides nothing', () => {
    expect(aclVerdict(defaultAcl('d', 'S/Vpc default'), true, PUBLIC_V4, { from: 5432, to: 5432 }).verdict).toBe(true);
    expect(aclVerdict({ key: 'x', path: 'x', known: false, entries: [] }, true, ['10.0.0.0/24'], { from: 5432, to: 5432 }).verdict).toBeUndefined();
  });
});

describe('security groups: stateful, any group of the interface may admit', () => {
  const sg = (id: string, rules: Partial<SecurityGroup>, known = true): SecurityGroup => ({
    key: id, id: concat('sg-', hole(id, 'sg')), known, ingress: [], egress: [], ...rules,
  });
  const client = concat('sg-', hole('client', 'sg'));

  test('a rule naming the peer group, or a block covering the peer, admits', () => {
    const endpoint = sg('endpoint', { ingress: [{ protocol: 'tcp', from: 5432, to: 5432, group: client }] });
    expect(sgVerdict([endpoint], false, 5432, { groups: [client] })).toBe(true);
    expect(sgVerdict([endpoint], false, 5432, { groups: [concat('sg-', hole('other', 'sg'))] })).toBe(false);
    const byCidr = sg('endpoint', { ingress: [{ protocol: 'tcp', from: 5432, to: 5432, cidr: '10.0.0.0/16' }] });
    expect(sgVerdict([byCidr], false, 5432, { cidrs: ['10.0.1.0/24'], groups: [] })).toBe(true);
    expect(sgVerdict([byCidr], false, 5432, { cidrs: undefined, groups: [] })).toBeUndefined();
  });

  test('an imported group may hold rules the app does not see', () => {
    const imported = sg('imported', {}, false);
    expect(sgVerdict([imported], true, 5432, { groups: [], cidrs: ['10.0.0.0/24'] })).toBeUndefined();
    const open = sg('open', { egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] });
    expect(sgVerdict([imported, open], true, 5432, { groups: [], cidrs: ['10.0.0.0/24'] })).toBe(true);
  });
});
