import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { SERVICE_UNAVAILABLE_MESSAGE } from '../common/filters/all-exceptions.filter';
import { ValidationFailedException } from '../common/validation/validation';
import { mapStompError } from './stomp-errors';

describe('mapStompError', () => {
  it('keeps the status and message of an HttpException', () => {
    expect(mapStompError(new ForbiddenException('Not a member'))).toEqual({
      status: 403,
      message: 'Not a member',
    });
    expect(mapStompError(new NotFoundException())).toEqual({ status: 404, message: 'Not Found' });
  });

  it('joins an array of messages and keeps the errors of the response body', () => {
    expect(mapStompError(new BadRequestException(['a is bad', 'b is bad']))).toEqual({
      status: 400,
      message: 'a is bad; b is bad',
    });
    const errors = [{ field: 'content', message: 'content must be a string' }];
    expect(mapStompError(new BadRequestException({ message: 'Validation failed', errors }))).toEqual({
      status: 400,
      message: 'Validation failed',
      errors,
    });
  });

  it('uses a string response as the message', () => {
    expect(mapStompError(new HttpException('Slow down', 429))).toEqual({ status: 429, message: 'Slow down' });
  });

  it('maps a ValidationFailedException to its message', () => {
    const error = new ValidationFailedException([{ field: 'content', message: 'content is too long' }]);
    expect(mapStompError(error)).toEqual({ status: 400, message: 'content is too long' });
  });

  it('maps what the HTTP error body maps: a lost unique race and an unreachable database', () => {
    const unique = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' }),
    );
    expect(mapStompError(unique)).toEqual({
      status: 400,
      message: 'A resource with the same unique value already exists',
    });
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    expect(mapStompError(down)).toEqual({ status: 503, message: SERVICE_UNAVAILABLE_MESSAGE });
  });

  it('leaves unknown errors to the broker (a logged 500)', () => {
    expect(mapStompError(new Error('boom'))).toBeUndefined();
  });
});
