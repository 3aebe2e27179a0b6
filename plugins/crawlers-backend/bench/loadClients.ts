/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { Worker } from 'node:worker_threads';

/**
 * The concurrent clients, in a worker thread: each sends GET `url` again as soon as its previous answer has arrived,
 * until `seconds` have passed. They run apart from the backend's event loop, as browsers would, so that the backend's
 * throughput is not shared with 200 HTTP clients (on a 2-core machine the worker still competes for CPU).
 */
const CLIENTS_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, authorization, clients, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 10 });
const get = () =>
  new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization } }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
  });
(async () => {
  let requests = 0;
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const status = await get();
        requests++;
        if (status !== 200) failures++;
      }
    }),
  );
  agent.destroy();
  parentPort.postMessage({ requests, failures });
})().catch(error => parentPort.postMessage({ error: String(error) }));
`;

/** Runs the clients; resolves with the answered requests and the non-200 ones among them. */
export function runClients(options: {
  url: string;
  authorization: string;
  clients: number;
  seconds: number;
}): Promise<{ requests: number; failures: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENTS_SOURCE, {
      eval: true,
      workerData: options,
    });
    worker.once('message', message => {
      void worker.terminate();
      if (message.error) {
        reject(new Error(message.error));
      } else {
        resolve(message);
      }
    });
    worker.once('error', reject);
  });
}
