// The ordered list of migrations. Append only: a released migration is never edited.
import { foundation } from './0001-foundation.js';
import { vault } from './0002-vault.js';
import { inbox } from './0003-inbox.js';
import { relay } from './0004-relay.js';
import type { LatchkeyMigration } from './types.js';

export const migrations: LatchkeyMigration[] = [foundation, vault, inbox, relay];
