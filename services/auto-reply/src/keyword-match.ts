/**
 * Keyword matching on words, not substrings ("hi" must not match "this"): both sides are cut into words of letters
 * and digits, lower-cased, with diacritics removed ("Preço" matches "preco"). Scripts written without spaces
 * (Chinese, Japanese, Thai) are better served by a `regex` rule.
 */
export function words(s: string): string[] {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** `word`: the keyword's words appear in a row somewhere in the text; `exact`: the text is the keyword. */
export function matchesKeyword(textWords: readonly string[], keyword: readonly string[], match: 'word' | 'exact'): boolean {
  if (keyword.length === 0) return false;
  if (match === 'exact') return textWords.length === keyword.length && keyword.every((w, i) => textWords[i] === w);
  for (let i = 0; i + keyword.length <= textWords.length; i++) if (keyword.every((w, j) => textWords[i + j] === w)) return true;
  return false;
}
