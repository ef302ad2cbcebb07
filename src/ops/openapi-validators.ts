import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

/**
 * The request schema follows the validators, so the two cannot disagree: the compiler plugin
 * sees only TypeScript types (every `number` a float, a defaulted `page = 1` required), while
 * class-validator knows an int is an int and an @IsOptional field may be left out.
 */
type Schema = Record<string, unknown>;

const FROM_VALIDATOR: Record<string, Schema> = {
  isInt: { type: 'integer' },
  isIsoDate: { type: 'string', format: 'date', example: '2026-01-15' },
  isMoney: { type: 'string', pattern: '^-?\\d+(\\.\\d{1,2})?$', example: '1234.50' },
  isRate: { type: 'string', example: '0.078' },
  isPercent: { type: 'string', example: '60.00' },
  isSavingsAmount: { type: 'number', example: 1000.5, description: 'A JSON number (a decimal string is accepted too); > 0, at most 2 decimals' },
  isSavingsLimit: { type: 'number', example: 100, description: 'A JSON number (a decimal string is accepted too), at most 2 decimals' },
  isSavingsRate: { type: 'number', example: 0.045, description: 'Annual gross rate as a fraction (0.045 = 4.5 %); a decimal string is accepted too' },
};

interface Meta {
  name?: string;
  propertyName: string;
  target: (new () => object) | string;
}

let applied = false;

/** Idempotent; runs before the first document is built, when every DTO class is loaded. */
export function applyValidatorSchemas(): void {
  if (applied) return;
  applied = true;
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, Meta[]> };
  for (const metas of storage.validationMetadatas.values()) {
    const byProperty = new Map<string, { target: new () => object; options: Schema }>();
    for (const m of metas) {
      if (typeof m.target !== 'function') continue;
      const entry = byProperty.get(m.propertyName) ?? { target: m.target, options: {} };
      if (m.name === 'isOptional') entry.options = { ...entry.options, required: false };
      const extra = m.name ? FROM_VALIDATOR[m.name] : undefined;
      if (extra) entry.options = { ...extra, ...entry.options };
      byProperty.set(m.propertyName, entry);
    }
    for (const [property, { target, options }] of byProperty) {
      // Arrays keep the plugin's metadata: a bare ApiProperty would turn `string[]` into an array of arrays.
      if (Reflect.getMetadata('design:type', target.prototype, property) === Array) continue;
      if (Object.keys(options).length) ApiProperty(options as ApiPropertyOptions)(target.prototype, property);
    }
  }
}
