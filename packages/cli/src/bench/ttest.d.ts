/** The part of `ttest` (Andreas Madsen's hypothesis tests, no types of its own) that compare.ts uses. */
declare module 'ttest' {
  interface SampleSummary {
    mean: number;
    variance: number;
    size: number;
  }
  interface TestResult {
    pValue(): number;
    valid(): boolean;
    freedom(): number;
  }
  export default function ttest(left: SampleSummary, right: SampleSummary, options?: { varEqual?: boolean; alpha?: number }): TestResult;
}
