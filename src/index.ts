// The public surface of secure-dsql, named: constructs, their props and attribute structs, enums and
// interfaces. Everything else (renderers, validators, quotas, constants) lives under src/private/ and is not
// exported. See docs/ARCHITECTURE.md, "Public surface".

export type { DsqlRecommendedAlarmsOptions, IDsqlRecommendedAlarms } from './alarms-ref';
export type { DsqlRecommendedAlarmsProps } from './alarms';
export { DsqlRecommendedAlarms } from './alarms';
export type { DsqlBackupPlanOptions, IDsqlBackupPlan } from './backup-ref';
export type { DsqlBackupPlanProps } from './backup';
export { DsqlBackupPlan } from './backup';
export type { DsqlClusterAttributes, DsqlClusterOutputsOptions, IDsqlCluster } from './cluster-ref';
export type { DsqlMultiRegionOptions, SecureDsqlClusterProps } from './cluster';
export { DsqlClusterBase, SecureDsqlCluster } from './cluster';
export type { DsqlConnectConditions } from './connect-conditions';
export type { DsqlConnectionAuditOptions, IDsqlConnectionAudit } from './connection-audit-ref';
export { DsqlConnectionAuditStore } from './connection-audit-ref';
export type { DsqlConnectionAuditProps } from './connection-audit';
export { DsqlConnectionAudit } from './connection-audit';
export type { DsqlConnectPolicyProps } from './connect-policy';
export { DsqlConnectPolicy } from './connect-policy';
export type { DsqlDatabaseRoleOptions, DsqlSchemaPrivileges, IDsqlDatabaseRole } from './database-role-ref';
export { DsqlTablePrivilege } from './database-role-ref';
export type { DsqlDatabaseRoleProps } from './database-role';
export { DsqlDatabaseRole } from './database-role';
export type { DsqlMultiRegionPairMember, DsqlMultiRegionPairProps } from './multi-region-pair';
export { DsqlMultiRegionPair } from './multi-region-pair';
export type { DsqlNetworkAclOptions, DsqlPrivateLinkEndpointOptions, IDsqlConnectionEndpoint, IDsqlPrivateLinkEndpoint } from './endpoint-ref';
export { DsqlErrors } from './errors';
export type { DsqlPrivateLinkEndpointProps } from './private-link-endpoint';
export { DsqlPrivateLinkEndpoint } from './private-link-endpoint';
export type { DsqlPrivatePathAdminPolicyProps, DsqlPrivatePathGuardrailProps } from './private-path-policy';
export { DsqlPrivatePathAdminPolicy, DsqlPrivatePathGuardrail } from './private-path-policy';
export type { DsqlSecurityChecksProps } from './checks/security-checks';
export { DsqlCheckLevel, DsqlSecurityChecks } from './checks/security-checks';
