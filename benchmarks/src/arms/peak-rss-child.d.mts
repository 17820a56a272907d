/** Types of peak-rss-child.mjs (plain JavaScript, so bare-node child programs can import it). */
export declare function highWaterMarkMb(pid?: number): number | undefined;
export declare function watchOwnPeak(): { peakMb(): number; stop(): void };
