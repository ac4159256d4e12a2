import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import type { DsqlBackupPlanOptions, IDsqlBackupPlan } from './backup-ref';
import type { IDsqlCluster } from './cluster-ref';
import { fail } from './private/errors';
import { acknowledgeNagRules } from './private/nag';
import { PropRule, checkPropShape, listRule } from './private/prop-shape';
import { WARNING_IDS } from './private/warnings';

/**
 * Properties of DsqlBackupPlan.
 */
export interface DsqlBackupPlanProps extends DsqlBackupPlanOptions {
  /** The cluster to protect. */
  readonly cluster: IDsqlCluster;
}

/** The id of the warning that the account's Region opt-in to Aurora DSQL in AWS Backup is required. */
export const BACKUP_OPT_IN_WARNING = WARNING_IDS.backupOptIn;

/** The shape of the props (src/private/prop-shape.ts): what a JavaScript or jsii caller may get wrong. */
const BACKUP_PLAN_SHAPE: PropRule[] = [
  { path: 'cluster', kind: 'object', required: true, fix: 'Give the cluster to protect, or use cluster.addBackupPlan(id, options).' },
  listRule('rules', 'Give rules as a list of backup.BackupPlanRule, or leave it out for a daily backup kept 35 days.', false, 'object'),
  { path: 'allowRestores', kind: 'boolean', fix: 'Give true or false, or leave it out.' },
];

/**
 * An Aurora DSQL cluster protected by AWS Backup: the cluster's ARN selected into a given backup plan, or
 * into a new plan whose vault is encrypted with your key when you give one.
 *
 * AWS Backup cluster backups of Aurora DSQL are full backups, one per Region: for a multi-Region cluster,
 * protect each Region's cluster (AWS Backup Developer Guide, "Amazon Aurora DSQL backups"). The account's
 * Region opt-in to Aurora DSQL is not a CloudFormation resource; a warning says so at synth.
 */
export class DsqlBackupPlan extends Construct implements IDsqlBackupPlan {
  public readonly backupPlan: backup.IBackupPlan;
  public readonly backupVault?: backup.IBackupVault;
  public readonly selection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: DsqlBackupPlanProps) {
    super(scope, id);
    checkPropShape(this, props, BACKUP_PLAN_SHAPE);
    const cluster = props.cluster;
    const region = Stack.of(this).region;
    this.sameRegion('cluster', cluster.node.path, cluster.env.region, region);

    if (props.backupPlan) {
      for (const [prop, value] of [['backupVault', props.backupVault], ['encryptionKey', props.encryptionKey], ['rules', props.rules]] as const) {
        if (value !== undefined) {
          fail(this, prop, Array.isArray(value) ? `${value.length} rules` : (value as Construct).node.path,
            'is given together with backupPlan, whose vault and rules are its own',
            `Leave ${prop} out to use the plan as it is, or leave backupPlan out to create a plan with them.`);
        }
      }
      this.sameRegion('backupPlan', props.backupPlan.node.path, props.backupPlan.env.region, region);
      this.backupPlan = props.backupPlan;
    } else {
      if (props.backupVault && props.encryptionKey) {
        fail(this, 'encryptionKey', props.encryptionKey.node.path, 'is given together with backupVault, whose key was fixed when it was created',
          'Leave encryptionKey out to use the vault, or leave backupVault out to create a vault encrypted with the key.');
      }
      if (props.rules !== undefined && props.rules.length === 0) {
        fail(this, 'rules', [], 'is an empty list, so the plan would never back anything up',
          'Leave rules out for a daily backup kept 35 days, or give at least one backup.BackupPlanRule.');
      }
      if (props.backupVault) this.sameRegion('backupVault', props.backupVault.node.path, props.backupVault.env.region, region);
      if (props.encryptionKey) this.sameRegion('encryptionKey', props.encryptionKey.node.path, props.encryptionKey.env.region, region);
      this.backupVault = props.backupVault ?? new backup.BackupVault(this, 'Vault', {
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.backupPlan = new backup.BackupPlan(this, 'Plan', {
        backupVault: this.backupVault,
        backupPlanRules: props.rules ?? [backup.BackupPlanRule.daily()],
      });
    }

    this.selection = new backup.BackupSelection(this, 'Selection', {
      backupPlan: this.backupPlan,
      resources: [backup.BackupResource.fromArn(cluster.clusterArn)],
      role: props.role,
      allowRestores: props.allowRestores ?? false,
    });

    const role = this.selection.node.tryFindChild('Role');
    if (!props.role && role) {
      const managed = ['AWSBackupServiceRolePolicyForBackup', ...(props.allowRestores ? ['AWSBackupServiceRolePolicyForRestores'] : [])];
      acknowledgeNagRules(role, [{
        id: 'AwsSolutions-IAM4',
        reason: 'The service role AWS Backup assumes for this selection: AWS Backup documents its AWS managed service-role policies '
          + 'as the permissions a backup (and restore) job needs across services; the role trusts backup.amazonaws.com only.',
        appliesTo: managed.map((name) => `Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`),
      }]);
    }

    Annotations.of(this).addWarningV2(BACKUP_OPT_IN_WARNING,
      `AWS Backup protects Aurora DSQL clusters only where the account opted in to Aurora DSQL in the Region (${Token.isUnresolved(region) ? 'the stack\'s Region' : region}). `
      + 'The opt-in is not a CloudFormation resource: run `aws backup update-region-settings --resource-type-opt-in-preference DSQL=true` '
      + 'once per account and Region (AWS Backup Developer Guide, "Service Opt-in"), then acknowledge this warning.');
  }

  private sameRegion(prop: string, what: string, theirs: string, ours: string): void {
    if (!Token.isUnresolved(theirs) && !Token.isUnresolved(ours) && theirs !== ours) {
      fail(this, prop, what, `is in Region ${theirs}, but the backup selection is made in ${ours}`,
        'AWS Backup selects resources of its own Region: protect the cluster from a stack in its Region, with a plan, vault and key there.');
    }
  }
}
