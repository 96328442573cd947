/** How CLI commands fail: a usage mistake (exit 2) or a failure the operator can act on (exit 1), one line each. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes of every `zaakpoort` command (README "Command line"). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The first line of an error's message: schema-load and config errors may carry a how-to that belongs in the docs. */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.trim() || (e instanceof Error ? e.name : 'onbekende fout');
}
