// The staff console while the shared store is away or failing over: every /staff request (pages,
// forms, sign-in, JSON callers) is answered at once with the console's own "store away" page
// (503, Retry-After, a page that tries again by itself) when the outage breaker knows the store
// is away, and otherwise reaches the store first within the breaker's time limit, so no staff
// request waits out the store client's own timeouts, and no form starts changing anything
// unless the store has just answered.
import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import type { StoreAwayPage } from '../http/error-handler';
import { storeAway } from '../sessions/store-breaker';

/** How the console words the store's absence (the error handler reads it from res.locals.storeAway). */
export const STAFF_STORE_AWAY: Readonly<StoreAwayPage> = Object.freeze({ view: 'staff/store-away', titleKey: 'away.title', messageKey: 'away.json', home: '/staff' });

/**
 * Fails fast while the breaker says the store is away; otherwise asks the store (a PING, through
 * the breaker: an unconnected Redis fails it at once, a frozen one within the breaker's limit).
 * One cheap round trip per console request: staff traffic is a few requests a minute.
 */
export function staffStoreGate(deps: Deps, speakRemembered: (req: Request, res: Response) => void): RequestHandler {
  const breaker = deps.sessions.breaker;
  return async (req, res, next) => {
    res.locals.storeAway = STAFF_STORE_AWAY;
    try {
      if (breaker.away) throw storeAway();
      await breaker.run(() => deps.store.ping());
    } catch (err) {
      // No account can be read now: the page speaks the language it chose last on this browser.
      speakRemembered(req, res);
      throw err;
    }
    next();
  };
}
