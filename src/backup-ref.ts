import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';

/**
 * How `addBackupPlan` protects a cluster with AWS Backup: into which plan it selects the cluster, and, for a
 * plan it creates, which vault, key and rules.
 *
 * AWS Backup protects Aurora DSQL clusters only in Regions where the account opted in to Aurora DSQL
 * (AWS Backup Developer Guide, "Amazon Aurora DSQL backups" and "Service Opt-in"). That setting is not a
 * CloudFormation resource: turn it on once per account and Region with
 * `aws backup update-region-settings --resource-type-opt-in-preference DSQL=true`. The library warns at
 * synth (`secure-dsql:backup-opt-in`).
 */
export interface DsqlBackupPlanOptions {
  /**
   * An existing backup plan to select the cluster into, in the cluster's Region. Then `backupVault`,
   * `encryptionKey` and `rules` are refused: they belong to the plan.
   *
   * @default - a new plan with `rules`, storing into `backupVault`
   */
  readonly backupPlan?: backup.IBackupPlan;

  /**
   * The vault a new plan stores its backups in.
   *
   * @default - a new vault, encrypted with `encryptionKey` when given (removal policy RETAIN)
   */
  readonly backupVault?: backup.IBackupVault;

  /**
   * A customer-managed key that encrypts the new vault. Refused together with `backupVault` (a vault's key
   * is fixed when it is created) or `backupPlan`.
   *
   * @default - the vault uses the AWS Backup managed key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The rules of a new plan.
   *
   * @default - one rule: daily at 05:00 UTC, kept 35 days (`backup.BackupPlanRule.daily()`)
   */
  readonly rules?: backup.BackupPlanRule[];

  /**
   * The role AWS Backup assumes to back the cluster up.
   *
   * @default - a new role with the AWS managed policy `AWSBackupServiceRolePolicyForBackup`
   */
  readonly role?: iam.IRole;

  /**
   * Also attach the AWS managed restore policy to the role (`AWSBackupServiceRolePolicyForRestores`).
   *
   * @default false
   */
  readonly allowRestores?: boolean;
}

/**
 * What `addBackupPlan` created or used.
 */
export interface IDsqlBackupPlan extends IConstruct {
  /** The plan the cluster is selected into. */
  readonly backupPlan: backup.IBackupPlan;

  /** The vault of a plan created here (undefined when an existing plan was given). */
  readonly backupVault?: backup.IBackupVault;

  /** The selection of the cluster's ARN into the plan. */
  readonly selection: backup.BackupSelection;
}
