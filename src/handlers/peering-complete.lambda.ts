/**
 * Custom resource handler of the multi-Region peering of a DsqlMultiRegionPair (Provider framework
 * isComplete): complete once both clusters are ACTIVE and each names the other. Bundled with esbuild at build
 * time into assets/handlers/peering-complete.lambda. The logic lives in ./dsql-cluster/peering.ts.
 */
import { isPeeringComplete, PeeringEvent } from './dsql-cluster/peering';
import { sdkPeeringApi } from './peering.lambda';

export async function handler(event: PeeringEvent): Promise<{ IsComplete: boolean }> {
  return isPeeringComplete(event, sdkPeeringApi());
}
