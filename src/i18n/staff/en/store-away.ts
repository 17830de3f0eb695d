// The staff console in English while the shared store is away (Redis stopped or failing over):
// the page every console page answers then, and the JSON message of API callers.
export const enStoreAway = {
  'away.title': 'The shared store is not answering',
  'away.what': 'This gateway cannot reach the library system’s shared store just now (it may be restarting, failing over or out of disk space), so the staff console can neither show nor change sessions, passes, policies or accounts.',
  'away.works': 'Patrons are still admitted at this branch: the Wi-Fi and the public computers keep working from what this gateway knows, and it writes their sessions to the store when the store is back.',
  'away.cannot': 'Changes cannot be saved until the store is back.',
  'away.nothingSaved': 'Nothing was saved: what you just sent was not applied. When the console is back, check the session or the passes and try again.',
  'away.maybeSaved': 'The store stopped answering while your change was being saved, so it may or may not have been saved (never only part of it). When the console is back, check the session or the passes before you try again.',
  'away.retry': 'This page tries again by itself every {seconds} seconds.',
  'away.retryNow': 'Try again now',
  'away.it': 'If this lasts more than a few minutes, tell library IT: the shared store (Redis) may be down.',
  'away.json': 'The library system’s shared store is not answering, so nothing can be shown or saved just now (nothing was saved). Patrons are still admitted at this branch. Try again in {seconds} seconds.',
} as const;
