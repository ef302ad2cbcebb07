import { DomainError, FieldError } from './domain-error';

/** What a code always answers with; the detail and the field errors belong to each occurrence. */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
}

export interface ErrorCatalog<C extends string> {
  /** The module that owns these codes (the `<name>.errors.ts` file they live in). */
  readonly name: string;
  readonly specs: { readonly [K in C]: ErrorSpec };
  readonly codes: readonly C[];
  /** The one way to build a DomainError: status and title come from the catalog, never from the throw site. */
  error(code: C, detail: string, errors?: FieldError[], headers?: Record<string, string>): DomainError;
}

/** The union of a catalog's codes: `CodeOf<typeof PORTFOLIO_ERRORS>`. */
export type CodeOf<T> = T extends ErrorCatalog<infer C> ? C : never;

/**
 * A module's error codes, each with its status and title. Factories in the same file call
 * `error(code, …)`, so a code outside the catalog does not compile.
 */
export function defineErrors<const S extends Record<string, ErrorSpec>>(name: string, specs: S): ErrorCatalog<Extract<keyof S, string>> {
  type C = Extract<keyof S, string>;
  return {
    name,
    specs,
    codes: Object.keys(specs) as C[],
    error: (code, detail, errors = [], headers = {}) => new DomainError(specs[code].status, code, specs[code].title, detail, errors, headers),
  };
}
