import { STATUS_CODES } from 'node:http';
import { FieldError } from '../validation/validation';

/** The one error body of both REST surfaces, for every status (README "The APIs"; `ErrorBody` in the OpenAPI document). */
export interface ErrorBody {
  timestamp: string;
  status: number;
  error: string;
  message: string;
  path: string;
  errors?: FieldError[];
  correlationId?: string;
}

export function errorBody(
  status: number,
  message: string,
  path: string,
  extra: Partial<ErrorBody> = {},
): ErrorBody {
  return {
    timestamp: new Date().toISOString(),
    status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    path: path.split('?')[0],
    ...extra,
  };
}
