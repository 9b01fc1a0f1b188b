import request from 'supertest';
import { ADMIN, TestApp } from '../helpers/test-app';

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
}

let seq = 0;
export const uniqueName = (prefix = 'user') =>
  `${prefix}${process.pid % 10000}_${++seq}_${Math.random().toString(36).slice(2, 6)}`;

export async function login(
  t: TestApp,
  usernameOrEmail: string,
  password: string,
): Promise<{ token: string; id: number }> {
  const res = await request(t.url).post('/api/v1/auth/login').send({ usernameOrEmail, password }).expect(200);
  return res.body;
}

/** Registers a user through the v1 API and logs it in. */
export async function createUser(
  t: TestApp,
  overrides: Partial<Pick<TestUser, 'username' | 'email' | 'password'>> = {},
): Promise<TestUser> {
  const username = overrides.username ?? uniqueName();
  const email = overrides.email ?? `${username.toLowerCase()}@example.com`;
  const password = overrides.password ?? 'password-123';
  await request(t.url).post('/api/v1/auth/register').send({ username, email, password }).expect(201);
  const { token, id } = await login(t, username, password);
  return { id, username, email, password, token };
}

/** The bootstrap admin (from ADMIN_USERNAME / ADMIN_PASSWORD). */
export async function adminUser(t: TestApp): Promise<TestUser> {
  const { token, id } = await login(t, ADMIN.username, ADMIN.password);
  return { id, token, ...ADMIN };
}

export const bearer = (user: { token: string }) => ({ Authorization: `Bearer ${user.token}` });
