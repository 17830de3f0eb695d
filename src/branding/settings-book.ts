// The library's settings in force on this gateway: what staff saved in the store (shared by every
// gateway on one Redis), else the configuration file's. Pages read it without waiting on the store
// for long: a read older than a few seconds is refreshed through the outage breaker, and while
// the store is away the last settings read stay in force. A change of walled garden is applied to
// the firewall at once here and by the next refresh on other gateways.
import type { Config } from '../config/schema';
import { portalHost } from '../firewall/walled-garden';
import type { Firewall } from '../firewall/types';
import type { Logger } from '../logger';
import type { Store } from '../store/types';
import { storedLogoSchema, storedSettingsSchema, type Logo, type StoredSettings } from './settings-types';

export interface SettingsBookDeps {
  config: Config;
  store: Store;
  firewall: Firewall;
  logger: Logger;
  now: () => number;
  /** Runs store reads on patron paths (the outage breaker). */
  guard?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** How old a read may be before `current` reads the store again. */
  maxAgeMs?: number;
}

export class LibrarySettingsBook {
  private settings: StoredSettings = {};
  private readAt = Number.NEGATIVE_INFINITY;
  private logo: Logo | undefined;
  private appliedGarden: string;

  constructor(private readonly d: SettingsBookDeps) {
    this.appliedGarden = JSON.stringify(this.gardenOf({}));
  }

  /** The settings last read, without waiting. */
  peek(): StoredSettings {
    return this.settings;
  }

  /** The settings in force, read again when the last read is older than `maxAgeMs`; never throws. */
  async current(): Promise<StoredSettings> {
    const age = this.d.now() - this.readAt;
    if (age >= 0 && age < (this.d.maxAgeMs ?? 5000)) return this.settings;
    try {
      // A patron's page never waits for the firewall (host names in the garden are looked up in DNS).
      await this.read(this.d.guard ?? ((fn) => fn()), false);
    } catch {
      // Branch autonomy: the settings last read stay in force while the store is away.
      this.readAt = this.d.now();
    }
    return this.settings;
  }

  /** Reads the store now (the reconcile job, and start): settings and walled garden of other gateways' changes. */
  async refresh(): Promise<void> {
    await this.read((fn) => fn());
  }

  /** Saves settings (and, when given, a new logo, or null to remove it) and applies them here at once. */
  async save(next: StoredSettings, logo?: Logo | null): Promise<void> {
    if (logo) await this.d.store.setLibrarySetting('logo', JSON.stringify({ type: logo.type, hash: logo.hash, data: logo.data.toString('base64') }));
    if (logo === null) await this.d.store.setLibrarySetting('logo', undefined);
    await this.d.store.setLibrarySetting('settings', JSON.stringify(next));
    if (logo) this.logo = logo;
    this.settings = next;
    this.readAt = this.d.now();
    await this.applyGarden();
  }

  /** The walled garden in force: the staff's list, else the config file's; the portal's host always. */
  gardenOf(s: StoredSettings = this.settings): string[] {
    return [...new Set([...(s.walledGarden ?? this.d.config.walledGarden), ...portalHost(this.d.config.portalUrl)])];
  }

  /** The logo with this hash, when it is the one in force. */
  async logoFor(hash: string): Promise<Logo | undefined> {
    const meta = (await this.current()).logo;
    if (!meta || meta.hash !== hash) return undefined;
    if (this.logo?.hash === hash) return this.logo;
    const raw = await this.d.store.getLibrarySetting('logo');
    const parsed = raw === undefined ? undefined : storedLogoSchema.safeParse(safeJson(raw));
    if (!parsed?.success || parsed.data.hash !== hash) return undefined;
    this.logo = { type: parsed.data.type, hash, data: Buffer.from(parsed.data.data, 'base64') };
    return this.logo;
  }

  private async read(guard: <T>(fn: () => Promise<T>) => Promise<T>, waitForGarden = true): Promise<void> {
    const raw = await guard(() => this.d.store.getLibrarySetting('settings'));
    const parsed = raw === undefined ? undefined : storedSettingsSchema.safeParse(safeJson(raw));
    if (parsed && !parsed.success) this.d.logger.error({}, 'library settings in the store could not be read; the configuration file\'s are used until they are saved again');
    this.settings = parsed?.success ? parsed.data : {};
    this.readAt = this.d.now();
    const applied = this.applyGarden();
    if (waitForGarden) await applied;
    else applied.catch((err: unknown) => this.d.logger.error({ err }, 'walled garden: the change could not be applied; the next refresh tries again'));
  }

  private async applyGarden(): Promise<void> {
    const entries = this.gardenOf();
    const key = JSON.stringify(entries);
    if (key === this.appliedGarden || !this.d.firewall.setWalledGarden) return;
    // Noted first, so two reads close together apply it once; put back if it fails, to be tried again.
    const before = this.appliedGarden;
    this.appliedGarden = key;
    try {
      await this.d.firewall.setWalledGarden(entries);
    } catch (err) {
      this.appliedGarden = before;
      throw err;
    }
    this.d.logger.info({ entries: entries.length }, 'walled garden changed: applied');
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
