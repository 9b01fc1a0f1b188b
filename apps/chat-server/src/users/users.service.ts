import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DomainEvents } from '../common/events/domain-events';
import { ListPage, ListPageQuery, pageWindow, toListPage } from '../common/pagination/list-page';
import { isAdmin, Principal } from '../common/principal';
import { TransactionRunner } from '../database/transaction-runner';
import { PasswordHasher } from './password-hasher';
import { PrincipalCache } from './principal-cache';
import { Role, ROLE_ADMIN, ROLE_USER, User } from './user.entity';

export interface NewUser {
  username: string;
  email?: string | null;
  password: string;
  roles?: string[];
}

export interface UserChanges {
  username?: string;
  email?: string;
  password?: string;
}

const ROLE_NAMES: Record<string, Role> = {
  user: ROLE_USER,
  role_user: ROLE_USER,
  admin: ROLE_ADMIN,
  role_admin: ROLE_ADMIN,
};

/** Admins hold both roles, admin first (as the v1 document shows). */
function normaliseRoles(requested: string[] | undefined): Role[] {
  const roles = new Set<Role>([ROLE_USER]);
  for (const name of requested ?? []) {
    const role = ROLE_NAMES[name.trim().toLowerCase()];
    if (!role) throw new BadRequestException(`Unknown role "${name}": use "user" or "admin"`);
    roles.add(role);
  }
  return roles.has(ROLE_ADMIN) ? [ROLE_ADMIN, ROLE_USER] : [ROLE_USER];
}

/** Users and who may see or change them. Every rule about users lives here, once. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly cache: PrincipalCache,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Creates the first admin from ADMIN_USERNAME / ADMIN_PASSWORD once; an existing account is left alone. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.settings.admin;
    if (!admin || (await this.findByUsername(admin.username))) return;
    try {
      await this.create({
        username: admin.username,
        password: admin.password,
        email: admin.email,
        roles: ['admin'],
      });
      this.logger.log(`Created the admin account "${admin.username}"`);
    } catch (err) {
      // Another instance starting at the same time may have created it first.
      if (!(await this.findByUsername(admin.username))) throw err;
    }
  }

  /**
   * Registration: asking for the admin role is refused unless an admin is the caller. `address`
   * is the client's (its turn in the password hashing queue).
   */
  async register(input: NewUser, caller?: Principal, address?: string): Promise<User> {
    const roles = normaliseRoles(input.roles);
    if (roles.includes(ROLE_ADMIN) && !isAdmin(caller)) {
      throw new ForbiddenException('Only an administrator can create an administrator');
    }
    return this.create({ ...input, roles }, address);
  }

  private async create(input: NewUser, address?: string): Promise<User> {
    await this.assertUnique(input.username, input.email ?? null);
    const user = this.users.create({
      username: input.username,
      usernameKey: input.username.toLowerCase(),
      email: input.email ?? null,
      emailKey: input.email ? input.email.toLowerCase() : null,
      passwordHash: await this.hasher.hash(input.password, address),
      roles: normaliseRoles(input.roles),
      tokenVersion: 0,
      createdAt: new Date(),
      lastLogin: null,
    });
    try {
      // save() opens a transaction: on SQLite it must wait for any other one (TransactionRunner).
      return await this.transactions.transaction((m) => m.getRepository(User).save(user));
    } catch (err) {
      // Lost a race with a concurrent registration of the same name: same answer as the check.
      await this.assertUnique(input.username, input.email ?? null);
      throw err;
    }
  }

  private async assertUnique(
    username: string | undefined,
    email: string | null | undefined,
    exceptId?: number,
  ): Promise<void> {
    if (username !== undefined) {
      const other = await this.users.findOne({
        where: { usernameKey: username.toLowerCase() },
        select: { id: true },
      });
      if (other && other.id !== exceptId) throw new BadRequestException('Username is already taken!');
    }
    if (email) {
      const other = await this.users.findOne({
        where: { emailKey: email.toLowerCase() },
        select: { id: true },
      });
      if (other && other.id !== exceptId) throw new BadRequestException('Email is already in use!');
    }
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOne({ where: { usernameKey: username.toLowerCase() } });
  }

  /** The user with its password hash, by username or email (for login only). */
  findForLogin(identifier: string): Promise<User | null> {
    const key = identifier.trim().toLowerCase();
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where(key.includes('@') ? 'u.email_key = :key' : 'u.username_key = :key', { key })
      .getOne();
  }

  async recordLogin(user: User): Promise<void> {
    user.lastLogin = new Date();
    await this.users.update({ id: user.id }, { lastLogin: user.lastLogin });
  }

  /** Self or admin; anyone else gets 403 whether or not the id exists (no account probing). */
  assertSelfOrAdmin(caller: Principal, userId: number): void {
    if (caller.id !== userId && !isAdmin(caller))
      throw new ForbiddenException('You may only access your own account');
  }

  async getExisting(id: number): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return user;
  }

  async getVisible(caller: Principal, id: number): Promise<User> {
    this.assertSelfOrAdmin(caller, id);
    return this.getExisting(id);
  }

  async getVisibleByUsername(caller: Principal, username: string): Promise<User> {
    if (caller.username.toLowerCase() !== username.toLowerCase() && !isAdmin(caller)) {
      throw new ForbiddenException('You may only access your own account');
    }
    const user = await this.findByUsername(username);
    if (!user) throw new NotFoundException(`User ${username} not found`);
    return user;
  }

  /** A page of every user, by id (admins only: the route's role guard). */
  async list(query?: ListPageQuery): Promise<ListPage<User>> {
    const window = pageWindow(query);
    const rows = await this.users.find({ order: { id: 'ASC' }, skip: window.offset, take: window.limit });
    return toListPage(rows, window);
  }

  /** Profile update (self or admin). Roles never change here. Returns whether the password changed. */
  async update(
    caller: Principal,
    id: number,
    changes: UserChanges,
  ): Promise<{ user: User; passwordChanged: boolean }> {
    const user = await this.getVisible(caller, id);
    const usernameChanged = changes.username !== undefined && changes.username !== user.username;
    const emailChanged = changes.email !== undefined && changes.email !== user.email;
    await this.assertUnique(
      usernameChanged ? changes.username : undefined,
      emailChanged ? changes.email : undefined,
      id,
    );
    const patch: Partial<User> = {};
    if (usernameChanged)
      Object.assign(patch, { username: changes.username, usernameKey: changes.username!.toLowerCase() });
    if (emailChanged) Object.assign(patch, { email: changes.email, emailKey: changes.email!.toLowerCase() });
    if (changes.password !== undefined) {
      Object.assign(patch, {
        passwordHash: await this.hasher.hash(changes.password),
        tokenVersion: user.tokenVersion + 1,
      });
    }
    if (Object.keys(patch).length) {
      await this.users.update({ id }, patch);
      this.changed(id);
    }
    return { user: await this.getExisting(id), passwordChanged: changes.password !== undefined };
  }

  /** Own password: the current one is required. An admin may reset anyone's without it. */
  async changePassword(
    caller: Principal,
    id: number,
    currentPassword: string | undefined,
    newPassword: string,
  ): Promise<User> {
    this.assertSelfOrAdmin(caller, id);
    const resettingOther = caller.id !== id;
    if (!resettingOther) {
      if (!currentPassword)
        throw new BadRequestException('currentPassword is required to change your own password');
      const withHash = await this.users
        .createQueryBuilder('u')
        .addSelect('u.passwordHash')
        .where('u.id = :id', { id })
        .getOne();
      if (!withHash) throw new NotFoundException(`User ${id} not found`);
      if (!(await this.hasher.verify(withHash.passwordHash, currentPassword))) {
        throw new BadRequestException('Current password is incorrect');
      }
    }
    return (await this.update({ ...caller, roles: [ROLE_ADMIN] }, id, { password: newPassword })).user;
  }

  /** Admin only (checked by the route's role guard and again here). The last admin cannot drop its role. */
  async setRoles(caller: Principal, id: number, requested: string[]): Promise<User> {
    if (!isAdmin(caller)) throw new ForbiddenException('Administrators only');
    const user = await this.getExisting(id);
    const roles = normaliseRoles(requested);
    if (user.roles.includes(ROLE_ADMIN) && !roles.includes(ROLE_ADMIN) && (await this.countAdmins()) <= 1) {
      throw new BadRequestException('The last administrator cannot lose the admin role');
    }
    await this.users.update({ id }, { roles });
    this.changed(id);
    return this.getExisting(id);
  }

  private async countAdmins(): Promise<number> {
    return this.users
      .createQueryBuilder('u')
      .where('u.roles LIKE :r', { r: `%${ROLE_ADMIN}%` })
      .getCount();
  }

  /**
   * Deletes a user: memberships and notifications go with it (FK cascade), its messages stay
   * with no sender, rooms it created stay with no creator. `allowSelf` is the basic surface's
   * rule (a user may delete itself); v1 is admin only.
   */
  async delete(caller: Principal, id: number, allowSelf: boolean): Promise<void> {
    if (!isAdmin(caller) && !(allowSelf && caller.id === id)) {
      throw new ForbiddenException(
        allowSelf ? 'You may only delete your own account' : 'Administrators only',
      );
    }
    const user = await this.getExisting(id);
    if (user.roles.includes(ROLE_ADMIN) && (await this.countAdmins()) <= 1) {
      throw new BadRequestException('The last administrator cannot be deleted');
    }
    await this.users.delete({ id });
    this.changed(id);
    this.events.emit('user.deleted', { userId: id });
  }

  /** The principal for an authenticated request or STOMP session; null if the user is gone. */
  async getPrincipal(id: number): Promise<Principal | null> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const user = await this.findById(id);
    const principal = user
      ? {
          id: user.id,
          username: user.username,
          email: user.email,
          roles: user.roles,
          tokenVersion: user.tokenVersion,
        }
      : null;
    this.cache.set(id, principal);
    return principal;
  }

  private changed(id: number): void {
    this.cache.invalidate(id);
    this.events.emit('user.updated', { userId: id });
  }
}
