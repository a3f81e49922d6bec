// Types for bench/size.mjs (imported by test/node/size-budget.test.ts).
export interface Sizes {
  /** Minified bytes. */
  minified: number;
  /** gzip level 9 bytes. */
  gzip: number;
  /** brotli quality 11 bytes. */
  brotli: number;
}
export interface Cost extends Sizes {
  /** esbuild's minified bytes per input file, largest first; paths from the repo or node_modules/. */
  inputs: { path: string; bytes: number }[];
}
export const CORE_IMPORTS: Record<string, string[]>;
export function compressed(code: string | Uint8Array): Sizes;
export function bundleCost(imports: Record<string, string[]>): Promise<Cost>;
export interface SplitCost {
  /** The entry and the chunks it imports statically: what a page loads before the SDK is usable. */
  eager: Cost;
  /** Chunks reached only through import(): the callback path. */
  lazy: Cost;
  /** Both. */
  all: Cost;
}
export function splitCost(imports: Record<string, string[]>): Promise<SplitCost>;
export function coreCost(): Promise<SplitCost>;
