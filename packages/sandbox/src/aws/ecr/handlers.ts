/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { AwsServiceModule } from '../protocol/types';
import { page, toEpoch } from '../protocol/wire';
import { EcrImageRecord, EcrService } from './service';

function imageDetail(repo: string, registryId: string, image: EcrImageRecord) {
  return {
    registryId,
    repositoryName: repo,
    imageDigest: image.imageDigest,
    imageTags: image.imageTags,
    imageSizeInBytes: image.imageSizeInBytes,
    imagePushedAt: toEpoch(image.imagePushedAt),
    imageManifestMediaType:
      'application/vnd.docker.distribution.manifest.v2+json',
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
  };
}

/** DescribeImages' selection: the given image ids (each must exist), or a tag status filter. */
function selectImages(
  ecr: EcrService,
  registryId: string,
  repo: string,
  imageIds: Array<{ imageTag?: string; imageDigest?: string }> | undefined,
  tagStatus: string | undefined,
): EcrImageRecord[] {
  const images = ecr.images(repo);
  if (imageIds?.length) {
    return imageIds.map(id => {
      const found = images.find(im =>
        id.imageDigest
          ? im.imageDigest === id.imageDigest
          : im.imageTags.includes(id.imageTag ?? ''),
      );
      if (!found) {
        throw new AwsServiceError(
          'ImageNotFoundException',
          `The image with imageId {imageDigest:'${
            id.imageDigest ?? 'null'
          }', imageTag:'${
            id.imageTag ?? 'null'
          }'} does not exist within the repository with name '${repo}' in the registry with id '${registryId}'`,
        );
      }
      return found;
    });
  }
  if (tagStatus === 'TAGGED') {
    return images.filter(im => im.imageTags.length > 0);
  }
  if (tagStatus === 'UNTAGGED') {
    return images.filter(im => im.imageTags.length === 0);
  }
  return images;
}

/**
 * ECR over awsJson1_1: CreateRepository, DescribeRepositories, DescribeImages, ListImages, the repository policy
 * (SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy), the repository settings
 * (PutImageTagMutability, PutImageScanningConfiguration, PutLifecyclePolicy, GetLifecyclePolicy) and tags
 * (ListTagsForResource, TagResource).
 */
export function ecrModule(
  ecr: EcrService,
  registryId: string,
): AwsServiceModule {
  const repository = (name: string) => {
    const r = ecr.describe(name);
    return { ...r, createdAt: toEpoch(r.createdAt) };
  };
  return {
    service: 'ecr',
    protocol: 'awsJson1_1',
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    operations: {
      CreateRepository: ({ input: i }) => {
        ecr.createRepository(i.repositoryName, {
          imageTagMutability: i.imageTagMutability,
          imageTagMutabilityExclusionFilters:
            i.imageTagMutabilityExclusionFilters,
          imageScanningConfiguration: i.imageScanningConfiguration,
          tags: i.tags,
        });
        return { repository: repository(i.repositoryName) };
      },
      DescribeRepositories: ({ input: i }) => {
        if (i.repositoryNames && i.nextToken) {
          throw new AwsServiceError(
            'InvalidParameterException',
            'nextToken cannot be used together with repositoryNames.',
          );
        }
        const names: string[] = i.repositoryNames ?? ecr.list();
        const p = page(names, i.maxResults, i.nextToken, 100);
        return {
          repositories: p.items.map(repository),
          nextToken: p.nextToken,
        };
      },
      DescribeImages: ({ input: i }) => {
        const repo: string = i.repositoryName;
        const selected = selectImages(
          ecr,
          registryId,
          repo,
          i.imageIds,
          i.filter?.tagStatus,
        );
        const p = page(selected, i.maxResults, i.nextToken, 100);
        return {
          imageDetails: p.items.map(im => imageDetail(repo, registryId, im)),
          nextToken: p.nextToken,
        };
      },
      PutImageTagMutability: ({ input: i }) =>
        ecr.putImageTagMutability(
          i.repositoryName,
          i.imageTagMutability,
          i.imageTagMutabilityExclusionFilters,
        ),
      PutImageScanningConfiguration: ({ input: i }) =>
        ecr.putImageScanningConfiguration(
          i.repositoryName,
          i.imageScanningConfiguration,
        ),
      PutLifecyclePolicy: ({ input: i }) =>
        ecr.putLifecyclePolicy(i.repositoryName, i.lifecyclePolicyText),
      GetLifecyclePolicy: ({ input: i }) =>
        ecr.getLifecyclePolicy(i.repositoryName),
      ListTagsForResource: ({ input: i }) => ({
        tags: ecr.listTags(i.resourceArn),
      }),
      TagResource: ({ input: i }) => {
        ecr.tagResource(i.resourceArn, i.tags);
        return {};
      },
      SetRepositoryPolicy: ({ input: i }) =>
        ecr.setRepositoryPolicy(i.repositoryName, i.policyText),
      GetRepositoryPolicy: ({ input: i }) =>
        ecr.getRepositoryPolicy(i.repositoryName),
      DeleteRepositoryPolicy: ({ input: i }) =>
        ecr.deleteRepositoryPolicy(i.repositoryName),
      ListImages: ({ input: i }) => {
        const ids = ecr.images(i.repositoryName).flatMap(im =>
          im.imageTags.length
            ? im.imageTags.map(t => ({
                imageDigest: im.imageDigest,
                imageTag: t,
              }))
            : [{ imageDigest: im.imageDigest }],
        );
        const p = page(ids, i.maxResults, i.nextToken, 100);
        return { imageIds: p.items, nextToken: p.nextToken };
      },
    },
  };
}
