// The baseline of the media bench, in its own process: the simplest Node.js media anchor for the same calls. Per
// call two UDP sockets; whatever arrives from one leg goes out to the other after rewriting the SSRC and sequence
// number (what any anchor must do so the far end sees one stream). No RTCP, no jitter handling, no codecs.
import dgram from 'node:dgram';
import { once } from 'node:events';

export type RelayCommand = { type: 'open'; remotes: { address: string; port: number }[] } | { type: 'cpu' };
export type RelayReply = { type: 'opened'; ports: number[] } | { type: 'cpu'; cpuMs: number };

const sockets: dgram.Socket[] = [];

async function open(remotes: { address: string; port: number }[]): Promise<void> {
  for (let index = 0; index < remotes.length; index += 1) {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    sockets.push(socket);
  }
  sockets.forEach((socket, index) => {
    // Legs come in pairs (2k, 2k+1): a packet from one leg leaves through the partner's socket to its remote.
    const partner = index ^ 1;
    const out = sockets[partner]!;
    const remote = remotes[partner]!;
    let sequence = 0;
    const ssrc = 0x50000 + partner;
    socket.on('message', (message) => {
      message.writeUInt16BE(sequence, 2);
      sequence = (sequence + 1) & 0xffff;
      message.writeUInt32BE(ssrc, 8);
      out.send(message, remote.port, remote.address);
    });
  });
  process.send?.({ type: 'opened', ports: sockets.map((socket) => socket.address().port) } satisfies RelayReply);
}

process.on('message', (command: RelayCommand) => {
  if (command.type === 'open') {
    open(command.remotes).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    const usage = process.cpuUsage();
    process.send?.({ type: 'cpu', cpuMs: (usage.user + usage.system) / 1000 } satisfies RelayReply);
  }
});
