import request from 'supertest';
import { TestApp } from '../helpers/test-app';
import { bearer, TestUser, uniqueName } from './users';

export interface TestRoom {
  id: number;
  name: string;
  type: string;
}

/** Creates a room through the v1 API as `owner` and adds `members` to it. */
export async function createRoom(
  t: TestApp,
  owner: TestUser,
  options: { type?: 'PUBLIC' | 'PRIVATE'; members?: TestUser[]; name?: string } = {},
): Promise<TestRoom> {
  const res = await request(t.url)
    .post('/api/v1/rooms')
    .set(bearer(owner))
    .send({ name: options.name ?? uniqueName('room'), type: options.type ?? 'PRIVATE' })
    .expect(201);
  for (const m of options.members ?? []) {
    await request(t.url).post(`/api/v1/rooms/${res.body.id}/members/${m.id}`).set(bearer(owner)).expect(200);
  }
  return res.body;
}
