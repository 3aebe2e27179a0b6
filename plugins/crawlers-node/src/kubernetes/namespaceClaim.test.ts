/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { checkNamespaceClaim } from './namespaceClaim';

const SHOP = 'component:default/shop-crawler';

function namespace(annotations?: Record<string, string>) {
  return { metadata: { name: 'shop', annotations } };
}

describe('checkNamespaceClaim', () => {
  it('should hold when the namespace names the entity', () => {
    expect(
      checkNamespaceClaim(
        namespace({ 'crawler-platform.io/entity': SHOP }),
        SHOP,
        'shop',
      ),
    ).toEqual({ namespace: 'shop', holds: true });
  });

  it('should compare entity refs case-insensitively and ignore surrounding spaces', () => {
    expect(
      checkNamespaceClaim(
        namespace({
          'crawler-platform.io/entity': ' Component:Default/Shop-Crawler ',
        }),
        SHOP,
        'shop',
      ).holds,
    ).toBe(true);
  });

  it('should refuse a namespace without the annotation, giving the YAML to add', () => {
    const claim = checkNamespaceClaim(namespace(), SHOP, 'shop');
    expect(claim.holds).toBe(false);
    expect(claim.reason).toContain(
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        '  name: shop',
        '  annotations:',
        `    crawler-platform.io/entity: ${SHOP}`,
      ].join('\n'),
    );
    expect(claim.reason).toContain(
      `kubectl annotate namespace shop crawler-platform.io/entity=${SHOP}`,
    );
  });

  it('should refuse a namespace that names another entity and say which', () => {
    const claim = checkNamespaceClaim(
      namespace({ 'crawler-platform.io/entity': 'component:default/other' }),
      SHOP,
      'shop',
    );
    expect(claim.holds).toBe(false);
    expect(claim.reason).toContain('It names "component:default/other"');
  });

  it('should not accept a ref that only starts with the entity ref', () => {
    expect(
      checkNamespaceClaim(
        namespace({ 'crawler-platform.io/entity': `${SHOP}-evil` }),
        SHOP,
        'shop',
      ).holds,
    ).toBe(false);
  });

  it('should refuse a namespace that does not exist, saying to create it', () => {
    const claim = checkNamespaceClaim(undefined, SHOP, 'shop');
    expect(claim).toMatchObject({ namespace: 'shop', holds: false });
    expect(claim.reason).toContain('does not exist');
    expect(claim.reason).toContain(`crawler-platform.io/entity: ${SHOP}`);
  });
});
