// "Did you mean …?" for a misspelt key, field or value: the closest allowed spelling by
// Levenshtein distance (case ignored), when it is close enough to be a likely typo.
import { distance } from "fastest-levenshtein";

/** The allowed word nearest to `word`, or undefined when none is within a typo's reach. */
export function closestMatch(word: string, allowed: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  // Two edits (a transposition is two) or a third of the word, whichever is more.
  const reach = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of allowed) {
    const edits = distance(lower, candidate.toLowerCase());
    if (edits <= reach && (!best || edits < best.edits)) best = { candidate, edits };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(word: string, allowed: readonly string[]): string {
  const match = closestMatch(word, allowed);
  return match ? ` (did you mean "${match}"?)` : "";
}
