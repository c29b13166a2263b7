// A pcap file of one RTP stream, for sipp's play_pcap_audio: Debian's sip-tester ships only A-law audio, and a
// browser agent talks PCMU (media bridges without transcoding), so the caller's µ-law audio is made here.
// Format: libpcap (LINKTYPE_ETHERNET), each packet Ethernet + IPv4 + UDP + RTP (sipp replays the UDP payloads with
// the capture's timing, from its own media port to the far end's).
const PACKET_MS = 20;
const SAMPLES_PER_PACKET = 160;

export function rtpPcap(payload: Uint8Array, payloadType: number, ssrc: number): Buffer {
  const packets: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0); // magic, microsecond timestamps
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16); // snap length
  header.writeUInt32LE(1, 20); // Ethernet
  packets.push(header);
  const count = Math.floor(payload.length / SAMPLES_PER_PACKET);
  for (let index = 0; index < count; index += 1) {
    const rtp = Buffer.alloc(12 + SAMPLES_PER_PACKET);
    rtp[0] = 0x80;
    rtp[1] = (index === 0 ? 0x80 : 0) | payloadType; // marker on the first packet
    rtp.writeUInt16BE(index & 0xffff, 2);
    rtp.writeUInt32BE((index * SAMPLES_PER_PACKET) >>> 0, 4);
    rtp.writeUInt32BE(ssrc >>> 0, 8);
    rtp.set(payload.subarray(index * SAMPLES_PER_PACKET, (index + 1) * SAMPLES_PER_PACKET), 12);
    const frame = ethernetIpUdp(rtp);
    const record = Buffer.alloc(16);
    const micros = index * PACKET_MS * 1_000;
    record.writeUInt32LE(Math.floor(micros / 1_000_000), 0);
    record.writeUInt32LE(micros % 1_000_000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    packets.push(record, frame);
  }
  return Buffer.concat(packets);
}

/** Loopback-to-loopback framing; sipp only reads the UDP payload, ports and addresses are rewritten on replay. */
function ethernetIpUdp(payload: Buffer): Buffer {
  const frame = Buffer.alloc(14 + 20 + 8 + payload.length);
  frame.writeUInt16BE(0x0800, 12); // IPv4
  const ip = 14;
  frame[ip] = 0x45;
  frame.writeUInt16BE(20 + 8 + payload.length, ip + 2);
  frame[ip + 8] = 64; // TTL
  frame[ip + 9] = 17; // UDP
  frame.set([127, 0, 0, 1], ip + 12);
  frame.set([127, 0, 0, 1], ip + 16);
  let sum = 0;
  for (let offset = ip; offset < ip + 20; offset += 2) sum += frame.readUInt16BE(offset);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  frame.writeUInt16BE(~sum & 0xffff, ip + 10);
  const udp = ip + 20;
  frame.writeUInt16BE(40_000, udp);
  frame.writeUInt16BE(40_002, udp + 2);
  frame.writeUInt16BE(8 + payload.length, udp + 4); // checksum 0: none (allowed for IPv4)
  payload.copy(frame, udp + 8);
  return frame;
}
