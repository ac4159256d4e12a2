import { clusterConnectionAudit } from './cluster-connection-audit';
import { clusterCustomerManagedKey } from './cluster-customer-managed-key';
import { clusterDeletionProtection } from './cluster-deletion-protection';
import { clusterPolicyAccepted } from './cluster-policy-accepted';
import { clusterPolicyRestricts } from './cluster-policy-restricts';
import { connectionConditionKeys } from './connection-condition-keys';
import { endpointPolicy } from './endpoint-policy';
import { endpointPort } from './endpoint-port';
import { endpointPrivateDns } from './endpoint-private-dns';
import { endpointPublicIngress } from './endpoint-public-ingress';
import { endpointWholeVpc } from './endpoint-whole-vpc';
import { identityConnectAdmin } from './identity-connect-admin';
import { identityConnectAllClusters } from './identity-connect-all-clusters';
import { identityWildcardActions } from './identity-wildcard-actions';
import { managementEndpointPolicy } from './management-endpoint-policy';
import { DsqlRule } from '../rule';

/** Every rule of the pack, in the order of the README rule table. */
export const RULES: readonly DsqlRule[] = [
  clusterDeletionProtection,
  clusterPolicyRestricts,
  clusterPolicyAccepted,
  clusterCustomerManagedKey,
  clusterConnectionAudit,
  identityWildcardActions,
  identityConnectAdmin,
  identityConnectAllClusters,
  endpointPrivateDns,
  endpointPublicIngress,
  endpointWholeVpc,
  endpointPort,
  endpointPolicy,
  managementEndpointPolicy,
  connectionConditionKeys,
];
