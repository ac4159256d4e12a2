/**
 * Custom resource handler of the multi-Region peering of a DsqlMultiRegionPair (Provider framework onEvent).
 * Bundled with esbuild at build time (@aws-sdk/client-dsql included) into assets/handlers/peering.lambda.
 * The logic lives in ./dsql-cluster/peering.ts; this file holds the Aurora DSQL calls.
 */
import { DSQLClient, GetClusterCommand, UpdateClusterCommand } from '@aws-sdk/client-dsql';
import { onPeeringEvent, PeeringApi, PeeringEvent, PeeringResponse } from './dsql-cluster/peering';

/** GetCluster and UpdateCluster with @aws-sdk/client-dsql, one client per Region (a cluster is managed in its Region). */
export function sdkPeeringApi(): PeeringApi {
  const clients = new Map<string, DSQLClient>();
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new DSQLClient({ region });
      clients.set(region, c);
    }
    return c;
  };
  return {
    getCluster: async (region, identifier) => client(region).send(new GetClusterCommand({ identifier })),
    updateCluster: async (region, identifier, multiRegionProperties) => {
      await client(region).send(new UpdateClusterCommand({ identifier, multiRegionProperties }));
    },
  };
}

export async function handler(event: PeeringEvent): Promise<PeeringResponse> {
  return onPeeringEvent(event, sdkPeeringApi(), (line) => console.log(line));
}
