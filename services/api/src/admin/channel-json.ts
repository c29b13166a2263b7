// Channels in the admin REST JSON ("voice", "chat", "email", "callback"), shared by queues and agents.
import { Channel } from '@parley/protos/parley/common/v1/channel';
import { jsonEnum } from './json-enum.js';

export const channel = jsonEnum<Channel>(Channel, 'CHANNEL_');

export const channelSchema = { type: 'string', enum: channel.names } as const;
