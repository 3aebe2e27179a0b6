/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Button, Flex, Text } from '@backstage/ui';
import { RiCheckLine, RiFileCopyLine } from '@remixicon/react';
import { useEffect, useState } from 'react';

/** How long the button says "Copied" after a copy. */
const COPIED_MS = 2000;

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies `text` with the Clipboard API. The button says "Copied" for a moment on success; where the browser refuses
 * (no secure context, no permission) it says so, and the code block next to it can still be selected by hand.
 */
export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state !== 'copied') return undefined;
    const timer = setTimeout(() => setState('idle'), COPIED_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) {
        throw new Error('no Clipboard API');
      }
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <Flex gap="2" align="center">
      <Button
        size="small"
        variant="secondary"
        aria-label={props.label}
        iconStart={
          state === 'copied' ? (
            <RiCheckLine aria-hidden />
          ) : (
            <RiFileCopyLine aria-hidden />
          )
        }
        onPress={copy}
      >
        {state === 'copied' ? 'Copied' : 'Copy'}
      </Button>
      <span role="status">
        {state === 'failed' && (
          <Text variant="body-small" color="secondary">
            The browser refused the clipboard: select the code and copy it.
          </Text>
        )}
      </span>
    </Flex>
  );
}
