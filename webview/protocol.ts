// The one message protocol between the extension and the run panel. Both sides import it.

import type { TraceEvent } from '../src/core/run/trace';

export type { TraceEvent };

export type ExtensionToPanel =
  /** Events in the order they happened; on a `ready`, the whole buffered history. */
  | { readonly type: 'events'; readonly events: readonly TraceEvent[] }
  | { readonly type: 'cleared' };

export type PanelToExtension = { readonly type: 'ready' } | { readonly type: 'clear' };
