/**
 * The fact base (src/private/facts) and the shared predicates over it: each action in one kind only, the lists the
 * analysers judge with, and the patterns the constructs and the handlers share.
 */
import {
  BACKUP_WRITE_ACTIONS, CLUSTER_POLICY_WRITE_ACTIONS, CLUSTER_WRITE_ACTIONS, CONNECT_ACTIONS, MANAGEMENT_READ_ACTIONS,
  MANAGEMENT_WRITE_ACTIONS, PEERING_HANDLER_ACTIONS, PEERING_WRITE_ACTIONS, STREAM_WRITE_ACTIONS, WRITE_OR_CONNECT_ACTIONS,
} from '../src/private/facts/actions';
import { BPA_TRUSTED_KEYS, NETWORK_KEYS } from '../src/private/facts/condition-keys';
import { SERVICE_NAME, isDsqlHostName } from '../src/private/facts/patterns';
import { wildcardReach } from '../src/private/policy/predicates';
import { lit } from '../src/private/policy/values';

describe('actions by kind', () => {
  const kinds = [CONNECT_ACTIONS, MANAGEMENT_READ_ACTIONS, CLUSTER_WRITE_ACTIONS, CLUSTER_POLICY_WRITE_ACTIONS, PEERING_WRITE_ACTIONS,
    STREAM_WRITE_ACTIONS, BACKUP_WRITE_ACTIONS];

  test('every action is a dsql action of exactly one kind', () => {
    const all = kinds.flat();
    expect(all.every((a) => /^dsql:[A-Z][A-Za-z]+$/.test(a))).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  test('the writes are every write kind, the streams included; what a wildcard must not reach adds the connect actions', () => {
    expect(MANAGEMENT_WRITE_ACTIONS).toEqual(expect.arrayContaining(['dsql:CreateStream', 'dsql:DeleteStream']));
    // not an action of the Service Authorization Reference
    expect(MANAGEMENT_WRITE_ACTIONS).not.toContain('dsql:UpdateStream');
    expect(MANAGEMENT_WRITE_ACTIONS).not.toEqual(expect.arrayContaining(['dsql:GetStream']));
    expect([...WRITE_OR_CONNECT_ACTIONS].sort()).toEqual([...MANAGEMENT_WRITE_ACTIONS, ...CONNECT_ACTIONS].sort());
  });

  test('the peering handler may read and peer, never unpeer nor move the witness without its condition', () => {
    const known = [...MANAGEMENT_READ_ACTIONS, ...MANAGEMENT_WRITE_ACTIONS];
    expect(PEERING_HANDLER_ACTIONS.every((a) => known.includes(a))).toBe(true);
    expect(PEERING_HANDLER_ACTIONS).toEqual(expect.arrayContaining(['dsql:GetCluster', 'dsql:UpdateCluster', 'dsql:AddPeerCluster']));
    expect(PEERING_HANDLER_ACTIONS).not.toContain('dsql:RemovePeerCluster');
    expect(PEERING_HANDLER_ACTIONS).not.toContain('dsql:PutWitnessRegion');
  });

  test('a management wildcard reaches the stream writes, and a read-only wildcard reaches nothing', () => {
    expect(wildcardReach(lit('dsql:*Stream')).sort()).toEqual(['dsql:CreateStream', 'dsql:DeleteStream']);
    expect(wildcardReach(lit('dsql:Update*')).sort()).toEqual(['dsql:UpdateCluster']);
    expect(wildcardReach(lit('dsql:Get*'))).toEqual([]);
    expect(wildcardReach(lit('dsql:UpdateCluster'))).toEqual([]); // named, not a wildcard
  });
});

describe('condition keys', () => {
  test('block public access does not trust aws:SourceIp; the network keys are the four DSQL documents', () => {
    expect(BPA_TRUSTED_KEYS).not.toContain('aws:sourceip');
    expect(BPA_TRUSTED_KEYS).toContain('aws:principalisawsservice');
    expect(NETWORK_KEYS).toEqual(['aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:vpcsourceip']);
  });
});

describe('patterns', () => {
  const id = 'abcdefghijklmnopqrstuvwxyz';
  test.each([
    [`${id}.dsql.us-east-1.on.aws`, true],
    [`${id}.dsql-fnh4.us-east-1.on.aws`, true],
    [`${id}.dsql.us-east-2.on.aws`, false],
    [`${id}.dsql.us-east-1.on.aws.evil.example`, false],
    ['short.dsql.us-east-1.on.aws', false],
  ])('isDsqlHostName(%s, the cluster, us-east-1) is %s', (host, expected) => {
    expect(isDsqlHostName(host, id, 'us-east-1')).toBe(expected);
  });

  test('a connection service name, not the management one', () => {
    expect(SERVICE_NAME.test('com.amazonaws.us-east-1.dsql-fnh4')).toBe(true);
    expect(SERVICE_NAME.test('com.amazonaws.us-east-1.dsql')).toBe(false);
  });
});
