import { Injectable } from '@nestjs/common';
import { isAdmin, Principal } from '../common/principal';
import { AppConfig } from '../config/app-config';

/**
 * USER_EMAIL_VISIBILITY (docs/API-DECISIONS.md, "Privacy"): `all` shows other users' e-mail
 * addresses and roles where the documents show them (message senders, room members); `admins`
 * shows them to administrators only, and a message's `sender.email` is null for everyone (a live
 * message is one object for all its subscribers). A user always sees its own.
 */
@Injectable()
export class UserPrivacy {
  constructor(private readonly config: AppConfig) {}

  /** Whether message views carry their sender's e-mail address. */
  get senderEmails(): boolean {
    return this.config.settings.userEmailVisibility === 'all';
  }

  /** Whether `viewer` sees the e-mail address and roles of user `userId`. */
  showsPrivateFields(viewer: Principal, userId: number): boolean {
    return this.config.settings.userEmailVisibility === 'all' || viewer.id === userId || isAdmin(viewer);
  }
}
