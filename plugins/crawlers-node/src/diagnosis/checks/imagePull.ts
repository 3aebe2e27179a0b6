/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersFinding,
  CrawlersFindingEvidence,
} from '@crawler-platform/plugin-crawlers-common';
import {
  evidence,
  found,
  logLines,
  podObject,
  taskLogObject,
  unknown,
} from '../common';
import {
  accountOf,
  policyWithout,
  repositoryEcrVerdict,
  RepositoryEcrVerdict,
  roleEcrVerdict,
  RoleEcrVerdict,
} from '../iamPolicy';
import {
  classifyPullError,
  hostInMessage,
  imageInMessage,
  isPullFailure,
  parseEcrHost,
  parseImage,
  PullFailureKind,
  podEventsInLog,
  startFailureIn,
} from '../text';
import type {
  DiagnosisCheck,
  DiagnosisInput,
  DiagnosisPod,
  DiagnosisRepositoryPolicy,
  DiagnosisRolePolicies,
} from '../types';
import { crawlerProfiles, roleNameOf } from './fargate';

/**
 * A failed image pull, from a live pod (status, events) or from the task log of a failed try.
 *
 * @public
 */
export interface ImagePullFailure {
  kind: PullFailureKind;
  image: string | null;
  /** The registry host (from the image, else from the message). */
  host: string | null;
  /** Set for an ECR image: where its repository is. */
  ecr: { registryId: string; region: string; repositoryName: string } | null;
  dagId: string | null;
  /** The pod that shows it now; null when only a task log does. */
  pod: DiagnosisPod | null;
  /** The Fargate profile that placed the pod (its label), when known. */
  profile: string | null;
  message: string;
  evidence: CrawlersFindingEvidence[];
}

const PULL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff']);

function locate(image: string | null, message: string) {
  const parsed = image ? parseImage(image) : null;
  const host = parsed?.host ?? hostInMessage(message);
  const ecrHost = host ? parseEcrHost(host) : null;
  let repositoryName = parsed?.repository ?? null;
  if (!repositoryName) {
    repositoryName =
      /\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(message)?.[1] ?? null;
  }
  return {
    host,
    ecr: ecrHost && repositoryName ? { ...ecrHost, repositoryName } : null,
  };
}

function fromPods(input: DiagnosisInput): ImagePullFailure[] {
  const failures: ImagePullFailure[] = [];
  for (const pod of input.pods ?? []) {
    for (const c of pod.containers) {
      if (c.state !== 'waiting' || !c.reason || !PULL_WAITING.has(c.reason)) {
        continue;
      }
      const field = `${c.init ? 'initContainers' : 'containers'}{${c.name}}`;
      const events = pod.events.filter(
        e =>
          e.type === 'Warning' &&
          e.reason === 'Failed' &&
          (e.fieldPath ?? '').endsWith(field) &&
          /Failed to pull image/.test(e.message ?? ''),
      );
      const texts = [c.message ?? '', ...events.map(e => e.message ?? '')];
      const kinds = texts.map(classifyPullError);
      const kind =
        kinds.find(k => k === 'forbidden') ??
        kinds.find(k => k !== 'other') ??
        'other';
      const message =
        texts.find(t => classifyPullError(t) === kind) ?? texts[0];
      const image = c.image ?? imageInMessage(message);
      failures.push({
        kind,
        image,
        ...locate(image, message),
        dagId: pod.dagId,
        pod,
        profile: pod.fargateProfile,
        message,
        evidence: [
          evidence(
            podObject(pod),
            `status.${c.init ? 'initContainerStatuses' : 'containerStatuses'}[${
              c.name
            }].state.waiting`,
            `${c.reason}: ${c.message ?? ''}`,
          ),
          ...events
            .slice(0, 1)
            .map(e =>
              evidence(
                podObject(pod),
                `event ${e.reason} from ${e.origin ?? 'unknown'}, ${
                  e.fieldPath ?? 'pod'
                }`,
                e.message ?? '',
              ),
            ),
        ],
      });
    }
  }
  return failures;
}

function fromTaskLogs(input: DiagnosisInput): ImagePullFailure[] {
  const failures: ImagePullFailure[] = [];
  for (const log of input.taskLogs ?? []) {
    const lines = logLines(log.lines);
    const start = startFailureIn(lines);
    const events = podEventsInLog(lines).filter(e => isPullFailure(e.message));
    const texts = [
      ...(start?.kind === 'image' ? [start.message ?? start.reason] : []),
      ...events.map(e => e.message),
    ];
    if (!texts.length) {
      continue;
    }
    const kinds = texts.map(classifyPullError);
    const kind =
      kinds.find(k => k === 'forbidden') ??
      kinds.find(k => k !== 'other') ??
      'other';
    const message = texts.find(t => classifyPullError(t) === kind) ?? texts[0];
    const image = texts.map(imageInMessage).find(Boolean) ?? null;
    const where =
      start?.kind === 'image'
        ? `task log: PodLaunchFailedException (${start.reason})`
        : 'task log: The Pod has an Event';
    failures.push({
      kind,
      image,
      ...locate(image, message),
      dagId: log.dagId,
      pod: null,
      profile: null,
      message,
      evidence: [
        evidence(
          taskLogObject(log),
          where,
          start?.kind === 'image'
            ? `Pod docker image cannot be pulled, unable to start: ${start.reason} ${message}`
            : message,
        ),
      ],
    });
  }
  return failures;
}

/**
 * Every failed image pull the input shows: live pods first, then task logs of failed tries.
 *
 * @public
 */
export function findImagePullFailures(
  input: DiagnosisInput,
): ImagePullFailure[] {
  return [...fromPods(input), ...fromTaskLogs(input)];
}

/**
 * The ECR repositories and pod execution roles whose policies explain the input's 403 pulls (what the collection
 * reads in a second step).
 *
 * @public
 */
export function ecrPullTargets(input: DiagnosisInput): {
  repositories: Array<{
    registryId: string;
    region: string;
    repositoryName: string;
  }>;
  roleArns: string[];
} {
  const failures = findImagePullFailures(input).filter(
    f => f.kind === 'forbidden' && f.ecr,
  );
  const repositories = new Map<
    string,
    { registryId: string; region: string; repositoryName: string }
  >();
  const roles = new Set<string>();
  for (const f of failures) {
    const e = f.ecr!;
    repositories.set(`${e.registryId}/${e.region}/${e.repositoryName}`, e);
    const role = roleFor(input, f);
    if (role) {
      roles.add(role);
    }
  }
  return { repositories: [...repositories.values()], roleArns: [...roles] };
}

/** The pod execution role of the profile that placed (or would place) the failing pod. */
function roleFor(input: DiagnosisInput, f: ImagePullFailure): string | null {
  if (f.pod && f.pod.kind === 'worker' && !f.profile) {
    // A worker on the node group pulls with the node's role, which the diagnosis does not read.
    return null;
  }
  const profiles = input.fargateProfiles ?? [];
  const named = f.profile
    ? profiles.find(p => p.name === f.profile)
    : undefined;
  const profile =
    named ?? crawlerProfiles(input, f.pod?.labels ?? undefined)[0];
  return profile?.podExecutionRoleArn ?? null;
}

const shell = (code: string) => ({ language: 'shell' as const, code });

/** What an ECR 403 is judged on: the repository, the pod execution role and what their policies say. */
interface EcrCase {
  f: ImagePullFailure;
  ecr: NonNullable<ImagePullFailure['ecr']>;
  image: string;
  repoArn: string;
  roleArn: string | null;
  roleName: string | null;
  role?: DiagnosisRolePolicies;
  repo?: DiagnosisRepositoryPolicy;
  roleVerdict: RoleEcrVerdict | null;
  repoVerdict: RepositoryEcrVerdict | null;
}

const ATTACH_FARGATE_POLICY = (role: string | null) =>
  `aws iam attach-role-policy --role-name ${role} \\\n  --policy-arn arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy`;

function ecrCase(input: DiagnosisInput, f: ImagePullFailure): EcrCase {
  const ecr = f.ecr!;
  const repoArn = `arn:aws:ecr:${ecr.region}:${ecr.registryId}:repository/${ecr.repositoryName}`;
  const roleArn = roleFor(input, f);
  const role = roleArn
    ? input.podExecutionRoles?.find(r => r.roleArn === roleArn)
    : undefined;
  const repo = input.repositoryPolicies?.find(
    r =>
      r.registryId === ecr.registryId &&
      r.region === ecr.region &&
      r.repositoryName === ecr.repositoryName,
  );
  return {
    f,
    ecr,
    image: f.image ?? `${ecr.registryId}.dkr.ecr.${ecr.region}…`,
    repoArn,
    roleArn,
    roleName: roleArn ? roleNameOf(roleArn) : null,
    role,
    repo,
    roleVerdict: role ? roleEcrVerdict(role, repoArn) : null,
    repoVerdict:
      repo && roleArn
        ? repositoryEcrVerdict(repo.policy, roleArn, repoArn)
        : null,
  };
}

function ecrBase(k: EcrCase) {
  return {
    id: 'image-pull-403' as const,
    severity: 'error' as const,
    dagIds: k.f.dagId ? [k.f.dagId] : [],
  };
}

/** The pod execution role lacks ECR read, or an inline policy denies it. */
function roleFinding(k: EcrCase): CrawlersFinding {
  const verdict = k.roleVerdict as Extract<
    RoleEcrVerdict,
    { verdict: 'missing' | 'denied' }
  >;
  const denied = verdict.verdict === 'denied' ? verdict.by : null;
  return {
    ...ecrBase(k),
    variant: 'ecr-pod-execution-role',
    title: `Image ${k.image} cannot be pulled: the Fargate pod execution role ${k.roleName} lacks ECR read (403)`,
    summary: `Fargate pulls ECR images with the profile's pod execution role, not with imagePullSecrets; ${
      denied
        ? `an inline policy of ${k.roleName} denies the pull`
        : `${k.roleName} has no policy that allows the pull`
    }.`,
    evidence: [
      ...k.f.evidence,
      evidence(
        `IAM role ${k.roleName}`,
        denied
          ? `inline policy ${denied.policy}${
              denied.sid ? `, statement ${denied.sid}` : ''
            }`
          : 'attached and inline policies',
        denied
          ? `Deny of ecr:BatchGetImage / ecr:GetDownloadUrlForLayer on ${k.repoArn}`
          : `attached: ${
              k.role!.attached.map(p => p.name).join(', ') || 'none'
            }; inline: ${
              k.role!.inline.map(p => p.name).join(', ') || 'none'
            }; none allows ecr:BatchGetImage and ecr:GetDownloadUrlForLayer`,
      ),
    ],
    fix: {
      text: denied
        ? `Remove the Deny from the inline policy ${denied.policy} of ${k.roleName} (or delete that policy), and keep AmazonEKSFargatePodExecutionRolePolicy attached.`
        : `Attach AmazonEKSFargatePodExecutionRolePolicy (ECR read) to the pod execution role ${k.roleName}.`,
      snippet: shell(
        denied
          ? `aws iam delete-role-policy --role-name ${
              k.roleName
            } --policy-name ${denied.policy}\n${ATTACH_FARGATE_POLICY(
              k.roleName,
            )}`
          : ATTACH_FARGATE_POLICY(k.roleName),
      ),
    },
  };
}

/** The repository policy denies the role. */
function repositoryFinding(k: EcrCase): CrawlersFinding {
  const { ecr } = k;
  const sid = (k.repoVerdict as Extract<RepositoryEcrVerdict, { by: unknown }>)
    .by.sid;
  const rest = policyWithout(k.repo!.policy!, sid);
  const empty = /"Statement": \[\]/.test(rest);
  const where = `--region ${ecr.region} --registry-id ${ecr.registryId} \\\n  --repository-name ${ecr.repositoryName}`;
  return {
    ...ecrBase(k),
    variant: 'ecr-repository-policy',
    title: `Image ${k.image} cannot be pulled: the repository policy of ${ecr.repositoryName} denies the pod execution role ${k.roleName} (403)`,
    summary: `The role may read ECR, but the repository policy of ${
      ecr.repositoryName
    } denies it${sid ? ` (statement ${sid})` : ''}; an explicit Deny wins.`,
    evidence: [
      ...k.f.evidence,
      evidence(
        `ECR repository ${ecr.repositoryName}`,
        `repository policy${sid ? `, statement ${sid}` : ''}`,
        `Deny of ecr:BatchGetImage / ecr:GetDownloadUrlForLayer to ${k.roleArn}`,
      ),
    ],
    fix: {
      text: `Remove the Deny${
        sid ? ` statement ${sid}` : ''
      } from the repository policy of ${ecr.repositoryName}.`,
      snippet: shell(
        empty
          ? `aws ecr delete-repository-policy ${where}`
          : `cat > repository-policy.json <<'EOF'\n${rest}\nEOF\naws ecr set-repository-policy ${where} \\\n  --policy-text file://repository-policy.json`,
      ),
    },
  };
}

/** A pull across accounts that the repository policy does not allow. */
function crossAccountFinding(k: EcrCase): CrawlersFinding {
  const { ecr } = k;
  const roleArn = k.roleArn!;
  return {
    ...ecrBase(k),
    variant: 'ecr-cross-account',
    title: `Image ${k.image} cannot be pulled: account ${accountOf(
      roleArn,
    )} may not read repository ${ecr.repositoryName} of account ${
      ecr.registryId
    } (403)`,
    summary:
      'A pull across accounts needs the repository policy to allow the pod execution role as well as its own policies.',
    evidence: [
      ...k.f.evidence,
      evidence(
        `ECR repository ${ecr.repositoryName}`,
        'repository policy',
        k.repo?.policy
          ? `no statement allows ${roleArn} (another account) to pull`
          : 'no repository policy: other accounts may not pull',
      ),
    ],
    fix: {
      text: `Add a statement allowing ${k.roleName} to pull to the repository policy of ${ecr.repositoryName} in account ${ecr.registryId}.`,
      snippet: {
        language: 'json',
        code: JSON.stringify(
          {
            Sid: 'AllowFargatePull',
            Effect: 'Allow',
            Principal: { AWS: roleArn },
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          },
          null,
          2,
        ),
      },
    },
  };
}

/** A 403 whose cause the policies read do not show (unread policies, conditions, KMS, …). */
function unexplainedFinding(k: EcrCase): CrawlersFinding {
  const { ecr } = k;
  return {
    ...ecrBase(k),
    variant: 'ecr',
    title: `Image ${k.image} cannot be pulled from ECR (403)`,
    summary: `Fargate pulls ECR images with the profile's pod execution role${
      k.roleName ? ` (${k.roleName})` : ''
    }: it needs ECR read, and the repository policy must not deny it. ${
      k.roleVerdict?.verdict === 'unknown'
        ? `Its customer managed policies (${k.roleVerdict.customerPolicies.join(
            ', ',
          )}) were not read.`
        : 'Its policies could not all be read.'
    }`,
    evidence: k.f.evidence,
    fix: {
      text: `Check that the pod execution role${
        k.roleName ? ` ${k.roleName}` : ''
      } has AmazonEKSFargatePodExecutionRolePolicy and that the repository policy of ${
        ecr.repositoryName
      } does not deny it.`,
      snippet: shell(
        `aws iam list-attached-role-policies --role-name ${
          k.roleName ?? '<pod execution role>'
        }\naws ecr get-repository-policy --region ${ecr.region} --registry-id ${
          ecr.registryId
        } --repository-name ${ecr.repositoryName}`,
      ),
    },
  };
}

/** An ECR 403 explained by the policies read now; null when they allow the pull and only an earlier try failed. */
function ecrFinding(
  input: DiagnosisInput,
  f: ImagePullFailure,
): CrawlersFinding | null {
  const k = ecrCase(input, f);
  if (
    k.roleVerdict?.verdict === 'missing' ||
    k.roleVerdict?.verdict === 'denied'
  ) {
    return roleFinding(k);
  }
  if (k.repoVerdict?.verdict === 'denied') {
    return repositoryFinding(k);
  }
  if (
    k.roleArn &&
    accountOf(k.roleArn) !== k.ecr.registryId &&
    k.repo &&
    k.repoVerdict?.verdict !== 'allowed'
  ) {
    return crossAccountFinding(k);
  }
  if (!f.pod && k.roleVerdict?.verdict === 'allowed' && k.repoVerdict) {
    // Only a failed try's log shows it, and the policies read now allow the pull: fixed since.
    return null;
  }
  return unexplainedFinding(k);
}

function otherRegistryFinding(f: ImagePullFailure): CrawlersFinding {
  const ns = f.pod?.namespace ?? '<crawler namespace>';
  const secrets = f.pod?.imagePullSecrets ?? [];
  const evidenceOf = [...f.evidence];
  if (f.pod) {
    evidenceOf.push(
      evidence(
        podObject(f.pod),
        'spec.imagePullSecrets',
        secrets.length ? secrets.join(', ') : 'none',
      ),
    );
  }
  return {
    id: 'image-pull-403',
    severity: 'error',
    variant: 'pull-secret',
    dagIds: f.dagId ? [f.dagId] : [],
    title: `Image ${f.image ?? f.host ?? ''} cannot be pulled from ${
      f.host ?? 'its registry'
    } (403): ${
      secrets.length
        ? `the pull secret ${secrets.join(', ')} is refused`
        : 'the pod has no imagePullSecrets'
    }`,
    summary:
      'A registry other than ECR needs a registry secret in the pod’s namespace, passed as image_pull_secrets (KubernetesPodOperator) or in the worker pod template.',
    evidence: evidenceOf,
    fix: {
      text: `Create a docker-registry secret in ${ns} and pass it to the operator as image_pull_secrets (or add it to the pod template's imagePullSecrets).`,
      snippet: shell(
        `kubectl create secret docker-registry regcred --namespace ${ns} \\\n  --docker-server=${
          f.host ?? '<registry>'
        } --docker-username=<user> --docker-password=<token>\n# in the DAG:\n#   KubernetesPodOperator(..., image_pull_secrets=[k8s.V1LocalObjectReference("regcred")])`,
      ),
    },
  };
}

function notFoundFinding(f: ImagePullFailure): CrawlersFinding {
  const repo = f.ecr;
  return {
    id: 'image-pull-403',
    severity: 'error',
    variant: 'not-found',
    dagIds: f.dagId ? [f.dagId] : [],
    title: `Image ${f.image ?? ''} cannot be pulled: not found`,
    summary:
      'The registry has no image with this name and tag: the tag was never pushed, or the DAG names the wrong one.',
    evidence: f.evidence,
    fix: {
      text: 'Push the image with this tag, or point the DAG at a tag that exists.',
      snippet: shell(
        repo
          ? `aws ecr describe-images --region ${repo.region} --registry-id ${
              repo.registryId
            } --repository-name ${
              repo.repositoryName
            } \\\n  --image-ids imageTag=${
              parseImage(f.image ?? 'x').tag ?? 'latest'
            }`
          : `docker manifest inspect ${f.image ?? '<image>'}`,
      ),
    },
  };
}

/**
 * `image-pull-403` (§8, §9 row 1): an image cannot be pulled. A 403 from ECR is explained by the Fargate profile's pod
 * execution role (no ECR read, or an inline Deny), the repository policy (a Deny) or a cross-account pull without the
 * repository's consent; a 403 from another registry by the missing pull secret. "Not found" is reported here too. A
 * task log's 403 from an earlier try counts only while the policies read now still explain it. Timeouts belong to
 * `no-nat-egress`.
 */
export const checkImagePull403: DiagnosisCheck = input => {
  if (!input.pods && !input.taskLogs) {
    return unknown(
      'image-pull-403',
      `${input.unavailable.pods ?? 'pods could not be read'}; ${
        input.unavailable.taskLogs ?? 'task logs could not be read'
      }`,
    );
  }
  const findings: CrawlersFinding[] = [];
  const seen = new Map<string, CrawlersFinding>();
  for (const f of findImagePullFailures(input)) {
    let finding: CrawlersFinding | null = null;
    if (f.kind === 'forbidden') {
      finding = f.ecr ? ecrFinding(input, f) : otherRegistryFinding(f);
    } else if (f.kind === 'not-found') {
      finding = notFoundFinding(f);
    }
    if (!finding) continue;
    const key = `${finding.variant}|${finding.title}`;
    const same = seen.get(key);
    if (same) {
      // The same cause seen again (another pod, the task log): one finding with both pieces of evidence.
      same.evidence.push(...finding.evidence.slice(0, 1));
      same.dagIds = [...new Set([...same.dagIds, ...finding.dagIds])];
      continue;
    }
    seen.set(key, finding);
    findings.push(finding);
  }
  return found('image-pull-403', findings);
};
