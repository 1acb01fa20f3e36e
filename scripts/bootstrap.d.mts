/** Types of what TypeScript (test/support) imports from bootstrap.mjs. */
export declare const ROOT: string;
export declare function builtAfter(output: string, sources: readonly string[]): boolean;
export declare const DASHBOARD_SOURCES: readonly string[];
