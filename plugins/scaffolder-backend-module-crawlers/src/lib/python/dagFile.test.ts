/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { readDagFile } from './dagFile';
import { literalOf } from './parse';
import { PySyntaxError, tokenize } from './tokenize';

describe('readDagFile', () => {
  it('should read literal keyword arguments, resolving module constants', () => {
    const reading = readDagFile(`
from airflow.providers.cncf.kubernetes.operators.pod import (
    KubernetesPodOperator,  # the operator (pod)
)
IMAGE = "registry/x:" "1"
LABELS = {"a": 'b', "n": 1, "t": (True, None, -2.5)}
with DAG("my_dag", tags=['x']) as dag:
    KubernetesPodOperator(task_id="t", image=IMAGE, labels=LABELS, cmds=[f"{IMAGE}"], arguments=["a" + "b"])
`);
    expect(reading.podOperatorImports).toEqual([
      'airflow.providers.cncf.kubernetes.operators.pod',
    ]);
    expect(reading.dags.map(d => d.dagId)).toEqual(['my_dag']);
    const [kpo] = reading.podOperators;
    expect(literalOf(kpo.kwargs.image, reading.constants)).toBe('registry/x:1');
    expect(literalOf(kpo.kwargs.labels, reading.constants)).toEqual({
      a: 'b',
      n: 1,
      t: [true, null, -2.5],
    });
    expect(literalOf(kpo.kwargs.cmds, reading.constants)).toBeUndefined();
    expect(kpo.kwargs.arguments).toMatchObject({ kind: 'list' });
    expect(literalOf(kpo.kwargs.arguments, reading.constants)).toBeUndefined();
  });

  it('should name a @dag without dag_id after the decorated function', () => {
    const reading = readDagFile(`
@dag(schedule="@daily", tags=["backstage:component:default/a"])
def crawl_news():
    pass
`);
    expect(reading.dags.map(d => d.dagId)).toEqual(['crawl_news']);
  });

  it('should read nested calls and escapes in strings', () => {
    const reading = readDagFile(
      'KubernetesPodOperator(container_resources=k8s.V1ResourceRequirements(requests={"cpu": "1"}), name="a\\tb", raw=r"\\d", doc="""x\n(y""")',
    );
    const [kpo] = reading.podOperators;
    expect(kpo.kwargs.container_resources).toMatchObject({
      kind: 'call',
      call: { callee: 'k8s.V1ResourceRequirements' },
    });
    expect(literalOf(kpo.kwargs.name)).toBe('a\tb');
    expect(literalOf(kpo.kwargs.raw)).toBe('\\d');
    expect(literalOf(kpo.kwargs.doc)).toBe('x\n(y');
  });

  it('should not take calls inside strings or comments for calls', () => {
    const reading = readDagFile(
      '# DAG(dag_id="x")\ntext = "KubernetesPodOperator(image=1)"\n',
    );
    expect(reading.dags).toEqual([]);
    expect(reading.podOperators).toEqual([]);
  });

  it('should report an unterminated string with its line', () => {
    expect(() => tokenize('a = 1\nb = "open\n')).toThrow(PySyntaxError);
    expect(() => tokenize('a = 1\nb = "open\n')).toThrow(/line 2/);
  });
});
