/** The end-of-run report of `rf download`. */
import { formatBytes, formatDuration, megabytesPerSecond } from '../util/format.js';
import type { DownloadTally } from './tally.js';

export function formatDownloadSummary(tally: DownloadTally): string {
  const elapsedMs = tally.elapsedMs;
  const rate = megabytesPerSecond(tally.bytes, elapsedMs);
  const lines = [
    `Summary: ${tally.ok} ok${tally.kept > 0 ? ` (${tally.kept} kept from an earlier run, ${formatBytes(tally.keptBytes)} not fetched again)` : ''}, ${tally.failed} failed` +
      (tally.badLines > 0 ? `, ${tally.badLines} list line(s) skipped` : '') +
      `, ${formatBytes(tally.bytes)} transferred in ${formatDuration(elapsedMs)} (${rate.toFixed(1)} MB/s)`,
  ];
  if (!tally.checksums) lines.push('Checksums were off (--no-checksum): no sha256 was computed or checked.');
  if (tally.failed > 0) {
    lines.push('Failures:');
    for (const failure of tally.failures) lines.push(`  line ${failure.line}: ${failure.url}  ${failure.error}`);
    if (tally.unlistedFailures > 0) lines.push(`  ... and ${tally.unlistedFailures} more (see the manifest)`);
  }
  return lines.join('\n');
}
