/**
 * The onEvent handler of Custom::DsqlVpcEndpointServiceName: reads the PrivateLink service name of the one
 * cluster its properties name, in that cluster's Region. Read-only; Delete does nothing.
 */
import { checkServiceName, parseServiceNameProperties } from './properties';

/** The one call this handler makes (injectable for tests). */
export type GetVpcEndpointServiceName = (region: string, clusterIdentifier: string) => Promise<{ serviceName?: string }>;

export interface ServiceNameEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
}

export interface ServiceNameResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly ServiceName: string };
}

export async function onServiceNameEvent(event: ServiceNameEvent, call: GetVpcEndpointServiceName): Promise<ServiceNameResponse> {
  if (event.RequestType === 'Delete') {
    // Nothing was created: a lookup has nothing to undo.
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'none' };
  }
  const request = parseServiceNameProperties(event.ResourceProperties);
  const response = await call(request.region, request.clusterIdentifier);
  const serviceName = checkServiceName(response.serviceName, request.region);
  return { PhysicalResourceId: `${request.region}/${request.clusterIdentifier}`, Data: { ServiceName: serviceName } };
}
