import { COMPLIANT, DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/** DSQL-C1: a cluster without deletion protection. */
export const clusterDeletionProtection: DsqlRule = {
  id: 'DSQL-C1',
  level: 'error',
  summary: 'Cluster without deletion protection (`DeletionProtectionEnabled` false or not set)',
  reason: 'The Aurora DSQL cluster does not have deletion protection enabled, so one API call or stack change deletes it and its data',
  fix: 'Set DeletionProtectionEnabled to true (SecureDsqlCluster does by default; keep deletionProtection at true).',
  resourceTypes: ['AWS::DSQL::Cluster'],
  evaluate(resource) {
    const value = resource.properties.DeletionProtectionEnabled;
    if (value === true || value === 'true') return COMPLIANT;
    if (value === undefined || value === false || value === 'false') {
      return findings([value === undefined ? 'DeletionProtectionEnabled is not set' : 'DeletionProtectionEnabled is false']);
    }
    return NOT_APPLICABLE; // a parameter or condition: known at deploy time only
  },
};
