/*
 * The RTP load of the media bench (bench/bridge-bench.ts compiles and starts it). Why C and not Node: the bench
 * needs 100,000 UDP packets/s in and out on a 2-core machine whose other core runs the mediasoup worker under
 * test; a Node generator (dgram, one syscall and a JS callback per packet) spent a whole core on 80,000 and fell
 * short of the load.
 *
 * One UDP socket per leg on 127.0.0.1 (media accepts a leg's packets only from its connected address), each
 * sending a 20 ms PCMU packet every 20 ms, spread over four 5 ms slots. Every payload starts with the sender's leg
 * index and a packet counter, so the receiver checks the audio came from the leg's partner (leg ^ 1), in order.
 *
 * Protocol on stdin/stdout, one line each:
 *   open <legs>                  -> "ports <p0> <p1> ..."
 *   run <seconds> <t0> <t1> ...  -> "result <sent> <received> <wrong> <out_of_order> <silent_legs> <cpu_ms>"
 *                                   (t_i: the loopback port leg i sends to)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 4
#define PACKET_BYTES (12 + 160)

static int legs;
static int *sockets;
static uint16_t *ports;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static void open_legs(int count) {
  legs = count;
  sockets = calloc(legs, sizeof(int));
  ports = calloc(legs, sizeof(uint16_t));
  printf("ports");
  for (int leg = 0; leg < legs; leg++) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int size = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
      perror("bind");
      exit(1);
    }
    socklen_t length = sizeof address;
    getsockname(fd, (struct sockaddr *)&address, &length);
    sockets[leg] = fd;
    ports[leg] = ntohs(address.sin_port);
    printf(" %u", ports[leg]);
  }
  printf("\n");
  fflush(stdout);
}

/* Payload offset after CSRCs and a header extension (RFC 3550 5.1, 5.3.1); -1 if the packet is too short. */
static int payload_offset(const uint8_t *packet, ssize_t length) {
  int offset = 12 + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) {
    if (length < offset + 4) return -1;
    offset += 4 + 4 * ((packet[offset + 2] << 8) | packet[offset + 3]);
  }
  return length >= offset + 8 ? offset : -1;
}

static void run(double seconds, const uint16_t *targets) {
  uint64_t *sent = calloc(legs, sizeof(uint64_t));
  uint64_t *received = calloc(legs, sizeof(uint64_t));
  int64_t *last_counter = malloc(legs * sizeof(int64_t));
  uint64_t wrong = 0, out_of_order = 0;
  for (int leg = 0; leg < legs; leg++) last_counter[leg] = -1;

  int epoll = epoll_create1(0);
  for (int leg = 0; leg < legs; leg++) {
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)leg};
    epoll_ctl(epoll, EPOLL_CTL_ADD, sockets[leg], &event);
  }
  struct epoll_event ready[256];
  uint8_t packet[PACKET_BYTES];
  uint8_t buffer[2048];
  memset(packet, 0xff, sizeof packet);
  packet[0] = 0x80;
  packet[1] = 0; /* PCMU */

  double cpu_before = cpu_ms();
  double started = now_ms();
  double finish = started + seconds * 1000.0;
  double drain_until = finish + 500.0;
  long slot_index = 0;
  for (;;) {
    double now = now_ms();
    if (now >= drain_until) break;
    double next_slot = started + slot_index * (20.0 / SLOTS);
    if (now >= next_slot && now < finish) {
      int slot = slot_index % SLOTS;
      for (int leg = slot; leg < legs; leg += SLOTS) {
        uint64_t counter = sent[leg];
        packet[2] = counter >> 8;
        packet[3] = counter;
        uint32_t timestamp = (uint32_t)(counter * 160);
        uint32_t ssrc = 0x10000 + leg;
        uint32_t fields[4] = {htonl(timestamp), htonl(ssrc), htonl((uint32_t)leg), htonl((uint32_t)counter)};
        memcpy(packet + 4, &fields[0], 4);
        memcpy(packet + 8, &fields[1], 4);
        memcpy(packet + 12, &fields[2], 4);
        memcpy(packet + 16, &fields[3], 4);
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                 .sin_port = htons(targets[leg])};
        if (sendto(sockets[leg], packet, sizeof packet, 0, (struct sockaddr *)&to, sizeof to) == sizeof packet) {
          sent[leg] = counter + 1;
        }
      }
      slot_index++;
      continue;
    }
    double wait = (now < finish ? next_slot : drain_until) - now;
    int count = epoll_wait(epoll, ready, 256, wait > 0 ? (int)wait + 1 : 0);
    for (int index = 0; index < count; index++) {
      int leg = ready[index].data.u32;
      for (;;) {
        ssize_t length = recv(sockets[leg], buffer, sizeof buffer, 0);
        if (length < 0) break;
        int payload_type = buffer[1] & 0x7f;
        if (length < 20 || (payload_type >= 72 && payload_type <= 76)) continue; /* RTCP */
        int offset = payload_offset(buffer, length);
        if (offset < 0) continue;
        received[leg]++;
        uint32_t from, counter;
        memcpy(&from, buffer + offset, 4);
        memcpy(&counter, buffer + offset + 4, 4);
        if ((int)ntohl(from) != (leg ^ 1)) wrong++;
        if ((int64_t)ntohl(counter) <= last_counter[leg]) out_of_order++;
        last_counter[leg] = ntohl(counter);
      }
    }
  }
  uint64_t total_sent = 0, total_received = 0;
  int silent = 0;
  for (int leg = 0; leg < legs; leg++) {
    total_sent += sent[leg];
    total_received += received[leg];
    if (received[leg] == 0) silent++;
  }
  printf("result %lu %lu %lu %lu %d %.0f\n", total_sent, total_received, wrong, out_of_order, silent,
         cpu_ms() - cpu_before);
  fflush(stdout);
  close(epoll);
  free(sent);
  free(received);
  free(last_counter);
}

int main(void) {
  char *line = NULL;
  size_t capacity = 0;
  while (getline(&line, &capacity, stdin) > 0) {
    if (strncmp(line, "open ", 5) == 0) {
      open_legs(atoi(line + 5));
    } else if (strncmp(line, "run ", 4) == 0) {
      char *cursor = line + 4;
      double seconds = strtod(cursor, &cursor);
      uint16_t *targets = calloc(legs, sizeof(uint16_t));
      for (int leg = 0; leg < legs; leg++) targets[leg] = (uint16_t)strtol(cursor, &cursor, 10);
      run(seconds, targets);
      free(targets);
    }
  }
  return 0;
}
