/**
 * Custom resource handler of the PrivateLink service-name lookup of an imported cluster (Provider framework
 * onEvent). Bundled with esbuild at build time (@aws-sdk/client-dsql included) into
 * assets/handlers/service-name.lambda/index.js. The logic lives in ./dsql-cluster/service-name.ts.
 */
import { DSQLClient, GetVpcEndpointServiceNameCommand } from '@aws-sdk/client-dsql';
import { onServiceNameEvent, ServiceNameEvent, ServiceNameResponse } from './dsql-cluster/service-name';

export async function handler(event: ServiceNameEvent): Promise<ServiceNameResponse> {
  return onServiceNameEvent(event, async (region, identifier) => {
    const client = new DSQLClient({ region });
    return client.send(new GetVpcEndpointServiceNameCommand({ identifier }));
  });
}
