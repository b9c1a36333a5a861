/*
 * Persistent host harness for the inference server (server/): one process per model library,
 * started once and fed requests over stdin/stdout until stdin closes. No kernel math here: it
 * moves bytes in and out of the generated library and times mote_invoke().
 *
 * Protocol (little-endian, host byte order; server/worker.ts is the other side):
 *   start:    it calls mote_init() and writes the hello: "MOTE", u32 inputs, u32 outputs, then
 *             u32 bytes of every input and of every output. A nonzero mote_init() status is one
 *             "error: mote_init() returned status N" line on stderr and exit status 1.
 *   request:  u32 invocations N (1..MAX_INVOCATIONS), u32 flags (bit 0: mote_reset() first, so a
 *             streaming front end starts from silence), then N x (every input's bytes, in order).
 *   answer:   u32 status (0, or the first nonzero mote_invoke() status), u32 invocations run,
 *             u64 nanoseconds spent in mote_invoke() (CLOCK_MONOTONIC), then every invocation's
 *             outputs (invocations run x every output's bytes).
 * End of input between requests exits 0; anything else malformed exits 1 with an error line.
 * Built by compiler/toolchain/host.ts (buildHost with harness "serve.c"), gcc -std=c11 -Werror.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

#define MAX_INVOCATIONS 4096u

static int read_exact(void *buffer, size_t bytes)
{
  return bytes == 0 || fread(buffer, 1, bytes, stdin) == bytes;
}

static void write_exact(const void *buffer, size_t bytes)
{
  if (bytes != 0 && fwrite(buffer, 1, bytes, stdout) != bytes) {
    fprintf(stderr, "error: cannot write to stdout\n");
    exit(1);
  }
}

static void write_u32(uint32_t value)
{
  write_exact(&value, sizeof value);
}

static uint64_t now_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(void)
{
  size_t in_bytes = 0, out_bytes = 0;
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) in_bytes += mote_input_bytes(i);
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) out_bytes += mote_output_bytes(i);
  int init_status = mote_init();
  if (init_status != 0) {
    fprintf(stderr, "error: mote_init() returned status %d\n", init_status);
    return 1;
  }
  write_exact("MOTE", 4);
  write_u32(MOTE_NUM_INPUTS);
  write_u32(MOTE_NUM_OUTPUTS);
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) write_u32((uint32_t)mote_input_bytes(i));
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) write_u32((uint32_t)mote_output_bytes(i));
  fflush(stdout);

  unsigned char *inputs = NULL, *outputs = NULL;
  uint32_t capacity = 0;
  for (;;) {
    uint32_t header[2];
    size_t got = fread(header, 1, sizeof header, stdin);
    if (got == 0 && feof(stdin)) break;
    if (got != sizeof header) {
      fprintf(stderr, "error: truncated request header\n");
      return 1;
    }
    uint32_t count = header[0], flags = header[1];
    if (count == 0 || count > MAX_INVOCATIONS) {
      fprintf(stderr, "error: request of %u invocations (1 to %u)\n", count, MAX_INVOCATIONS);
      return 1;
    }
    if (count > capacity) {
      /* Host only (the firmware harnesses are static): the buffers grow to the largest request. */
      free(inputs);
      free(outputs);
      inputs = malloc(in_bytes * count);
      outputs = malloc(out_bytes * count + 1);
      if (inputs == NULL || outputs == NULL) {
        fprintf(stderr, "error: cannot allocate buffers for %u invocations\n", count);
        return 1;
      }
      capacity = count;
    }
    if (!read_exact(inputs, in_bytes * count)) {
      fprintf(stderr, "error: truncated request: %u invocations of %zu bytes expected\n", count, in_bytes);
      return 1;
    }
    if (flags & 1u) mote_reset();
    uint32_t status = 0, done = 0;
    uint64_t spent = 0;
    for (; done < count; done++) {
      const unsigned char *in = inputs + (size_t)done * in_bytes;
      for (int i = 0; i < MOTE_NUM_INPUTS; i++) {
        memcpy(mote_input(i), in, mote_input_bytes(i));
        in += mote_input_bytes(i);
      }
      uint64_t start = now_ns();
      int s = mote_invoke();
      spent += now_ns() - start;
      if (s != 0) {
        status = (uint32_t)s;
        break;
      }
      unsigned char *out = outputs + (size_t)done * out_bytes;
      for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) {
        memcpy(out, mote_output(i), mote_output_bytes(i));
        out += mote_output_bytes(i);
      }
    }
    write_u32(status);
    write_u32(done);
    write_exact(&spent, sizeof spent);
    write_exact(outputs, out_bytes * done);
    fflush(stdout);
  }
  free(inputs);
  free(outputs);
  return 0;
}
