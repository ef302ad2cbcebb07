import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from './common.errors';
import type { FieldError } from './domain-error';

// When a value has the wrong type, its range and length checks only add noise: `page_size=abc`
// gets one message ("must be an integer"), not three.
const TYPE_CHECKS = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isUuid', 'isDateString']);

function messagesOf(constraints: Record<string, string>): string[] {
  const typeFailures = Object.keys(constraints).filter((k) => TYPE_CHECKS.has(k));
  return (typeFailures.length ? typeFailures : Object.keys(constraints)).map((k) => constraints[k]);
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    for (const message of messagesOf(e.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property \S+ should not exist$/, 'unknown field') });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Unknown fields are rejected and named; each bad field is listed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return badRequest(`Invalid fields: ${[...new Set(fields.map((f) => f.field))].join(', ')}`, fields);
    },
  });
}
