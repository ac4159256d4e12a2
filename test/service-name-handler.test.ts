/**
 * The handler of Custom::DsqlVpcEndpointServiceName: it reads the service name of the cluster its properties
 * name, in that cluster's Region, checks the answer, and never acts on anything else.
 */
import { DSQLClient, GetVpcEndpointServiceNameCommand } from '@aws-sdk/client-dsql';
import { onServiceNameEvent } from '../src/handlers/dsql-cluster/service-name';
import { handler } from '../src/handlers/service-name.lambda';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2c3';
const props = { ClusterIdentifier: ID, Region: 'us-east-1', ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' };

describe('onServiceNameEvent', () => {
  test.each(['Create', 'Update'] as const)('%s reads the service name of the named cluster in its Region', async (RequestType) => {
    const calls: Array<[string, string]> = [];
    const response = await onServiceNameEvent({ RequestType, ResourceProperties: props }, async (region, id) => {
      calls.push([region, id]);
      return { serviceName: SERVICE };
    });
    expect(calls).toEqual([['us-east-1', ID]]);
    expect(response).toEqual({ PhysicalResourceId: `us-east-1/${ID}`, Data: { ServiceName: SERVICE } });
  });

  test('Delete calls nothing and keeps the physical id', async () => {
    const call = jest.fn();
    expect(await onServiceNameEvent({ RequestType: 'Delete', PhysicalResourceId: `us-east-1/${ID}`, ResourceProperties: props }, call))
      .toEqual({ PhysicalResourceId: `us-east-1/${ID}` });
    expect(call).not.toHaveBeenCalled();
  });

  test.each([
    [{ ...props, ClusterIdentifier: 'ABC' }, /ClusterIdentifier must be an Aurora DSQL cluster identifier \(got "ABC"\)/],
    [{ ...props, ClusterIdentifier: undefined }, /ClusterIdentifier must be/],
    [{ ...props, Region: 'us-east-1/../x' }, /Region must be an AWS Region name/],
  ])('refuses properties the construct never writes, before any call: %p', async (bad, message) => {
    const call = jest.fn();
    await expect(onServiceNameEvent({ RequestType: 'Create', ResourceProperties: bad }, call)).rejects.toThrow(message);
    expect(call).not.toHaveBeenCalled();
  });

  test.each([
    [undefined],
    ['com.amazonaws.eu-west-1.dsql-a1b2c3'],
    ['com.amazonaws.us-east-1.s3'],
    ['com.amazonaws.us-east-1.dsql-a1b2c3"}'],
  ])('refuses an answer that is not a connection service name of the cluster\'s Region: %p', async (serviceName) => {
    await expect(onServiceNameEvent({ RequestType: 'Create', ResourceProperties: props }, async () => ({ serviceName })))
      .rejects.toThrow(/GetVpcEndpointServiceName returned .*, not a connection service name of us-east-1/);
  });
});

describe('the Lambda entry point', () => {
  afterEach(() => jest.restoreAllMocks());

  test('sends GetVpcEndpointServiceName with the identifier, to a client of the cluster\'s Region', async () => {
    const sent: Array<{ region: string; command: unknown }> = [];
    jest.spyOn(DSQLClient.prototype, 'send').mockImplementation(async function (this: DSQLClient, command: unknown) {
      sent.push({ region: await this.config.region(), command });
      return { serviceName: SERVICE } as never;
    });
    const response = await handler({ RequestType: 'Create', ResourceProperties: { ...props, Region: 'us-east-1' } });
    expect(response.Data).toEqual({ ServiceName: SERVICE });
    expect(sent).toHaveLength(1);
    expect(sent[0].region).toBe('us-east-1');
    expect(sent[0].command).toBeInstanceOf(GetVpcEndpointServiceNameCommand);
    expect((sent[0].command as GetVpcEndpointServiceNameCommand).input).toEqual({ identifier: ID });
  });
});
