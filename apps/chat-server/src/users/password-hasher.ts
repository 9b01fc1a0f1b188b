import { Injectable, OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { AppConfig } from '../config/app-config';
import { INTERNAL_KEY, PasswordHashQueue } from './password-hash-queue';

/**
 * argon2id hashing; verification of an unknown user costs the same as of a known one. Every hash
 * and verification waits its turn in the PasswordHashQueue, per client address (`address`).
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(
    private readonly config: AppConfig,
    private readonly queue: PasswordHashQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.compute('dummy-password-for-timing-equalisation');
  }

  async hash(password: string, address = INTERNAL_KEY): Promise<string> {
    return this.queue.run(address, () => this.compute(password));
  }

  async verify(storedHash: string | undefined, password: string, address = INTERNAL_KEY): Promise<boolean> {
    return this.queue.run(address, async () => {
      try {
        const ok = await verify(storedHash ?? this.dummyHash, password);
        return storedHash !== undefined && ok;
      } catch {
        return false;
      }
    });
  }

  private compute(password: string): Promise<string> {
    const { memoryKib, timeCost } = this.config.settings.passwordHash;
    return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: memoryKib, timeCost, parallelism: 1 });
  }
}
