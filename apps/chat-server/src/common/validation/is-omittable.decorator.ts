import { ValidateIf } from 'class-validator';

/**
 * An optional field that may be left out, but not sent as null: unlike class-validator's
 * IsOptional (which skips null too), a null is validated by the field's rules and refused (400),
 * so it never reaches a service as "no value" or a NOT NULL column.
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
