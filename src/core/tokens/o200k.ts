// The tokenizer the token account uses: OpenAI's o200k_base (GPT-4o and later), from
// gpt-tokenizer, a pure-JavaScript implementation. Other model families tokenize differently;
// o200k_base is a fair, widely used yardstick. Loading it takes ~150 ms and 2.4 MB of code, so
// the extension bundles it apart (dist/tokenizer.js) and loads it on the first account.

import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { TokenCounter } from './account';

export const TOKENIZER_NAME = 'o200k_base (gpt-tokenizer)';

// Tool output may contain text such as `<|endoftext|>`; it is counted as the plain text it is.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** A fresh counter: each account has its own exact-count budget. */
export function o200kCounter(): TokenCounter {
  return new TokenCounter(TOKENIZER_NAME, (text) => countTokens(text, AS_PLAIN_TEXT));
}
