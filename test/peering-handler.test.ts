/**
 * The handlers of Custom::DsqlMultiRegionPeering: they peer the two clusters their properties name, the way
 * the Aurora DSQL User Guide does (UpdateCluster on each with the other's ARN), skip what is already done,
 * never unpeer, and wait until both clusters are ACTIVE and peered. Response shapes are client-dsql's.
 */
import { DSQLClient, GetClusterCommand, UpdateClusterCommand } from '@aws-sdk/client-dsql';
import { ClusterState, PeeringApi, isPeeringComplete, onPeeringEvent } from '../src/handlers/dsql-cluster/peering';
import { handler as completeHandler } from '../src/handlers/peering-complete.lambda';
import { handler } from '../src/handlers/peering.lambda';

const ACCOUNT = '123456789012';
const A = `arn:aws:dsql:us-east-1:${ACCOUNT}:cluster/aaaaaaaaaaaaaaaaaaaaaaaaaa`;
const B = `arn:aws:dsql:us-east-2:${ACCOUNT}:cluster/bbbbbbbbbbbbbbbbbbbbbbbbbb`;
const C = `arn:aws:dsql:us-east-2:${ACCOUNT}:cluster/cccccccccccccccccccccccccc`;
const PROPS = { ServiceToken: 'x', ClusterArns: [A, B], Regions: ['us-east-1', 'us-east-2'], Account: ACCOUNT, WitnessRegion: 'us-west-2', Generation: 'g' };

/** A fake control plane holding the two clusters' state, recording calls. */
function fake(states: Record<string, ClusterState>) {
  const calls: string[] = [];
  const api: PeeringApi = {
    async getCluster(region, identifier) {
      calls.push(`get ${region} ${identifier}`);
      const arn = Object.keys(states).find((k) => k.endsWith(`/${identifier}`) && k.includes(`:${region}:`));
      if (!arn) throw new Error(`ResourceNotFoundException ${identifier}`);
      return states[arn];
    },
    async updateCluster(region, identifier, mrp) {
      calls.push(`update ${region} ${identifier} ${JSON.stringify(mrp)}`);
    },
  };
  return { api, calls, updates: () => calls.filter((c) => c.startsWith('update')) };
}
const pending = (arn: string, witness = 'us-west-2'): ClusterState => ({ arn, status: 'PENDING_SETUP', multiRegionProperties: { witnessRegion: witness, clusters: [arn] } });
const peered = (arn: string, peer: string, status = 'ACTIVE'): ClusterState => ({ arn, status, multiRegionProperties: { witnessRegion: 'us-west-2', clusters: [arn, peer] } });

describe('onPeeringEvent', () => {
  test('Create peers the first with the second, then the second with the first, as the user guide does', async () => {
    const f = fake({ [A]: pending(A), [B]: pending(B) });
    expect(await onPeeringEvent({ RequestType: 'Create', ResourceProperties: PROPS }, f.api)).toEqual({ PhysicalResourceId: `${A}|${B}` });
    expect(f.updates()).toEqual([
      `update us-east-1 aaaaaaaaaaaaaaaaaaaaaaaaaa {"witnessRegion":"us-west-2","clusters":["${B}"]}`,
      `update us-east-2 bbbbbbbbbbbbbbbbbbbbbbbbbb {"witnessRegion":"us-west-2","clusters":["${A}"]}`,
    ]);
  });

  test('a repeated event on a peered pair changes nothing (no drift)', async () => {
    const f = fake({ [A]: peered(A, B), [B]: peered(B, A) });
    await onPeeringEvent({ RequestType: 'Update', PhysicalResourceId: `${A}|${B}`, ResourceProperties: PROPS }, f.api);
    expect(f.updates()).toEqual([]);
  });

  test('a half-done peering (the first names the second) is completed on the second only', async () => {
    const f = fake({ [A]: peered(A, B, 'PENDING_SETUP'), [B]: pending(B) });
    await onPeeringEvent({ RequestType: 'Update', ResourceProperties: PROPS }, f.api);
    expect(f.updates()).toEqual([`update us-east-2 bbbbbbbbbbbbbbbbbbbbbbbbbb {"witnessRegion":"us-west-2","clusters":["${A}"]}`]);
  });

  test('never unpeers: a cluster peered with a third cluster is refused, before any change', async () => {
    const f = fake({ [A]: pending(A), [B]: peered(B, C) });
    await expect(onPeeringEvent({ RequestType: 'Create', ResourceProperties: PROPS }, f.api))
      .rejects.toThrow(new RegExp(`${B.replace(/[/]/g, '\\/')} is peered with ${C.replace(/[/]/g, '\\/')}, not ${A.replace(/[/]/g, '\\/')}; this resource never unpeers a cluster`));
    expect(f.updates()).toEqual([]);
  });

  test('refuses clusters whose witness is not the pair\'s', async () => {
    const f = fake({ [A]: pending(A), [B]: pending(B, 'eu-west-1') });
    await expect(onPeeringEvent({ RequestType: 'Create', ResourceProperties: PROPS }, f.api)).rejects.toThrow(/has witness Region "eu-west-1", not us-west-2/);
    expect(f.updates()).toEqual([]);
  });

  test('refuses a cluster that is being deleted or failed', async () => {
    const f = fake({ [A]: { ...pending(A), status: 'FAILED' }, [B]: pending(B) });
    await expect(onPeeringEvent({ RequestType: 'Create', ResourceProperties: PROPS }, f.api)).rejects.toThrow(/is FAILED/);
  });

  test('Delete does nothing: the clusters stay peered', async () => {
    const f = fake({});
    expect(await onPeeringEvent({ RequestType: 'Delete', PhysicalResourceId: `${A}|${B}`, ResourceProperties: PROPS }, f.api))
      .toEqual({ PhysicalResourceId: `${A}|${B}` });
    expect(f.calls).toEqual([]);
  });

  test.each([
    [{ ...PROPS, ClusterArns: [A] }, /ClusterArns must list exactly two cluster ARNs/],
    [{ ...PROPS, ClusterArns: [A, 'arn:aws:s3:::bucket'] }, /ClusterArns must list Aurora DSQL cluster ARNs/],
    [{ ...PROPS, Regions: ['us-east-1', 'us-west-1'] }, /is not in us-west-1, the Region fixed for it at synth/],
    [{ ...PROPS, Account: '210987654321' }, /is not in account 210987654321, fixed at synth/],
    [{ ...PROPS, WitnessRegion: 'us-east-1' }, /WitnessRegion us-east-1 must differ from the Regions of both clusters/],
  ])('refuses properties the construct never writes, before any call: %#', async (bad, message) => {
    const f = fake({ [A]: pending(A), [B]: pending(B) });
    await expect(onPeeringEvent({ RequestType: 'Create', ResourceProperties: bad }, f.api)).rejects.toThrow(message);
    expect(f.updates()).toEqual([]);
  });
});

describe('isPeeringComplete', () => {
  test('not complete until both are ACTIVE and each names the other', async () => {
    const event = { RequestType: 'Create' as const, ResourceProperties: PROPS };
    expect(await isPeeringComplete(event, fake({ [A]: peered(A, B, 'CREATING'), [B]: peered(B, A, 'CREATING') }).api)).toEqual({ IsComplete: false });
    expect(await isPeeringComplete(event, fake({ [A]: peered(A, B), [B]: pending(B) }).api)).toEqual({ IsComplete: false });
    expect(await isPeeringComplete(event, fake({ [A]: peered(A, B), [B]: peered(B, A) }).api)).toEqual({ IsComplete: true });
  });

  test('fails instead of waiting when a cluster failed', async () => {
    await expect(isPeeringComplete({ RequestType: 'Create', ResourceProperties: PROPS }, fake({ [A]: peered(A, B, 'FAILED'), [B]: peered(B, A) }).api))
      .rejects.toThrow(/is FAILED/);
  });

  test('Delete is complete at once', async () => {
    expect(await isPeeringComplete({ RequestType: 'Delete', ResourceProperties: PROPS }, fake({}).api)).toEqual({ IsComplete: true });
  });
});

describe('the Lambda entry points', () => {
  afterEach(() => jest.restoreAllMocks());

  test('send GetCluster and UpdateCluster to a client of each cluster\'s own Region', async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const state: Record<string, ClusterState> = { [A]: pending(A), [B]: pending(B) };
    const sent: Array<{ region: string; name: string; input: any }> = [];
    jest.spyOn(DSQLClient.prototype, 'send').mockImplementation(async function (this: DSQLClient, command: any) {
      const region = await this.config.region();
      sent.push({ region, name: command.constructor.name, input: command.input });
      if (command instanceof GetClusterCommand) {
        return Object.values(state).find((s) => s.arn!.endsWith(command.input.identifier!) && s.arn!.includes(region)) as never;
      }
      if (command instanceof UpdateClusterCommand) return {} as never;
      throw new Error('unexpected command');
    });
    await handler({ RequestType: 'Create', ResourceProperties: PROPS });
    expect(sent.map((s) => [s.region, s.name])).toEqual([
      ['us-east-1', 'GetClusterCommand'], ['us-east-2', 'GetClusterCommand'],
      ['us-east-1', 'UpdateClusterCommand'], ['us-east-2', 'UpdateClusterCommand'],
    ]);
    expect(sent[2].input).toEqual({ identifier: 'aaaaaaaaaaaaaaaaaaaaaaaaaa', multiRegionProperties: { witnessRegion: 'us-west-2', clusters: [B] } });

    state[A] = peered(A, B);
    state[B] = peered(B, A);
    expect(await completeHandler({ RequestType: 'Create', ResourceProperties: PROPS })).toEqual({ IsComplete: true });
  });
});
