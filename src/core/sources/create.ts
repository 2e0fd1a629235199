// The tool sources configured beside the MCP servers ("openapi", "commands"), built the same way
// for the CLI and the extension, which hand them to the hub.

import type { LoadedConfig } from '../config/types';
import { CommandSource } from './commands/source';
import { OpenApiSource } from './openapi/source';
import type { SourceOptions } from './prepared';
import type { ToolSource } from './source';

export function createSources(config: Pick<LoadedConfig, 'sources'>, options: SourceOptions): ToolSource[] {
  return config.sources.map((definition) => (definition.type === 'openapi' ? new OpenApiSource(definition, options) : new CommandSource(definition, options)));
}
