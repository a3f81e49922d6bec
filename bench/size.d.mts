export interface Cost {
  minified: number;
  gzip: number;
  brotli: number;
  inputs: { path: string; bytes: number }[];
}
export function compressed(code: string): { minified: number; gzip: number; brotli: number };
export function bundleCost(names: string[], from: string, options?: { external?: string[] }): Promise<Cost>;
export function coreCost(): Promise<Cost>;
