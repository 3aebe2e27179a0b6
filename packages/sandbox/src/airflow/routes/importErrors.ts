/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import express, { Request, Response, Router } from 'express';
import { likeToRegExp } from '../params';
import { ImportErrorRecord } from '../types';
import { ApiContext } from './context';

function listImportErrors(api: ApiContext, req: Request, res: Response) {
  const q = api.query(req);
  const { limit, offset } = api.page(q);
  const filenamePattern = api.dialect.importErrorFilenamePattern(q);
  const cmp = api.orderBy<ImportErrorRecord>(
    q,
    api.dialect.importErrorDefaultOrder,
    {
      id: e => e.id,
      import_error_id: e => e.id,
      timestamp: e => e.timestamp,
      filename: e => e.filename,
    },
  );
  q.done();
  const pattern = filenamePattern
    ? likeToRegExp(`%${filenamePattern}%`)
    : undefined;
  const selected = [...api.instance.importErrors.values()]
    .filter(e => !pattern || pattern.test(e.relativeFilename))
    .sort(cmp);
  api.send(res, 200, {
    import_errors: selected
      .slice(offset, offset + limit)
      .map(e => api.ser.importError(e)),
    total_entries: selected.length,
  });
}

function getImportError(api: ApiContext, req: Request, res: Response) {
  const idText = req.params.id;
  if (!/^\d+$/.test(idText)) {
    api.reject([
      {
        type: 'int_parsing',
        loc: ['path', 'import_error_id'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: idText,
        v1: `'${idText}' is not of type 'integer' - 'import_error_id'`,
      },
    ]);
  }
  const id = Number(idText);
  const found = [...api.instance.importErrors.values()].find(e => e.id === id);
  if (!found) throw api.dialect.importErrorNotFound(id);
  api.send(res, 200, api.ser.importError(found));
}

/** `GET /importErrors` (v2 `filename_pattern`) and `GET /importErrors/{id}`. */
export function importErrorRoutes(api: ApiContext): Router {
  const router = express.Router();
  router.get(
    '/importErrors',
    api.wrap((req, res) => listImportErrors(api, req, res)),
  );
  router.get(
    '/importErrors/:id',
    api.wrap((req, res) => getImportError(api, req, res)),
  );
  return router;
}
