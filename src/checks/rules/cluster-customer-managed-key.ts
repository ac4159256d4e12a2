import { COMPLIANT, DsqlRule, findings } from '../rule';

/**
 * DSQL-C4: a cluster encrypted with the AWS-owned key, for teams that require customer-managed keys. Strict level
 * only: the AWS-owned key is SecureDsqlCluster's default, and the default pack is quiet on the library's defaults.
 *
 * Without `KmsEncryptionKey` Aurora DSQL encrypts the cluster with an AWS-owned key; `AWS_OWNED_KMS_KEY` is that
 * same choice spelled out (Aurora DSQL user guide, "Data encryption",
 * https://docs.aws.amazon.com/aurora-dsql/latest/userguide/data-encryption.html; API `EncryptionDetails.encryptionType`).
 */
export const clusterCustomerManagedKey: DsqlRule = {
  id: 'DSQL-C4',
  level: 'warning',
  summary: 'Cluster encrypted with the AWS-owned key (no `KmsEncryptionKey`)',
  reason: 'The Aurora DSQL cluster is encrypted with an AWS-owned key, which you can neither audit in CloudTrail nor revoke',
  fix: 'Give a customer-managed KMS key (SecureDsqlCluster encryptionKey, which also writes the key policy DSQL needs), '
    + 'or suppress it with a reason for clusters whose AWS-owned key is accepted.',
  resourceTypes: ['AWS::DSQL::Cluster'],
  strict: true,
  evaluate(resource) {
    const key = resource.properties.KmsEncryptionKey;
    if (key === undefined) return findings(['KmsEncryptionKey is not set']);
    if (typeof key === 'string' && key.toUpperCase() === 'AWS_OWNED_KMS_KEY') return findings(['KmsEncryptionKey is AWS_OWNED_KMS_KEY']);
    return COMPLIANT;
  },
};
