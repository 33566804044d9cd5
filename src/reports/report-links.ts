import { randomBytes } from 'node:crypto';

/** A generated report waiting to be downloaded once or a few times through its link. */
export interface StoredReport {
  data: Buffer;
  contentType: string;
  fileName: string;
  expiresAt: Date;
  /** Who generated it (Principal.name): only they may download it. */
  owner: string;
}

/** How long a link works. */
export const LINK_LIFETIME_MS = 10 * 60 * 1000;
/** Generated files kept at once, oldest dropped first, so links cannot fill the memory. */
const MAX_STORED = 50;
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * Generated reports behind short-lived links (GraphQL generateReport, GET /downloads/:token), held in the
 * hub's memory: a link is unguessable (32 random bytes), expires after LINK_LIFETIME_MS, and dies with
 * the process. One store per app.
 */
export class ReportLinkStore {
  private readonly reports = new Map<string, StoredReport>();

  constructor(private readonly now: () => number = Date.now) {}

  put(report: Omit<StoredReport, 'expiresAt'>): { token: string; expiresAt: Date } {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now() + LINK_LIFETIME_MS);
    this.reports.set(token, { ...report, expiresAt });
    let bytes = [...this.reports.values()].reduce((n, r) => n + r.data.length, 0);
    for (const [key, r] of this.reports) {
      if (this.reports.size <= MAX_STORED && bytes <= MAX_BYTES) break;
      if (key === token) continue;
      this.reports.delete(key);
      bytes -= r.data.length;
    }
    return { token, expiresAt };
  }

  /** The report behind a token, or null when there is none or it has expired. */
  get(token: string): StoredReport | null {
    this.sweep();
    return this.reports.get(token) ?? null;
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, r] of this.reports) if (r.expiresAt.getTime() <= t) this.reports.delete(key);
  }
}

/** The hub's store: the mutation puts, GET /downloads/:token reads. */
export const reportLinks = new ReportLinkStore();
