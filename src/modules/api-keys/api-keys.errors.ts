import { defineErrors, CodeOf } from '../../common/errors/define-errors';

/**
 * No codes of its own yet: a revoked or unknown key is `not-found`, bad credentials
 * `unauthorized` (common catalog; the token endpoint answers in the OAuth format instead).
 */
export const API_KEYS_ERRORS = defineErrors('api-keys', {});

export type ApiKeysErrorCode = CodeOf<typeof API_KEYS_ERRORS>;
