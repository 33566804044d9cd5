import { CreateSchema1764270000000 } from './1764270000000-CreateSchema';

/** Every migration, in order. Add new ones at the end. */
export const MIGRATIONS = [CreateSchema1764270000000];
