import { commonMigrations } from '@shiming/common';
import { eventStoreMigrations } from '@shiming/event-store';
import { timerMigrations } from '../timers/migrations';

/** The engine's schema: event store first, then what builds on it. */
export const engineMigrations = [...eventStoreMigrations, ...timerMigrations, ...commonMigrations];
