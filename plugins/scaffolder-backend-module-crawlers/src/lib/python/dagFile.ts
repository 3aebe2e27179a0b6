/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { literalOf, PyCall, PyParser, PyValue } from './parse';
import { tokenize } from './tokenize';

/** A DAG definition found in a file: `DAG(...)` (also `with DAG(...)`) or `@dag(...)`. */
export type DagDefinition = {
  call: PyCall;
  /** `dag_id` as a literal (keyword, first positional argument, or the decorated function's name). */
  dagId?: string;
};

/** What a static reading of a DAG file finds. */
export type DagFileReading = {
  dags: DagDefinition[];
  /** Calls of `KubernetesPodOperator(...)` (any qualified form). */
  podOperators: PyCall[];
  /** Module-level `NAME = <literal>` assignments, used to resolve names in arguments. */
  constants: Map<string, PyValue>;
  /** The modules `KubernetesPodOperator` is imported from. */
  podOperatorImports: string[];
};

/** Module-level `NAME = value` statements (column 0, outside brackets). */
function moduleConstants(parser: PyParser): Map<string, PyValue> {
  const constants = new Map<string, PyValue>();
  const { tokens } = parser;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const statementStart = i === 0 || tokens[i - 1].type === 'newline';
    if (
      statementStart &&
      t.type === 'name' &&
      t.col === 0 &&
      tokens[i + 1]?.type === 'op' &&
      tokens[i + 1].text === '='
    ) {
      const [value] = parser.expression(i + 2);
      constants.set(t.text, value);
    }
  }
  return constants;
}

/** `from <module> import ... KubernetesPodOperator ...` statements. */
function podOperatorImports(parser: PyParser): string[] {
  const modules: string[] = [];
  const { tokens } = parser;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'name' || tokens[i].text !== 'from') continue;
    let j = i + 1;
    let module = '';
    while (
      (tokens[j].type === 'name' && tokens[j].text !== 'import') ||
      (tokens[j].type === 'op' && tokens[j].text === '.')
    ) {
      module += tokens[j].text;
      j++;
    }
    if (tokens[j]?.text !== 'import') continue;
    for (
      let k = j + 1;
      k < tokens.length &&
      tokens[k].type !== 'newline' &&
      tokens[k].type !== 'end';
      k++
    ) {
      if (
        tokens[k].type === 'name' &&
        tokens[k].text === 'KubernetesPodOperator'
      ) {
        modules.push(module);
      }
    }
  }
  return modules;
}

/**
 * Reads a DAG file statically: its DAG definitions, KubernetesPodOperator calls with their literal keyword
 * arguments, and module constants. Throws `PySyntaxError` when the file cannot be tokenized.
 */
export function readDagFile(source: string): DagFileReading {
  const tokens = tokenize(source);
  const parser = new PyParser(source, tokens);
  const constants = moduleConstants(parser);
  const dags: DagDefinition[] = [];
  const podOperators: PyCall[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t.type !== 'name' || next?.type !== 'op' || next.text !== '(') continue;
    let start = i;
    while (
      start >= 2 &&
      tokens[start - 1].text === '.' &&
      tokens[start - 2].type === 'name'
    ) {
      start -= 2;
    }
    const callee = tokens
      .slice(start, i + 1)
      .map(x => x.text)
      .join('');
    const decorated =
      start > 0 &&
      tokens[start - 1].type === 'op' &&
      tokens[start - 1].text === '@';
    if (t.text === 'DAG' || (t.text === 'dag' && decorated)) {
      const call = parser.call(callee, i + 1);
      let dagId = literalOf(
        call.kwargs.dag_id ?? call.args[0] ?? { kind: 'none', line: 0 },
        constants,
      );
      if (dagId === null && decorated) {
        // @dag without dag_id: the DAG is named after the decorated function.
        let k = call.endIndex;
        while (tokens[k] && tokens[k].type === 'newline') k++;
        while (tokens[k]?.type === 'op' && tokens[k].text === '@') {
          k = parser.expression(k + 1)[1];
          while (tokens[k] && tokens[k].type === 'newline') k++;
        }
        if (tokens[k]?.text === 'def' && tokens[k + 1]?.type === 'name')
          dagId = tokens[k + 1].text;
      }
      dags.push({ call, dagId: typeof dagId === 'string' ? dagId : undefined });
    } else if (t.text === 'KubernetesPodOperator') {
      podOperators.push(parser.call(callee, i + 1));
    }
  }
  return {
    dags,
    podOperators,
    constants,
    podOperatorImports: podOperatorImports(parser),
  };
}
