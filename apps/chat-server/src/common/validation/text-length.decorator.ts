import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A string of `min`-`max` characters counted as the database counts them (Unicode code points),
 * whose lower-cased form (the unique "key" columns) also fits in `max`. class-validator's Length
 * does not count variation selectors and knows nothing of keys, so a 100-"character" name could
 * overflow a VARCHAR(100) on MySQL/MariaDB and end in a 500.
 */
export function TextLength(min: number, max: number, options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'textLength',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = [...value].length;
          return length >= min && length <= max && [...value.toLowerCase()].length <= max;
        },
        defaultMessage: () => `$property must be ${min}-${max} characters`,
      },
    },
    options,
  );
}
