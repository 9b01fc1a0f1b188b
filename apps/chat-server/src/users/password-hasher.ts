import { Injectable, OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { AppConfig } from '../config/app-config';

/** argon2id hashing; verification of an unknown user costs the same as of a known one. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash('dummy-password-for-timing-equalisation');
  }

  hash(password: string): Promise<string> {
    const { memoryKib, timeCost } = this.config.settings.passwordHash;
    return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: memoryKib, timeCost, parallelism: 1 });
  }

  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(storedHash ?? this.dummyHash, password);
      return storedHash !== undefined && ok;
    } catch {
      return false;
    }
  }
}
