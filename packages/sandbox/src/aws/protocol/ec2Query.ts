/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';
import { wildcard } from '../iam/policy';
import { xmlEscape } from './awsQuery';

/** EC2's query protocol: `Name.N` lists and `Filter.N.Name` / `Filter.N.Value.M` filters, XML with `item` sets. */
export interface Ec2Filter {
  name: string;
  values: string[];
}

/** The values of a `Prefix.1`, `Prefix.2`, … list parameter. */
export function ec2List(params: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let n = 1; params.has(`${prefix}.${n}`); n++)
    out.push(params.get(`${prefix}.${n}`)!);
  return out;
}

export function ec2Filters(params: URLSearchParams): Ec2Filter[] {
  const filters: Ec2Filter[] = [];
  for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
    filters.push({
      name: params.get(`Filter.${n}.Name`)!,
      values: ec2List(params, `Filter.${n}.Value`),
    });
  }
  return filters;
}

/**
 * Keeps the items every filter matches (any of its values; `*` and `?` wildcards as EC2 allows). `tag:<key>` and
 * `tag-key` filters read the item's `tags`; other names must be in `supported` (else InvalidParameterValue).
 */
export function applyEc2Filters<T>(
  items: T[],
  filters: Ec2Filter[],
  supported: Record<string, (item: T) => string[]>,
): T[] {
  const tagKeyOf = (name: string) =>
    name.startsWith('tag:') ? name.slice(4) : undefined;
  const tagsOf = (item: T): Record<string, string> => (item as any).tags ?? {};
  const all: Record<string, (item: T) => string[]> = {
    'tag-key': item => Object.keys(tagsOf(item)),
    ...supported,
  };
  for (const f of filters) {
    if (!all[f.name] && !tagKeyOf(f.name)) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        `The filter '${f.name}' is invalid`,
      );
    }
  }
  return items.filter(item =>
    filters.every(f => {
      const tagKey = tagKeyOf(f.name);
      const values = tagKey
        ? [tagsOf(item)[tagKey]].filter(v => v !== undefined)
        : all[f.name](item);
      return values.some(v => f.values.some(p => filterMatch(p, v)));
    }),
  );
}

/** An EC2 filter value: `*` matches any run of characters, `?` one character. */
function filterMatch(pattern: string, value: string): boolean {
  return /[*?]/.test(pattern)
    ? wildcard(pattern, value, false)
    : pattern === value;
}

/** `<tagSet>` of a tag map. */
export function ec2Tags(tags: Record<string, string>): string {
  return `<tagSet>${Object.entries(tags)
    .map(
      ([k, v]) =>
        `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></item>`,
    )
    .join('')}</tagSet>`;
}

/** The scalar members of an object as XML elements (objects and undefined left out). */
export function ec2Fields(o: Record<string, unknown>): string {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('');
}

/** The EC2 response envelope. */
export function ec2Response(
  operation: string,
  namespace: string | undefined,
  requestId: string,
  inner: string,
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${namespace}"><requestId>${requestId}</requestId>${inner}</${operation}Response>`;
}

/** EC2 errors: `<Response><Errors><Error><Code>…`. */
export function ec2Error(err: AwsServiceError, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(
    err.code,
  )}</Code><Message>${xmlEscape(
    err.message,
  )}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

/** An action EC2 does not serve. */
export function unknownEc2Action(operation: string) {
  return new AwsServiceError(
    'InvalidAction',
    `The action ${operation} is not valid for this web service.`,
  );
}
