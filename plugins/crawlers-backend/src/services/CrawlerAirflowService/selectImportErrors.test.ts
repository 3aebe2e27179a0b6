/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersDag,
  CrawlersImportError,
} from '@crawler-platform/plugin-crawlers-common';
import { selectImportErrors } from './createCrawlerAirflowService';

const importError = (filename: string): CrawlersImportError => ({
  id: 1,
  filename,
  timestamp: null,
  stackTrace: '',
  bundleName: null,
});

const dag = (fileloc: string) => ({ fileloc } as CrawlersDag);

describe('selectImportErrors', () => {
  it('should keep errors of a file that holds one of the DAGs', () => {
    const errors = [
      importError('/dags/repo/shop.py'),
      importError('/dags/repo/other.py'),
    ];
    expect(
      selectImportErrors(
        errors,
        ['shop-products'],
        [dag('/dags/repo/shop.py')],
      ),
    ).toEqual([errors[0]]);
  });

  it('should match Airflow 3 bundle-relative file names to the fileloc', () => {
    const errors = [importError('dags/shop.py')];
    expect(
      selectImportErrors(
        errors,
        ['x'],
        [dag('/opt/airflow/dags/repo/dags/shop.py')],
      ),
    ).toEqual(errors);
  });

  it('should match a file named after a DAG that never parsed, with - or _', () => {
    const errors = [
      importError('/dags/shop_prices.py'),
      importError('/dags/news.py'),
    ];
    expect(selectImportErrors(errors, ['shop-prices'], [null])).toEqual([
      errors[0],
    ]);
  });

  it('should drop errors of unrelated files', () => {
    expect(
      selectImportErrors(
        [importError('/dags/shop_products_v2.py')],
        ['shop-products'],
        [null],
      ),
    ).toEqual([]);
  });
});
