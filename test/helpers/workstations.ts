// Builders for workstation tests: a health report as an agent would send it, and a record.
import crypto from 'node:crypto';
import type { WorkstationRecord } from '../../src/store/types';
import type { HealthReport } from '../../src/workstations/protocol';

/** A complete, valid health report. */
export function makeReport(over: Partial<HealthReport> = {}): HealthReport {
  return {
    at: Date.now(),
    agentVersion: '0.1.0',
    os: { family: 'linux', distro: 'Debian GNU/Linux', release: '12' },
    cpuLoadPercent: 12.5,
    memory: { usedBytes: 2_000_000_000, totalBytes: 8_000_000_000 },
    systemDisk: { freeBytes: 50_000_000_000, totalBytes: 120_000_000_000 },
    uptimeSeconds: 3600,
    networkUp: true,
    portalReachable: true,
    intervalSeconds: 60,
    droppedReports: 0,
    ...over,
  };
}

/** A freshly enrolled workstation with a random token hash. */
export function makeWorkstation(over: Partial<WorkstationRecord> = {}): WorkstationRecord {
  return {
    name: `pc-${crypto.randomBytes(3).toString('hex')}`,
    zoneId: 'kiosks',
    tokenHash: crypto.randomBytes(32).toString('base64url'),
    enrolledAt: Date.now(),
    mode: 'in-service',
    inUse: false,
    ...over,
  };
}

/** A kiosk zone (10.20.0.0/16: 30-minute sessions, warning 5 minutes before) and Wi-Fi for the rest. */
export const KIOSK_CONFIG = {
  zones: [
    { id: 'kiosks', name: 'Kiosk PCs', subnets: ['10.20.0.0/16'], policy: { sessionMinutes: 30, warningMinutes: 5 } },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'] },
  ],
};
