import { IsInt, IsString, Max, validate } from 'class-validator';
import { cacheValidationMetadata } from './metadata-cache';

cacheValidationMetadata();

class Base {
  @IsInt() n!: unknown;
}

class Child extends Base {
  @IsString() s!: unknown;
}

const make = <T extends object>(type: new () => T, values: Record<string, unknown>): T =>
  Object.assign(new type(), values);

const failing = async (o: object): Promise<string[]> =>
  (await validate(o, { whitelist: true, forbidNonWhitelisted: true })).map((e) => e.property).sort();

describe('cacheValidationMetadata', () => {
  it('validates as class-validator does, inherited rules included, on every call', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await failing(make(Base, { n: 1 }))).toEqual([]);
      expect(await failing(make(Base, { n: 'x' }))).toEqual(['n']);
      expect(await failing(make(Child, { n: 'x', s: 2 }))).toEqual(['n', 's']);
      expect(await failing(make(Child, { n: 1, s: 'ok' }))).toEqual([]);
      expect(await failing(make(Child, { n: 1, s: 'ok', extra: 1 }))).toEqual(['extra']);
    }
  });

  it('forgets what it kept when a rule is registered later (a class loaded after the first call)', async () => {
    expect(await failing(make(Base, { n: 500 }))).toEqual([]);
    class Late extends Base {}
    Max(10)(Late.prototype, 'n'); // a rule of a class registered after Base was looked up
    expect(await failing(make(Late, { n: 500 }))).toEqual(['n']);
    expect(await failing(make(Base, { n: 500 }))).toEqual([]);
    // a new rule on an already-validated class applies from then on
    Max(100)(Base.prototype, 'n');
    expect(await failing(make(Base, { n: 500 }))).toEqual(['n']);
  });

  it('is installed once however often it is called', async () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
    expect(await failing(make(Child, { n: 'x', s: 'ok' }))).toEqual(['n']);
  });
});
