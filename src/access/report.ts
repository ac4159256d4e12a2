/**
 * The access report: who can connect to which cluster, from where, as JSON (a contract: version 1) and as
 * Markdown, written into the cloud assembly directory at synth.
 */
import type { Finding } from './checks';
import type { ClusterVerdict, Placement, RouteVerdict } from './model';
import { show } from '../private/policy/values';

export const REPORT_JSON = 'dsql-access-report.json';
export const REPORT_MARKDOWN = 'dsql-access-report.md';

export interface ReportStats {
  /** Milliseconds the analysis took (collect, evaluate, check). */
  readonly analysisMs: number;
  /** Constructs visited. */
  readonly constructs: number;
}

function placementJson(p: Placement): Record<string, unknown> {
  switch (p.kind) {
    case 'outside-vpc': return { kind: 'outside-vpc', via: p.via };
    case 'vpc': return { kind: 'vpc', via: p.via, vpc: p.vpc ? show(p.vpc) : undefined, subnets: p.subnets.length, securityGroups: p.securityGroups.map(show) };
    case 'unknown': return { kind: 'unknown', reason: p.reason };
  }
}

function routeJson(r: RouteVerdict): Record<string, unknown> {
  return {
    via: r.via,
    allowed: r.allowed,
    deniedBy: r.deniedBy,
    unknown: r.unknown,
    unknownLayers: r.unknownLayers,
    reasons: r.reasons,
  };
}

/** The JSON report. */
export function renderJson(verdicts: ClusterVerdict[], findings: Finding[], stats: ReportStats): Record<string, unknown> {
  return {
    version: 1,
    clusters: verdicts.map((cv) => ({
      path: cv.cluster.path,
      imported: cv.cluster.imported,
      auditedBy: cv.cluster.auditedBy,
      clients: cv.clients.map((v) => ({
        path: v.client.path,
        actions: v.client.actions,
        kinds: v.client.kinds,
        declaredBy: v.client.declaredBy,
        placement: placementJson(v.client.placement),
        routes: v.routes.map(routeJson),
      })),
    })),
    findings: findings.map((f) => ({ level: f.level, id: f.id, path: f.path, layer: f.layer, message: f.message })),
    stats,
  };
}

function cell(r: RouteVerdict): string {
  if (r.allowed) return 'allowed';
  if (r.unknown) return `unknown (${r.unknownLayers.join(', ')})`;
  return `**denied** (${r.deniedBy.join(', ')})`;
}

function placementText(p: Placement): string {
  switch (p.kind) {
    case 'outside-vpc': return 'outside any VPC';
    case 'vpc': return `VPC, ${p.subnets.length} subnet${p.subnets.length === 1 ? '' : 's'}`;
    case 'unknown': return 'unknown';
  }
}

const escape = (s: string) => s.replace(/\|/g, '\\|');

/** The Markdown report: one table per cluster, then the reasons and the findings. */
export function renderMarkdown(verdicts: ClusterVerdict[], findings: Finding[]): string {
  const lines: string[] = [
    '# Aurora DSQL access report',
    '',
    'Who can connect to which cluster, and from where, as this app declares it: every layer (identity policy, cluster policy,',
    'endpoint policy, security groups, network ACLs, where the client runs) evaluated together at synth by secure-dsql.',
    '"unknown" means the app does not say (a value decided at deploy time, a principal or network defined elsewhere): it is never counted as allowed.',
    '',
  ];
  if (verdicts.length === 0) lines.push('No Aurora DSQL cluster in this app.', '');
  for (const cv of verdicts) {
    const routes = [...new Set(cv.clients.flatMap((v) => v.routes.map((r) => r.via)))];
    lines.push(`## ${cv.cluster.imported ? 'Imported cluster' : 'Cluster'} \`${cv.cluster.path}\``, '');
    lines.push(cv.cluster.auditedBy.length > 0
      ? `Connection attempts recorded by ${cv.cluster.auditedBy.map((a) => `\`${escape(a)}\``).join(', ')}.`
      : 'Connection attempts recorded by no trail or event data store of this app.', '');
    if (cv.clients.length === 0) {
      lines.push('No declared client.', '');
      continue;
    }
    lines.push(`| client | actions | runs | ${routes.map((r) => (r === 'internet' ? 'internet' : `\`${escape(r)}\``)).join(' | ')} |`);
    lines.push(`| --- | --- | --- | ${routes.map(() => '---').join(' | ')} |`);
    for (const v of cv.clients) {
      lines.push(`| \`${escape(v.client.path)}\` (${v.client.kinds.join(', ')}) | ${v.client.actions.join(', ')} | ${placementText(v.client.placement)} | `
        + `${routes.map((via) => v.routes.find((r) => r.via === via)).map((r) => (r ? cell(r) : '—')).join(' | ')} |`);
    }
    lines.push('');
    const reasons = cv.clients.flatMap((v) => v.routes.filter((r) => !r.allowed).map((r) => ({ v, r })));
    if (reasons.length > 0) {
      lines.push('<details><summary>Why</summary>', '');
      for (const { v, r } of reasons) {
        lines.push(`- \`${v.client.path}\` via ${r.via === 'internet' ? 'internet' : `\`${r.via}\``}:`);
        for (const reason of r.reasons) lines.push(`  - ${reason}`);
      }
      lines.push('', '</details>', '');
    }
  }
  if (findings.length > 0) {
    lines.push('## Findings', '');
    for (const f of findings) lines.push(`- **${f.level}** ${f.level === 'warning' ? `\`${f.id}\` ` : ''}${f.message}`);
    lines.push('');
  }
  return lines.join('\n');
}
