// Which kiosk PC asks from which address, as its agent's polls show, so the portal knows a page
// request comes from a held PC. Memory only, on this gateway: PCs' addresses are the library's
// machines, never a patron's device, and they are not stored anywhere.

export interface KioskPc {
  name: string;
  zoneId: string;
}

export class PcAddresses {
  private readonly byIp = new Map<string, KioskPc>();
  private readonly ipOf = new Map<string, string>();

  /** The agent of `pc` asked from `ip`. */
  note(pc: KioskPc, ip: string): void {
    const old = this.ipOf.get(pc.name);
    if (old === ip && this.byIp.get(ip)?.zoneId === pc.zoneId) return;
    if (old !== undefined) this.byIp.delete(old);
    this.byIp.set(ip, { name: pc.name, zoneId: pc.zoneId });
    this.ipOf.set(pc.name, ip);
  }

  /** The PC at `ip`, if an agent asked from it. */
  at(ip: string): KioskPc | undefined {
    return this.byIp.get(ip);
  }

  /** The address `pc` last asked from. */
  addressOf(pc: string): string | undefined {
    return this.ipOf.get(pc);
  }

  /** Forgets a PC (retired). */
  forget(pc: string): void {
    const ip = this.ipOf.get(pc);
    if (ip !== undefined) this.byIp.delete(ip);
    this.ipOf.delete(pc);
  }
}
