import { ApolloServerPlugin } from '@apollo/server';
import { clearLoaders } from '../loaders';
import { Context } from './context';

/**
 * Mutation fields run one after another; once each has written, the request's DataLoader caches are
 * cleared, so the fields selected under it and the mutations after it read what was written.
 */
export const freshAfterMutationPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      // Queries get no per-field hook: calling one for each of a list's thousands of fields was a
      // measurable share of every read (docs/performance.md).
      async executionDidStart({ operation }) {
        if (operation.operation !== 'mutation') return;
        return {
          willResolveField({ info, contextValue }) {
            if (info.parentType.name !== 'Mutation') return;
            return () => clearLoaders(contextValue.loaders);
          },
        };
      },
    };
  },
};
