/**
 * The README's first command: synthesize the example app into examples/cdk.out and print a short summary
 * of what it built (resources, the cluster's policy statements, outputs), then the access report the library
 * wrote next to the templates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExampleApp } from './app';

const outdir = path.join(__dirname, 'cdk.out');
const assembly = buildExampleApp(new App({ outdir })).synth();

function describeCondition(condition: Record<string, Record<string, unknown>> | undefined): string {
  if (!condition) return 'always';
  return Object.entries(condition)
    .map(([op, keys]) => Object.entries(keys).map(([k, v]) => `${op} ${k} ${show(v)}`).join(' AND '))
    .join(' AND ');
}

/** Compact text of a value, with CloudFormation references shown as <Ref X> / <X.Attr>. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if ('Ref' in v) return `<Ref ${v.Ref}>`;
      if ('Fn::GetAtt' in v) return `<${[v['Fn::GetAtt']].flat().join('.')}>`;
    }
    return v;
  }).replace(/"/g, '');
}

for (const stack of assembly.stacks) {
  const template = stack.template;
  const resources: Record<string, any> = template.Resources ?? {};
  console.log(`Stack ${stack.stackName} (${stack.environment.account}/${stack.environment.region}) -> ${path.relative(process.cwd(), stack.templateFullPath)}`);

  const counts = new Map<string, number>();
  for (const r of Object.values(resources)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  console.log(`  ${Object.keys(resources).length} resources:`);
  for (const [type, n] of [...counts.entries()].sort()) console.log(`    ${n} x ${type}`);

  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::DSQL::Cluster') continue;
    const p = r.Properties ?? {};
    console.log(`  Cluster ${id}: deletion protection ${p.DeletionProtectionEnabled}, removal ${r.DeletionPolicy ?? 'Delete'}, `
      + `key ${p.KmsEncryptionKey ? 'customer-managed' : 'AWS-owned'}${p.MultiRegionProperties ? `, witness ${p.MultiRegionProperties.WitnessRegion}` : ''}`);
    const doc = p.PolicyDocument;
    if (!doc) {
      console.log('    resource policy: none');
      continue;
    }
    // Tokens in the policy are an Fn::Join; show its literal parts with the tokens as <ref>.
    const text = typeof doc === 'string' ? doc : (doc['Fn::Join'][1] as any[]).map((x) => (typeof x === 'string' ? x : '"<ref>"')).join('');
    const policy = JSON.parse(text.replace(/""<ref>""/g, '"<ref>"'));
    console.log(`    resource policy (${text.length} characters):`);
    for (const st of policy.Statement) {
      console.log(`      ${st.Effect} ${show(st.Action)} ${st.Sid ? `[${st.Sid}] ` : ''}when ${describeCondition(st.Condition)}`);
    }
  }

  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const statements = r.Properties.PolicyDocument.Statement as any[];
    const dsql = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('dsql:')));
    for (const st of dsql) console.log(`  ${r.Type.split('::')[2]} ${id}: ${st.Effect} ${show(st.Action)}${st.Condition ? ` when ${describeCondition(st.Condition)}` : ''}`);
  }

  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::EC2::VPCEndpoint') continue;
    const p = r.Properties;
    const ingress = Object.values(resources).filter((x: any) => x.Type === 'AWS::EC2::SecurityGroupIngress'
      && show(x.Properties.GroupId) === show(p.SecurityGroupIds?.[0]));
    console.log(`  Endpoint ${id}: ${show(p.ServiceName)}, private DNS ${p.PrivateDnsEnabled}, ${p.SubnetIds.length} subnets, `
      + `ingress ${ingress.map((x: any) => `${x.Properties.FromPort}/tcp from ${show(x.Properties.SourceSecurityGroupId ?? x.Properties.CidrIp)}`).join(', ') || 'none'}`);
    for (const st of p.PolicyDocument?.Statement ?? []) {
      console.log(`    endpoint policy: ${st.Effect} ${show(st.Action)} on ${show(st.Resource)}${st.Condition ? ` when ${describeCondition(st.Condition)}` : ''}`);
    }
  }

  const outputs = Object.keys(template.Outputs ?? {});
  console.log(`  outputs: ${outputs.join(', ') || 'none'}`);
}

// The access report the library writes next to the templates: who can connect from where, every layer
// evaluated together (see README "Access report").
const report = path.join(assembly.directory, 'dsql-access-report.md');
console.log(`\nAccess report (${path.relative(process.cwd(), report)}):\n`);
console.log(fs.readFileSync(report, 'utf-8'));
