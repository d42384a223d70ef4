/** A target of issue 6 and whether this run met it. */
export interface Verdict {
  target: string;
  met: boolean;
  /** The measured figure(s) behind the verdict. */
  detail: string;
}

/** `met` / `MISSED` lines for the end of a section. */
export function formatVerdicts(verdicts: readonly Verdict[]): string {
  return verdicts
    .map((verdict) => `  ${verdict.met ? 'met   ' : 'MISSED'}  ${verdict.target}: ${verdict.detail}`)
    .join('\n');
}
