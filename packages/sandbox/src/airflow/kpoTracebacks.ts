/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The Python tracebacks of the KubernetesPodOperator's failures, frame by frame. Paths are those of the official
 * image (`/home/airflow/.local/lib/python3.12/site-packages`); line numbers are fixed values, not those of a
 * particular provider build.
 */

/** One exception of a (possibly chained) traceback: its frames and its `module.Class: message` text. */
export type PyException = { frames: string[]; error: string };

const SITE = '/home/airflow/.local/lib/python3.12/site-packages';
const POD_PY = `${SITE}/airflow/providers/cncf/kubernetes/operators/pod.py`;
const POD_MANAGER_PY = `${SITE}/airflow/providers/cncf/kubernetes/utils/pod_manager.py`;
const ASYNCIO = '/usr/local/lib/python3.12/asyncio';

function frame(file: string, line: number, fn: string, code: string) {
  return [`  File "${file}", line ${line}, in ${fn}`, `    ${code}`];
}

/** The kubernetes client's frames from an API method down to the raised ApiException. */
function clientFrames(
  method: string,
  verb: 'GET' | 'POST' | 'PATCH' | 'DELETE',
) {
  const argsByVerb = {
    GET: 'name, namespace',
    POST: 'namespace, body',
    PATCH: 'name, namespace, body',
    DELETE: 'name, namespace',
  };
  const args = method.startsWith('list_') ? 'namespace' : argsByVerb[verb];
  return [
    ...frame(
      `${SITE}/kubernetes/client/api/core_v1_api.py`,
      verb === 'POST' ? 7356 : 23957,
      method,
      `return self.${method}_with_http_info(${args}, **kwargs)  # noqa: E501`,
    ),
    ...frame(
      `${SITE}/kubernetes/client/api/core_v1_api.py`,
      verb === 'POST' ? 7455 : 24076,
      `${method}_with_http_info`,
      'return self.api_client.call_api(',
    ),
    ...frame(
      `${SITE}/kubernetes/client/api_client.py`,
      348,
      'call_api',
      'return self.__call_api(resource_path, method,',
    ),
    ...frame(
      `${SITE}/kubernetes/client/api_client.py`,
      180,
      '__call_api',
      'response_data = self.request(',
    ),
    ...frame(
      `${SITE}/kubernetes/client/api_client.py`,
      verb === 'POST' ? 391 : 373,
      'request',
      `return self.rest_client.${verb}(url,`,
    ),
    ...frame(
      `${SITE}/kubernetes/client/rest.py`,
      verb === 'POST' ? 279 : 244,
      verb,
      `return self.request("${verb}", url,`,
    ),
    ...frame(
      `${SITE}/kubernetes/client/rest.py`,
      238,
      'request',
      'raise ApiException(http_resp=r)',
    ),
  ];
}

/** The task runner's frames above `execute` (Airflow 2's taskinstance, Airflow 3's task SDK runner). */
export function runnerFrames(airflowMajor: 2 | 3): string[] {
  if (airflowMajor === 2) {
    const ti = `${SITE}/airflow/models/taskinstance.py`;
    return [
      ...frame(
        ti,
        465,
        '_execute_task',
        'result = _execute_callable(context=context, **execute_callable_kwargs)',
      ),
      ...frame(
        ti,
        432,
        '_execute_callable',
        'return execute_callable(context=context, **execute_callable_kwargs)',
      ),
      ...frame(
        `${SITE}/airflow/models/baseoperator.py`,
        401,
        'wrapper',
        'return func(self, *args, **kwargs)',
      ),
    ];
  }
  const runner = `${SITE}/airflow/sdk/execution_time/task_runner.py`;
  return [
    ...frame(
      runner,
      1098,
      'run',
      'result = _execute_task(context=context, ti=ti, log=log)',
    ),
    ...frame(
      runner,
      1508,
      '_execute_task',
      'result = ctx.run(execute, context=context)',
    ),
    ...frame(
      `${SITE}/airflow/sdk/bases/operator.py`,
      443,
      'wrapper',
      'return func(self, *args, **kwargs)',
    ),
  ];
}

const EXECUTE = frame(
  POD_PY,
  598,
  'execute',
  'return self.execute_sync(context)',
);

/** Listing or creating the pod failed (`get_or_create_pod`). */
export function createPodFrames(
  airflowMajor: 2 | 3,
  step: 'list' | 'create',
): string[] {
  return [
    ...runnerFrames(airflowMajor),
    ...EXECUTE,
    ...frame(
      POD_PY,
      608,
      'execute_sync',
      'self.pod = self.get_or_create_pod(  # must set `self.pod` for `on_kill`',
    ),
    ...(step === 'list'
      ? [
          ...frame(
            POD_PY,
            552,
            'get_or_create_pod',
            'pod = self.find_pod(pod_request_obj.metadata.namespace, context=context)',
          ),
          ...frame(
            POD_PY,
            521,
            'find_pod',
            'pod_list = self.client.list_namespaced_pod(',
          ),
          ...clientFrames('list_namespaced_pod', 'GET'),
        ]
      : [
          ...frame(
            POD_PY,
            577,
            'get_or_create_pod',
            'self.pod_manager.create_pod(pod=pod_request_obj)',
          ),
          ...frame(
            POD_MANAGER_PY,
            341,
            'create_pod',
            'return self.run_pod_async(pod)',
          ),
          ...frame(
            POD_MANAGER_PY,
            318,
            'run_pod_async',
            'resp = self._client.create_namespaced_pod(',
          ),
          ...clientFrames('create_namespaced_pod', 'POST'),
        ]),
  ];
}

/** The frames of `await_pod_start` down to where the start-up failed (handled by execute_sync's `finally`). */
export function awaitPodStartFrames(
  separateTimeouts: boolean,
  failure: 'timeout' | 'image' | 'events',
): string[] {
  const head = frame(
    POD_PY,
    618,
    'execute_sync',
    'self.await_pod_start(pod=self.pod)',
  );
  if (!separateTimeouts) {
    return [
      ...head,
      ...frame(
        POD_PY,
        580,
        'await_pod_start',
        'self.pod_manager.await_pod_start(',
      ),
      ...frame(
        POD_MANAGER_PY,
        362,
        'await_pod_start',
        'raise PodLaunchFailedException(msg)',
      ),
    ];
  }
  const asyncFrames = [
    ...head,
    ...frame(POD_PY, 585, 'await_pod_start', 'asyncio.run(_await_pod_start())'),
    ...frame(`${ASYNCIO}/runners.py`, 195, 'run', 'return runner.run(main)'),
    ...frame(
      `${ASYNCIO}/runners.py`,
      118,
      'run',
      'return self._loop.run_until_complete(task)',
    ),
    ...frame(
      `${ASYNCIO}/base_events.py`,
      691,
      'run_until_complete',
      'return future.result()',
    ),
    ...frame(
      POD_PY,
      583,
      '_await_pod_start',
      'await asyncio.gather(pod_start_task, events_task)',
    ),
  ];
  if (failure === 'events') {
    return [
      ...asyncFrames,
      ...frame(
        POD_MANAGER_PY,
        368,
        'watch_pod_events',
        'events = self.read_pod_events(pod)',
      ),
      ...frame(
        POD_MANAGER_PY,
        786,
        'read_pod_events',
        'return self._client.list_namespaced_event(',
      ),
      ...clientFrames('list_namespaced_event', 'GET'),
    ];
  }
  return [
    ...asyncFrames,
    ...frame(
      POD_MANAGER_PY,
      failure === 'timeout' ? 412 : 424,
      'await_pod_start',
      failure === 'timeout'
        ? 'raise PodLaunchTimeoutException('
        : 'raise PodLaunchFailedException(',
    ),
  ];
}

/** Following the container log failed (`pods/log`): the frames from execute_sync down to the ApiException. */
export function readLogFrames(): string[] {
  return [
    ...frame(
      POD_PY,
      629,
      'execute_sync',
      'self.await_pod_completion(pod=self.pod)',
    ),
    ...frame(
      POD_PY,
      690,
      'await_pod_completion',
      'self.pod_manager.fetch_requested_container_logs(',
    ),
    ...frame(
      POD_MANAGER_PY,
      577,
      'fetch_requested_container_logs',
      'status = self.fetch_container_logs(',
    ),
    ...frame(
      POD_MANAGER_PY,
      488,
      'fetch_container_logs',
      'last_log_time, exc = consume_logs(since_time=last_log_time)',
    ),
    ...frame(POD_MANAGER_PY, 420, 'consume_logs', 'logs = self.read_pod_logs('),
    ...frame(
      POD_MANAGER_PY,
      711,
      'read_pod_logs',
      'logs = self._client.read_namespaced_pod_log(',
    ),
    ...clientFrames('read_namespaced_pod_log', 'GET'),
  ];
}

/** The cleanup's `AirflowException` (raised in execute_sync's `finally`, or after a normal completion). */
export function cleanupFrames(airflowMajor: 2 | 3): string[] {
  return [
    ...runnerFrames(airflowMajor),
    ...EXECUTE,
    ...frame(POD_PY, 654, 'execute_sync', 'self.post_complete_action('),
    ...frame(POD_PY, 903, 'post_complete_action', 'self.cleanup('),
    ...frame(POD_PY, 986, 'cleanup', 'raise AirflowException('),
  ];
}

/** Frames of a suppressed cleanup call (`patch_already_checked`, `process_pod_deletion`) logged by `_optionally_suppress`. */
export function suppressedFrames(call: 'patch' | 'delete'): string[] {
  return call === 'patch'
    ? [
        ...frame(
          POD_PY,
          1183,
          'patch_already_checked',
          'self.client.patch_namespaced_pod(',
        ),
        ...clientFrames('patch_namespaced_pod', 'PATCH'),
      ]
    : [
        ...frame(
          POD_PY,
          1131,
          'process_pod_deletion',
          'self.pod_manager.delete_pod(pod)',
        ),
        ...frame(
          POD_MANAGER_PY,
          330,
          'delete_pod',
          'self._client.delete_namespaced_pod(',
        ),
        ...clientFrames('delete_namespaced_pod', 'DELETE'),
      ];
}

/** Python's text of an exception and the ones it was raised while handling (oldest first). */
export function tracebackText(chain: PyException[]): string {
  return chain
    .map(e =>
      ['Traceback (most recent call last):', ...e.frames, e.error].join('\n'),
    )
    .join(
      '\n\nDuring handling of the above exception, another exception occurred:\n\n',
    );
}

/** The KubernetesExecutor's `run_pod_async` failing to create a worker pod (logged by the scheduler). */
export function executorCreateFrames(): string[] {
  return [
    ...frame(
      `${SITE}/airflow/providers/cncf/kubernetes/executors/kubernetes_executor_utils.py`,
      445,
      'run_pod_async',
      'resp = self.kube_client.create_namespaced_pod(',
    ),
    ...clientFrames('create_namespaced_pod', 'POST'),
  ];
}
