// The rate-limit store on Redis: rate-limit-redis, with its Lua scripts loaded again on first use
// when loading them failed (a connection closed while the app started or stopped).
import { RedisStore as RateLimitRedisStore } from 'rate-limit-redis';

/** Not a script's SHA: Redis answers NOSCRIPT, and rate-limit-redis then loads the script. */
const NOT_LOADED = 'not-loaded';

/**
 * rate-limit-redis loads its scripts in `init` and keeps the promise: if that load fails (the
 * connection is closed before it is answered, or Redis is away at start), the rejection is
 * logged as an "async error during store initialization" and every later count fails with it.
 * Here a failed load stands for "not loaded yet": the next count gets NOSCRIPT and loads again.
 */
export class ReloadingRedisStore extends RateLimitRedisStore {
  override loadIncrementScript(key?: string): Promise<string> {
    return super.loadIncrementScript(key).catch(() => NOT_LOADED);
  }

  override loadGetScript(key?: string): Promise<string> {
    return super.loadGetScript(key).catch(() => NOT_LOADED);
  }
}
